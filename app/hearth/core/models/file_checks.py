"""Opening a file someone named as a model: the checks and messages every reader shares.

The header validator, the hasher and the importer all read files they do not control, which
may be folders, FIFOs, symlink loops, or files still being written. They stat before opening
(opening a FIFO blocks forever), compare what they opened with what they stat'ed, and turn
every `OSError` into a `ModelFileError` that says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from hearth.core.errors import ModelFileError

CHOOSE_GGUF: Final = "Choose a .gguf model file, such as one downloaded from Hugging Face."

# (device, inode, size, mtime): a file that keeps all four has not been replaced or written.
FileIdentity = tuple[int, int, int, int]


def stat_regular_file(path: Path) -> os.stat_result:
    """Stat `path` (following links) and insist it is a regular file."""
    try:
        status = os.stat(path)
    except FileNotFoundError as exc:
        raise ModelFileError(f"{path} does not exist. Check the path and try again.") from exc
    except ValueError as exc:  # an embedded NUL byte
        raise ModelFileError(f"{str(path)!r} is not a valid file path. {CHOOSE_GGUF}") from exc
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if stat.S_ISDIR(status.st_mode):
        raise ModelFileError(f"{path} is a folder, not a model file. {CHOOSE_GGUF}")
    if not stat.S_ISREG(status.st_mode):
        raise ModelFileError(f"{path} is not a regular file. {CHOOSE_GGUF}")
    return status


def file_identity(status: os.stat_result) -> FileIdentity:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def changed_while_reading(path: Path) -> ModelFileError:
    return ModelFileError(
        f"{path} changed while Hearth was reading it (it may still be downloading or copying). "
        "Wait until it is complete and try again."
    )


def vanished_while_reading(path: Path) -> ModelFileError:
    return ModelFileError(
        f"{path} disappeared while Hearth was reading it. "
        "Check that the file is still there and try again."
    )


def unreadable(path: Path, exc: OSError) -> ModelFileError:
    if exc.errno == errno.ELOOP:
        return ModelFileError(
            f"{path} is a symbolic link that points back to itself (a loop), so there is no "
            "file to open. Fix or remove the link and choose the real .gguf file."
        )
    if isinstance(exc, PermissionError):
        return ModelFileError(
            f"Hearth is not allowed to read {path}. Check the file's permissions, or copy it "
            "somewhere you own and choose the copy."
        )
    if isinstance(exc, IsADirectoryError):
        return ModelFileError(f"{path} is a folder, not a model file. {CHOOSE_GGUF}")
    reason = exc.strerror or exc.__class__.__name__
    return ModelFileError(
        f"{path} could not be read ({reason}); it may have been moved, deleted or changed "
        "while Hearth was reading it. Check the file and try again."
    )


def check_still_there(path: Path, opened: os.stat_result) -> None:
    """Raise unless `path` still names the file that was opened, unchanged.

    On POSIX an open file can be read to the end after its name is gone; what was read then
    describes a file that no longer exists at `path`.
    """
    try:
        now = os.stat(path)
    except FileNotFoundError as exc:
        raise vanished_while_reading(path) from exc
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if file_identity(now) != file_identity(opened):
        raise changed_while_reading(path)
