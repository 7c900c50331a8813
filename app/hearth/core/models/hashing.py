"""SHA-256 of a model file, with progress and cancel, refusing files that change underneath.

A hash is only worth recording if it is the hash of the file that is registered: a file still
being copied, replaced, truncated or deleted while it is read would give a hash of nothing in
particular. So the file is stat'ed before, fstat'ed after opening, and both the open file and
the path are checked again at the end.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hearth.core.cancel import CancelToken
from hearth.core.errors import ModelFileError
from hearth.core.models.file_checks import (
    changed_while_reading,
    check_still_there,
    file_identity,
    stat_regular_file,
    unreadable,
    vanished_while_reading,
)
from hearth.core.models.progress import Phase, ProgressCallback, ProgressMeter

CHUNK_BYTES: Final = 1024 * 1024


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    status: os.stat_result  # of the file that was hashed


def sha256_file(
    path: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> FileDigest:
    """Hash `path`, reporting `Phase.VERIFY` progress; raises `ModelFileError` or `Cancelled`."""
    before = stat_regular_file(path)
    digest = hashlib.sha256()
    meter = ProgressMeter(Phase.VERIFY, before.st_size, progress)
    try:
        with open(path, "rb", buffering=0) as file:
            opened = os.fstat(file.fileno())
            if file_identity(opened) != file_identity(before):
                raise changed_while_reading(path)
            buffer = bytearray(chunk_bytes)
            view = memoryview(buffer)
            read = 0
            while True:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                n = file.readinto(buffer)
                if not n:
                    break
                digest.update(view[:n])
                read += n
                meter.set(read)
            if read != opened.st_size or file_identity(os.fstat(file.fileno())) != file_identity(
                opened
            ):
                raise changed_while_reading(path)
    except FileNotFoundError as exc:
        raise vanished_while_reading(path) from exc
    except OSError as exc:
        raise unreadable(path, exc) from exc
    check_still_there(path, opened)
    meter.finish()
    return FileDigest(digest.hexdigest(), opened)


def is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def require_sha256(text: str, what: str) -> str:
    value = text.strip().lower()
    if not is_sha256(value):
        raise ModelFileError(f"{what} is not a SHA-256 (64 hexadecimal digits): {text!r}")
    return value
