"""Tests for reading this machine's memory and CPU cores."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hearth.core import hardware
from hearth.core.hardware import Memory, _linux_meminfo, _linux_physical_cores

KIB = 1024

MEMINFO = """\
MemTotal:       16303428 kB
MemFree:         1234567 kB
MemAvailable:    9876543 kB
Buffers:          345678 kB
Cached:          5432100 kB
SwapTotal:       2097148 kB
HugePages_Total:       0
HugePages_Free:        0
Hugepagesize:       2048 kB
"""

# Before Linux 3.14 there was no MemAvailable.
OLD_KERNEL_MEMINFO = """\
MemTotal:        4048764 kB
MemFree:          512000 kB
Buffers:          100000 kB
"""


def cpuinfo_block(processor: int, physical_id: int | None, core_id: int | None) -> str:
    lines = [
        f"processor\t: {processor}",
        "vendor_id\t: GenuineIntel",
        "model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
    ]
    if physical_id is not None:
        lines.append(f"physical id\t: {physical_id}")
    lines.append("siblings\t: 4")
    if core_id is not None:
        lines.append(f"core id\t\t: {core_id}")
    lines += ["cpu cores\t: 2", "flags\t\t: fpu vme de pse tsc msr pae mce ht avx2", ""]
    return "\n".join(lines)


def two_socket_smt() -> str:
    """2 sockets x 2 cores x 2 hardware threads: 8 logical CPUs, 4 physical cores."""
    blocks = []
    processor = 0
    for _thread in range(2):
        for socket in range(2):
            for core in range(2):
                blocks.append(cpuinfo_block(processor, socket, core))
                processor += 1
    return "\n".join(blocks) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- /proc/meminfo ----------------------------------------------------------------------------


def test_meminfo_gives_total_and_available(tmp_path: Path) -> None:
    info = _linux_meminfo(write(tmp_path, "meminfo", MEMINFO))

    assert info == Memory(total_bytes=16303428 * KIB, available_bytes=9876543 * KIB)


def test_meminfo_without_memavailable_uses_memfree(tmp_path: Path) -> None:
    info = _linux_meminfo(write(tmp_path, "meminfo", OLD_KERNEL_MEMINFO))

    assert info == Memory(total_bytes=4048764 * KIB, available_bytes=512000 * KIB)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "complete garbage\n\x00\x01\n",
        "MemFree: 1000 kB\nMemAvailable: 900 kB\n",  # no total
        "MemTotal: lots kB\nMemAvailable: 900 kB\n",
        "MemTotal: kB\n",
        "MemTotal: 1000 kB\n",  # neither available nor free
    ],
    ids=["empty", "garbage", "no-total", "not-a-number", "no-number", "no-available"],
)
def test_meminfo_that_cannot_be_read_gives_none(tmp_path: Path, text: str) -> None:
    assert _linux_meminfo(write(tmp_path, "meminfo", text)) is None


def test_a_missing_meminfo_gives_none(tmp_path: Path) -> None:
    assert _linux_meminfo(tmp_path / "does-not-exist") is None


# --- /proc/cpuinfo ----------------------------------------------------------------------------


def test_two_sockets_with_smt_count_each_physical_core_once(tmp_path: Path) -> None:
    path = write(tmp_path, "cpuinfo", two_socket_smt())

    assert _linux_physical_cores(path) == 4


def test_the_same_core_id_on_two_sockets_is_two_cores(tmp_path: Path) -> None:
    text = "\n".join(cpuinfo_block(i, i, 0) for i in range(2))

    assert _linux_physical_cores(write(tmp_path, "cpuinfo", text)) == 2


def test_a_vm_with_one_core_per_virtual_socket(tmp_path: Path) -> None:
    # Many hypervisors present every vCPU as its own single-core socket.
    text = "\n".join(cpuinfo_block(i, i, 0) for i in range(6))

    assert _linux_physical_cores(write(tmp_path, "cpuinfo", text)) == 6


def test_a_vm_without_physical_id_counts_core_ids(tmp_path: Path) -> None:
    text = "\n".join(cpuinfo_block(i, None, i) for i in range(3))

    assert _linux_physical_cores(write(tmp_path, "cpuinfo", text)) == 3


def test_a_single_cpu_without_a_trailing_blank_line(tmp_path: Path) -> None:
    text = cpuinfo_block(0, 0, 0).rstrip("\n")

    assert _linux_physical_cores(write(tmp_path, "cpuinfo", text)) == 1


def test_cpuinfo_without_core_ids_gives_none(tmp_path: Path) -> None:
    # ARM boards and some VMs list processors but no topology.
    arm = "\n".join(
        f"processor\t: {i}\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd\nCPU part\t: 0xd0b\n"
        for i in range(4)
    )

    assert _linux_physical_cores(write(tmp_path, "cpuinfo", arm)) is None


@pytest.mark.parametrize("text", ["", "garbage without colons\n\n\n", "::::\n\n: :\n"])
def test_garbage_cpuinfo_gives_none(tmp_path: Path, text: str) -> None:
    assert _linux_physical_cores(write(tmp_path, "cpuinfo", text)) is None


def test_a_missing_cpuinfo_gives_none(tmp_path: Path) -> None:
    assert _linux_physical_cores(tmp_path / "does-not-exist") is None


# --- this machine -----------------------------------------------------------------------------


def test_memory_of_this_machine_is_sane() -> None:
    info = hardware.memory()

    assert isinstance(info.total_bytes, int)
    assert isinstance(info.available_bytes, int)
    assert 64 * 1024**2 <= info.total_bytes < 1 << 50
    assert 0 < info.available_bytes <= info.total_bytes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")
def test_memory_on_linux_comes_from_proc_meminfo() -> None:
    from_proc = _linux_meminfo(Path("/proc/meminfo"))

    assert from_proc is not None
    assert hardware.memory().total_bytes == from_proc.total_bytes


def test_physical_cores_of_this_machine_is_sane() -> None:
    cores = hardware.physical_cores()

    assert isinstance(cores, int)
    assert 1 <= cores <= (os.cpu_count() or 1)


def test_default_threads_is_one_per_physical_core() -> None:
    assert hardware.default_threads() == hardware.physical_cores()


def test_cpu_description_is_text() -> None:
    assert isinstance(hardware.cpu_description(), str)
