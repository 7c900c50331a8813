"""Model library work (importing, hashing, removing) on its own thread, reported by signals.

Copying and hashing a multi-gigabyte GGUF takes minutes; none of it runs on the GUI thread.
One thread, one job at a time (the library's store file is written by one writer), and every
failure comes back through `failed`.

Several dialogs share the one worker (the model manager and the welcome dialog may both be
open), so every job gets a number when it is submitted and every report carries it: a dialog
reacts only to the numbers it was given, and cancels only its own job.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, HearthError
from hearth.core.models.library import ModelLibrary
from hearth.core.models.progress import Progress
from hearth.gui.error_wording import reported_unexpected, window_message

Work = Callable[[ModelLibrary, Callable[[Progress], None], CancelToken], Any]


class LibraryWorker(QObject):
    # Every report starts with the number `submit` returned for its job.
    progress = Signal(int, str, float)  # job, phase, fraction (-1: unknown)
    detail = Signal(int, object)  # job, the same report in full (Progress: bytes, rate, time left)
    finished = Signal(int, str, object)  # job, what, its result
    failed = Signal(int, str)  # job, the message
    cancelled = Signal(int)  # job
    _submit = Signal(int, str, object, object)

    def __init__(self, library: ModelLibrary) -> None:
        super().__init__()
        self.library = library
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()  # the tokens are read and written from both threads
        self._tokens: dict[int, CancelToken] = {}  # of the jobs submitted and not yet ended
        self._thread = QThread()
        self._thread.setObjectName("model-library")
        self.moveToThread(self._thread)
        self._submit.connect(self._run)
        self._thread.start()

    def submit(self, what: str, work: Work) -> int:
        """Queue `work`; returns the job's number, which all its reports carry."""
        job = next(self._numbers)
        token = CancelToken()
        with self._lock:
            self._tokens[job] = token
        self._submit.emit(job, what, work, token)
        return job

    def cancel(self, job: int) -> None:
        """Ask one job to stop (safe from any thread); a job still waiting never starts.

        Call it directly, never through a queued connection: that would wait behind the
        very job it cancels.
        """
        with self._lock:
            token = self._tokens.get(job)
        if token is not None:
            token.cancel()

    def cancel_all(self) -> None:
        with self._lock:
            tokens = list(self._tokens.values())
        for token in tokens:
            token.cancel()

    def shutdown(self) -> None:
        self.cancel_all()
        self._thread.quit()
        self._thread.wait()

    @Slot(int, str, object, object)
    def _run(self, job: int, what: str, work: Work, cancel: CancelToken) -> None:
        def report(p: Progress) -> None:
            fraction = p.fraction
            self.progress.emit(job, p.phase.value, -1.0 if fraction is None else fraction)
            self.detail.emit(job, p)

        try:
            cancel.raise_if_cancelled()  # cancelled while it waited for the one before
            result = work(self.library, report, cancel)
        except Cancelled:
            self._end(job)
            self.cancelled.emit(job)
        except HearthError as exc:
            self._end(job)
            self.failed.emit(job, window_message(exc))
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self._end(job)
            self.failed.emit(job, reported_unexpected(exc, f"library job {job}"))
        else:
            self._end(job)
            self.finished.emit(job, what, result)

    def _end(self, job: int) -> None:
        with self._lock:
            self._tokens.pop(job, None)
