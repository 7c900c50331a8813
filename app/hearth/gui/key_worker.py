"""Keychain calls (`KeyStore`) on their own thread, reported back by signals.

A keychain can block for seconds: a locked Secret Service or macOS keychain waits for the user
to unlock it, and D-Bus calls time out slowly. None of that runs on the GUI thread. One thread,
one call at a time, and every failure comes back through `failed` with a message for the user
(never the key: a backend's own exception text is not quoted, it could carry what it was given).

The owner calls `shutdown()` when it is done with the worker; it quits the thread and waits for
it, so no thread outlives its owner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from hearth.core.cloud.keys import KEY_ENV, KeyStore
from hearth.core.errors import HearthError

KeyWork = Callable[[KeyStore], Any]


class KeyWorker(QObject):
    finished = Signal(str, object)  # what, its result
    failed = Signal(str, str)  # what, a message for the user
    _submit = Signal(str, object)

    def __init__(self, keys: KeyStore) -> None:
        super().__init__()
        self._keys = keys
        self._thread = QThread()
        self._thread.setObjectName("keychain")
        self.moveToThread(self._thread)
        self._submit.connect(self._run)
        self._thread.start()

    @property
    def worker_thread(self) -> QThread:
        return self._thread

    def submit(self, what: str, work: KeyWork) -> None:
        """Run `work(keys)` on the keychain thread; `finished` or `failed` reports it."""
        self._submit.emit(what, work)

    def store(self, account: str, value: str) -> None:
        self.submit("store", lambda keys: keys.store(account, value))

    def shutdown(self) -> None:
        """Quit the thread and wait for it: after the call in progress, if any, returns.
        Safe to call late: at interpreter exit Qt may have deleted the thread already."""
        if not shiboken6.isValid(self._thread):
            return
        self._thread.quit()
        self._thread.wait()

    @Slot(str, object)
    def _run(self, what: str, work: KeyWork) -> None:
        try:
            result = work(self._keys)
        except HearthError as exc:
            self.failed.emit(what, exc.message)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self.failed.emit(what, _unexpected(exc))
        else:
            self.finished.emit(what, result)


def _unexpected(exc: Exception) -> str:
    # Only the type: the exception's text could quote the key it was handed.
    return QCoreApplication.translate(
        "KeyWorker",
        "The keychain failed ({0}). Unlock it and try again, or set {1} for this process instead.",
    ).format(type(exc).__name__, KEY_ENV)
