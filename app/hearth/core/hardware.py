"""What this machine has: memory and CPU cores, read without third-party packages."""

from __future__ import annotations

import ctypes
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Memory:
    total_bytes: int
    available_bytes: int


def memory() -> Memory:
    """Total and currently available RAM (available: what can be used without swapping)."""
    if sys.platform.startswith("linux"):
        info = _linux_meminfo(Path("/proc/meminfo"))
        if info is not None:
            return info
    if sys.platform == "win32":
        return _windows_memory()
    page = os.sysconf("SC_PAGE_SIZE")
    total = os.sysconf("SC_PHYS_PAGES") * page
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * page
    except (ValueError, OSError):  # macOS has no SC_AVPHYS_PAGES
        available = total
    return Memory(total, available)


def _linux_meminfo(path: Path) -> Memory | None:
    try:
        fields = dict(
            (line.split(":")[0], int(line.split()[1]) * 1024)
            for line in path.read_text().splitlines()
            if line.endswith("kB")
        )
        return Memory(fields["MemTotal"], fields.get("MemAvailable", fields["MemFree"]))
    except (OSError, KeyError, ValueError, IndexError):
        return None


def _windows_memory() -> Memory:
    class MemoryStatus(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status))  # type: ignore[attr-defined]
    return Memory(int(status.ullTotalPhys), int(status.ullAvailPhys))


def physical_cores() -> int:
    """Physical CPU cores: llama.cpp decodes fastest with a thread per core, not per SMT thread."""
    logical = os.cpu_count() or 1
    found: int | None = None
    if sys.platform.startswith("linux"):
        found = _linux_physical_cores(Path("/proc/cpuinfo"))
    elif sys.platform == "darwin":
        found = _sysctl_int("hw.perflevel0.physicalcpu") or _sysctl_int("hw.physicalcpu")
    if found is None:
        # Assume two-way SMT where we cannot tell, but never fewer than one thread.
        found = max(1, logical // 2) if logical > 2 else logical
    return max(1, min(found, logical))


def _linux_physical_cores(path: Path) -> int | None:
    try:
        text = path.read_text()
    except OSError:
        return None
    cores: set[tuple[str, str]] = set()
    for block in text.split("\n\n"):
        fields = {
            key.strip(): value.strip()
            for key, _, value in (line.partition(":") for line in block.splitlines())
        }
        if "core id" in fields:
            cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores) or None


def _sysctl_int(name: str) -> int | None:
    try:
        out = subprocess.run(
            ["sysctl", "-n", name], capture_output=True, text=True, timeout=2, check=True
        ).stdout
        return int(out.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def default_threads() -> int:
    return physical_cores()


def cpu_description() -> str:
    return platform.processor() or platform.machine()
