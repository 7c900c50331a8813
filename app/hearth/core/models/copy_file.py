"""Copy a model file into the models folder and prove the copy is the original.

The bytes are hashed as they are read from the source, and the copy is hashed again from
disk afterwards: a bad USB stick, a network share that drops out or a full disk show up as a
mismatch instead of as a model that crashes later. The copy is written under a temporary name
in `.incoming/` and only renamed into place by the caller after it has been verified.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from hearth.core.cancel import CancelToken
from hearth.core.errors import HearthError, ModelFileError
from hearth.core.models.disk_space import (
    FreeBytes,
    NotEnoughDiskSpace,
    free_bytes,
    gb,
    is_disk_full,
    require_free_space,
)
from hearth.core.models.file_checks import (
    changed_while_reading,
    check_still_there,
    file_identity,
    stat_regular_file,
    unreadable,
    vanished_while_reading,
)
from hearth.core.models.hashing import sha256_file
from hearth.core.models.progress import Phase, ProgressCallback, ProgressMeter

CHUNK_BYTES: Final = 4 * 1024 * 1024


@dataclass(frozen=True)
class VerifiedCopy:
    path: Path  # the copy, under a temporary name
    sha256: str
    status: os.stat_result  # of the copy


def copy_verified(
    source: Path,
    folder: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    disk_free: FreeBytes = free_bytes,
) -> VerifiedCopy:
    """Copy `source` into `folder` under a temporary name; raise unless the copy is exact."""
    before = stat_regular_file(source)
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(folder)  # before the space check: they may be what fills the disk
    require_free_space(folder, before.st_size, f"a copy of {source.name}", free=disk_free)
    # The writer's pid in the name: a copy whose process is gone (kill -9) is known stale.
    target = folder / f"{os.getpid()}-{uuid.uuid4().hex}.partial"
    try:
        source_sha256 = _copy(source, before, target, progress, cancel)
        copied = sha256_file(target, progress=progress, cancel=cancel)
        if copied.sha256 != source_sha256:
            raise ModelFileError(
                f"The copy of {source} does not match the original (the disk or the source "
                "gave different bytes on reading). Nothing was added; try again, and check "
                "the disk if it happens again."
            )
        return VerifiedCopy(target, source_sha256, copied.status)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


# A partial copy whose name carries no pid (an older Hearth's) is stale after this long.
_STALE_AFTER_S: Final = 24 * 3600


def clean_stale_partials(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete the `.partial` copies that no running import is writing (their process was
    killed: hundreds of MB each, forever). Returns what was deleted."""
    removed: list[Path] = []
    try:
        candidates = list(folder.glob("*.partial"))
    except OSError:
        return removed
    for path in candidates:
        if _still_written(path, now):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _still_written(path: Path, now: float | None) -> bool:
    pid_text, dash, _ = path.stem.partition("-")
    # Windows: os.kill(pid, 0) would send CTRL_C_EVENT, not probe; the age decides there.
    if dash and pid_text.isdigit() and sys.platform != "win32":
        pid = int(pid_text)
        if pid == os.getpid():
            return True  # this process's own copy, in another thread
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True  # alive, another user's
        return True
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except OSError:
        return True
    return age < _STALE_AFTER_S


def _copy(
    source: Path,
    before: os.stat_result,
    target: Path,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> str:
    digest = hashlib.sha256()
    meter = ProgressMeter(Phase.COPY, before.st_size, progress)
    try:
        src = open(source, "rb", buffering=0)  # noqa: SIM115 - two files, one with-block each
    except FileNotFoundError as exc:
        raise vanished_while_reading(source) from exc
    except OSError as exc:
        raise unreadable(source, exc) from exc
    with src:
        opened = os.fstat(src.fileno())
        if file_identity(opened) != file_identity(before):
            raise changed_while_reading(source)
        try:
            with open(target, "xb") as out:
                while chunk := _read(src, source):
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    digest.update(chunk)
                    out.write(chunk)
                    meter.advance(len(chunk))
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            if is_disk_full(exc):
                raise NotEnoughDiskSpace(
                    f"The disk filled up while copying {source.name} ({gb(meter.done)} of "
                    f"{gb(before.st_size)} done). Nothing was added; free some space and try "
                    "again."
                ) from exc
            raise HearthError(
                f"Could not write the copy of {source.name} to {target.parent} "
                f"({exc.strerror or exc}). Check the folder's permissions and try again."
            ) from exc
        if meter.done != before.st_size or file_identity(os.fstat(src.fileno())) != file_identity(
            opened
        ):
            raise changed_while_reading(source)
    check_still_there(source, opened)
    meter.finish()
    return digest.hexdigest()


def _read(file: BinaryIO, source: Path) -> bytes:
    try:
        return file.read(CHUNK_BYTES)
    except OSError as exc:
        raise unreadable(source, exc) from exc
