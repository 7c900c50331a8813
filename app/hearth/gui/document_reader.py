"""Documents read on a worker thread, with progress and cancel, reported back by signals.

A 2,000-page PDF takes seconds; none of it runs on the GUI thread. Each read gets a short-lived
thread that ends with the read, so no thread idles or outlives the window; a new read cancels
the one under way. Signals cross back to the GUI thread queued (the reader lives there).
`shutdown()` cancels and waits.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from hearth.core.cancel import CancelToken
from hearth.core.documents import PasswordRequired, read_input_file
from hearth.core.errors import Cancelled, HearthError


class DocumentReader(QObject):
    progress = Signal(int, int, int)  # read number, pages done, pages in all
    finished = Signal(int, str, object)  # read number, the text, its InputInfo
    failed = Signal(int, str)  # read number, a message for the user
    password_needed = Signal(int, str, bool)  # read number, the path, a wrong one was given
    cancelled = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = CancelToken()
        self._number = 0
        self._threads: list[threading.Thread] = []

    def read(self, path: Path, password: str | None = None) -> int:
        """Start reading `path`; returns the read's number, which every signal carries."""
        self._cancel.cancel()
        self._cancel = CancelToken()
        self._number += 1
        thread = threading.Thread(
            target=self._run,
            args=(self._number, path, password, self._cancel),
            name=f"document reader {self._number}",
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return self._number

    def cancel(self) -> None:
        self._cancel.cancel()

    def shutdown(self) -> None:
        self._cancel.cancel()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _run(self, number: int, path: Path, password: str | None, cancel: CancelToken) -> None:
        try:
            text, info = read_input_file(
                path,
                password=password,
                cancel=cancel,
                on_progress=lambda done, total: self.progress.emit(number, done, total),
            )
        except PasswordRequired as exc:
            self.password_needed.emit(number, str(path), exc.wrong_password)
        except Cancelled:
            self.cancelled.emit(number)
        except HearthError as exc:
            self.failed.emit(number, exc.message)
        except Exception as exc:  # noqa: BLE001 - a reader bug must not vanish with the thread
            self.failed.emit(number, f"{path.name}: {type(exc).__name__}: {exc}")
        else:
            self.finished.emit(number, text, info)
