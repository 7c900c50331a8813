"""A lock on a file that other processes respect: the GUI and a CLI may share one store.

The operating system releases the lock when the holder dies, so a crash never leaves the
store locked (a stale lock *file* is harmless; only the lock on it counts).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

from hearth.core.errors import HearthError


class LockTimeout(HearthError):
    """Another Hearth process held the lock for longer than we are willing to wait."""


class FileLock:
    """An exclusive, cross-process lock on `path`; a context manager.

    `timeout` None waits forever; 0 tries once. Waiting polls, because neither flock nor
    msvcrt.locking can wait with a deadline.
    """

    _POLL_SECONDS = 0.05

    def __init__(self, path: Path, *, busy: str, timeout: float | None = 30.0) -> None:
        self.path = path
        self._busy = busy  # the whole message when another process holds the lock
        self._timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            if _try_lock(fd):
                self._fd = fd
                return
            if deadline is not None and time.monotonic() >= deadline:
                os.close(fd)
                raise LockTimeout(self._busy)
            time.sleep(self._POLL_SECONDS)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _unlock(fd)
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
