"""Noticing an engine host that stops answering.

The client waits for the host's next event on a pipe; a host that was stopped (SIGSTOP, a
debugger, a laptop's process freezer) or that hangs inside llama.cpp would keep it waiting
forever — a batch of 5,000 lines stuck at line 425 with no word. While the client waits, the
watchdog looks at the host: stopped for `stopped_after_s`, or silent for `silent_after_s`
(no event at all, not even progress), it kills the host. The client then reads EOF, as after
any crash, and reports `reason` — and the next request starts a fresh host.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# Long enough for a user's deliberate Ctrl+Z and fg, short enough for a batch to go on.
STOPPED_AFTER_S = 5.0
# The host sends progress during loading and prompt processing, and a token per token: ten
# silent minutes is no model working, on any laptop.
SILENT_AFTER_S = 600.0
_CHECK_EVERY_S = 0.5


def process_stopped(pid: int) -> bool:
    """Whether `pid` is stopped (Linux: /proc state T or t); False where that is unknown."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # pid (comm) state ...: comm may hold spaces and parentheses; the state follows the last ")".
    return stat.rpartition(")")[2].split()[:1] in (["T"], ["t"])


class Watchdog:
    def __init__(
        self,
        pid: int,
        kill: Callable[[], None],
        *,
        stopped_after_s: float = STOPPED_AFTER_S,
        silent_after_s: float = SILENT_AFTER_S,
        is_stopped: Callable[[int], bool] = process_stopped,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pid = pid
        self._kill = kill
        self._stopped_after = stopped_after_s
        self._silent_after = silent_after_s
        self._is_stopped = is_stopped
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting_since: float | None = None  # the client is waiting for an event
        self._stopped_since: float | None = None
        self._done = threading.Event()
        self.reason: str | None = None  # why the watchdog ended the host, if it did
        self._thread = threading.Thread(target=self._watch, name="engine-watchdog", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Around one blocking read of the host's next event."""
        with self._lock:
            self._waiting_since = self._clock()
        try:
            yield
        finally:
            with self._lock:
                self._waiting_since = None
                self._stopped_since = None

    def close(self) -> None:
        self._done.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._done.wait(_CHECK_EVERY_S):
            why = self._check()
            if why is not None:
                self.reason = why
                self._kill()
                return

    def _check(self) -> str | None:
        now = self._clock()
        with self._lock:
            since = self._waiting_since
            if since is None:
                return None
            if self._is_stopped(self._pid):
                if self._stopped_since is None:
                    self._stopped_since = now
                if now - self._stopped_since >= self._stopped_after:
                    return (
                        f"it was stopped (suspended) for {self._stopped_after:g} s and was "
                        "ended so the work can go on"
                    )
            else:
                self._stopped_since = None
            if now - since >= self._silent_after:
                return f"it stopped answering ({self._silent_after:g} s without a sign of work)"
        return None
