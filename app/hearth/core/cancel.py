"""Cancellation that any thread may request and the worker observes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from hearth.core.errors import Cancelled


class CancelToken:
    """Set once by whoever wants the work stopped (the Stop button, Ctrl+C, a timeout).

    Workers poll `cancelled`, or register a callback to interrupt something that is blocked
    (the engine host is told over its pipe; a download is closed).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` on cancel (at once if already cancelled); returns an unregister."""
        with self._lock:
            already = self._event.is_set()
            if not already:
                self._callbacks.append(callback)
        if already:
            callback()

        def unregister() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unregister

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
