"""Tests for atomic file replacement: readers see the old bytes or the new, never half."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest

from hearth.core.files.atomic_write import write_atomically

resource: ModuleType | None
try:
    import resource
except ImportError:  # Windows
    resource = None


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"

    write_atomically(target, b'{"a": 1}\n')

    assert target.read_bytes() == b'{"a": 1}\n'
    assert names(tmp_path) == ["out.json"]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old content that is longer than the new")

    write_atomically(target, b"new")

    assert target.read_bytes() == b"new"
    assert names(tmp_path) == ["out.json"]


def test_writes_empty_and_large_content(tmp_path: Path) -> None:
    empty, large = tmp_path / "empty", tmp_path / "large"
    blob = bytes(range(256)) * 40_000  # ~10 MB, past any single buffer

    write_atomically(empty, b"")
    write_atomically(large, blob)

    assert empty.read_bytes() == b""
    assert large.read_bytes() == blob
    assert names(tmp_path) == ["empty", "large"]


def test_creates_missing_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "x" / "y" / "z.txt"

    write_atomically(target, b"deep")

    assert target.read_bytes() == b"deep"
    assert names(target.parent) == ["z.txt"]


def test_many_writes_leave_only_the_last(tmp_path: Path) -> None:
    target = tmp_path / "counter"

    for i in range(50):
        write_atomically(target, str(i).encode())

    assert target.read_bytes() == b"49"
    assert names(tmp_path) == ["counter"]


def test_a_parent_that_is_a_file_fails_cleanly(tmp_path: Path) -> None:
    parent = tmp_path / "not-a-folder"
    parent.write_bytes(b"precious")

    with pytest.raises((FileExistsError, NotADirectoryError)):
        write_atomically(parent / "out.json", b"data")

    assert parent.read_bytes() == b"precious"
    assert names(tmp_path) == ["not-a-folder"]


def test_a_failed_rename_keeps_the_target_and_removes_the_temporary(tmp_path: Path) -> None:
    # A non-empty folder at the target cannot be replaced by a file: the last step fails
    # after every byte of the temporary file was written and synced.
    target = tmp_path / "out.json"
    target.mkdir()
    (target / "inside").write_bytes(b"kept")

    with pytest.raises((IsADirectoryError, PermissionError)):
        write_atomically(target, b"new bytes")

    assert (target / "inside").read_bytes() == b"kept"
    assert names(tmp_path) == ["out.json"]


def test_a_crash_mid_write_never_leaves_a_half_written_target(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"the original bytes")

    # str is not bytes: writing raises after the temporary file was created.
    with pytest.raises(TypeError):
        write_atomically(target, cast(Any, "text, not bytes"))

    assert target.read_bytes() == b"the original bytes"
    assert names(tmp_path) == ["out.json"]


@pytest.mark.skipif(resource is None, reason="needs RLIMIT_FSIZE (POSIX)")
def test_disk_full_mid_write_keeps_the_original(tmp_path: Path) -> None:
    assert resource is not None
    target = tmp_path / "out.bin"
    target.write_bytes(b"the original bytes")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Files may not grow past 1000 bytes: the write stops part-way, as on a full disk
    # (Python ignores SIGXFSZ, so the write fails with EFBIG instead of killing the process).
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
    try:
        with pytest.raises(OSError, match="too large"):
            write_atomically(target, b"n" * 100_000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    assert target.read_bytes() == b"the original bytes"
    assert names(tmp_path) == ["out.bin"]


def test_other_files_in_the_folder_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".out.json.abc.tmp").write_bytes(b"someone else's")
    (tmp_path / "sibling").write_bytes(b"sibling")

    write_atomically(tmp_path / "out.json", b"mine")

    assert (tmp_path / ".out.json.abc.tmp").read_bytes() == b"someone else's"
    assert (tmp_path / "sibling").read_bytes() == b"sibling"
    assert (tmp_path / "out.json").read_bytes() == b"mine"
