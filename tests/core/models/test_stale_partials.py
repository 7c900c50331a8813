"""A copy left behind by an import killed with kill -9 is cleaned up by the next import."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hearth.core.models.copy_file import clean_stale_partials, copy_verified


def dead_pid() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(sys.platform == "win32", reason="pid probing is POSIX's")
def test_a_partial_of_a_dead_import_is_deleted_and_a_live_one_kept(
    tmp_path: Path, tiny_model: Path
) -> None:
    incoming = tmp_path / ".incoming"
    incoming.mkdir()
    stale = incoming / f"{dead_pid()}-abc.partial"
    stale.write_bytes(b"x" * 1000)
    live = incoming / f"{os.getppid()}-def.partial"  # a running process (pytest's parent)
    live.write_bytes(b"y")

    copied = copy_verified(tiny_model, incoming)

    assert not stale.exists()
    assert live.exists()
    assert copied.path.exists()
    assert copied.path.name.startswith(f"{os.getpid()}-")


def test_an_old_partial_without_a_pid_goes_after_a_day(tmp_path: Path) -> None:
    old = tmp_path / "0123abcd.partial"
    old.write_bytes(b"z")
    fresh = tmp_path / "4567ef.partial"
    fresh.write_bytes(b"z")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))

    removed = clean_stale_partials(tmp_path)

    assert removed == [old]
    assert fresh.exists()
