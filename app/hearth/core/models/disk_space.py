"""Free disk space, checked before writing gigabytes rather than discovered halfway."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Final

from hearth.core.errors import HearthError

# Room left over for the model index, settings and logs after a model lands.
MARGIN_BYTES: Final = 64 * 1024 * 1024
DISK_FULL_ERRNOS: Final = frozenset(
    {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
)

FreeBytes = Callable[[Path], int]


class NotEnoughDiskSpace(HearthError):
    """The disk cannot hold the file (checked first, or found full while writing)."""


def free_bytes(path: Path) -> int:
    """Free bytes on the disk holding `path` (or its nearest existing parent)."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return 0


def gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 10**8 else f"{n / 1e6:.1f} MB"


def require_free_space(
    folder: Path, needed: int, what: str, *, free: FreeBytes = free_bytes
) -> None:
    """Raise `NotEnoughDiskSpace` unless `folder`'s disk has `needed` bytes and a margin."""
    available = free(folder)
    if available >= needed + MARGIN_BYTES:
        return
    raise NotEnoughDiskSpace(
        f"Not enough disk space for {what}: it needs {gb(needed + MARGIN_BYTES)} and the disk "
        f"holding {folder} has {gb(available)} free. Free some space (or set HEARTH_HOME to "
        "a folder on a larger disk) and try again."
    )


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in DISK_FULL_ERRNOS
