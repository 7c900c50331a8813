"""SHA-256 of model files: right, with progress and cancel, and never of a moving target."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, ModelFileError
from hearth.core.models.hashing import require_sha256, sha256_file
from hearth.core.models.progress import Phase, Progress

DATA = bytes(range(256)) * 20_000  # 5 MB: several chunks


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "weights.gguf"
    path.write_bytes(DATA)
    return path


def test_the_hash_is_sha256_and_progress_covers_the_file(data_file: Path) -> None:
    seen: list[Progress] = []

    digest = sha256_file(data_file, progress=seen.append, chunk_bytes=1024 * 1024)

    assert digest.sha256 == hashlib.sha256(DATA).hexdigest()
    assert digest.status.st_size == len(DATA)
    assert {p.phase for p in seen} == {Phase.VERIFY}
    assert seen[-1].done_bytes == seen[-1].total_bytes == len(DATA)


def test_cancel_stops_hashing(data_file: Path) -> None:
    token = CancelToken()

    def cancel(progress: Progress) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        sha256_file(data_file, progress=cancel, cancel=token, chunk_bytes=1024 * 1024)


def test_a_file_deleted_while_it_is_hashed_is_refused(data_file: Path) -> None:
    def delete(progress: Progress) -> None:
        data_file.unlink(missing_ok=True)

    with pytest.raises(ModelFileError, match="disappeared while Hearth was reading it"):
        sha256_file(data_file, progress=delete, chunk_bytes=1024 * 1024)


def test_a_file_that_grows_while_it_is_hashed_is_refused(data_file: Path) -> None:
    def append(progress: Progress) -> None:
        with data_file.open("ab") as file:
            file.write(b"more")

    with pytest.raises(ModelFileError, match="changed while Hearth was reading it"):
        sha256_file(data_file, progress=append, chunk_bytes=1024 * 1024)


def test_a_file_replaced_while_it_is_hashed_is_refused(data_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.gguf"
    other.write_bytes(DATA)

    def replace(progress: Progress) -> None:
        os.replace(other, data_file) if other.exists() else None

    with pytest.raises(ModelFileError, match="changed while Hearth was reading it"):
        sha256_file(data_file, progress=replace, chunk_bytes=1024 * 1024)


def test_folders_links_to_nowhere_and_loops_are_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.gguf"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.gguf"
    dangling.symlink_to(tmp_path / "nowhere.gguf")

    for path, needle in [(tmp_path, "is a folder"), (loop, "loop"), (dangling, "does not exist")]:
        with pytest.raises(ModelFileError, match=needle):
            sha256_file(path)


def test_a_sha256_is_checked_and_normalised() -> None:
    assert require_sha256(" " + "AB" * 32 + "\n", "the hash") == "ab" * 32
    with pytest.raises(ModelFileError, match="is not a SHA-256"):
        require_sha256("abc", "the hash")
