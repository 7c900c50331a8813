"""Model library work (importing, hashing, removing) on its own thread, reported by signals.

Copying and hashing a multi-gigabyte GGUF takes minutes; none of it runs on the GUI thread.
One thread, one job at a time (the library's store file is written by one writer), and every
failure comes back through `failed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, HearthError
from hearth.core.models.library import ModelLibrary
from hearth.core.models.progress import Progress
from hearth.gui.engine_worker import _unexpected

Work = Callable[[ModelLibrary, Callable[[Progress], None], CancelToken], Any]


class LibraryWorker(QObject):
    progress = Signal(str, float)  # phase, fraction (-1: unknown)
    detail = Signal(object)  # the same report in full (Progress: bytes, rate, time left)
    finished = Signal(str, object)  # what, its result
    failed = Signal(str)
    cancelled = Signal()
    _submit = Signal(str, object, object)

    def __init__(self, library: ModelLibrary) -> None:
        super().__init__()
        self.library = library
        self._thread = QThread()
        self._thread.setObjectName("model-library")
        self.moveToThread(self._thread)
        self._submit.connect(self._run)
        self._thread.start()
        self.cancel_token: CancelToken | None = None

    def submit(self, what: str, work: Work) -> None:
        self.cancel_token = CancelToken()
        self._submit.emit(what, work, self.cancel_token)

    def cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self._thread.quit()
        self._thread.wait()

    @Slot(str, object, object)
    def _run(self, what: str, work: Work, cancel: CancelToken) -> None:
        def report(p: Progress) -> None:
            fraction = p.fraction
            self.progress.emit(p.phase.value, -1.0 if fraction is None else fraction)
            self.detail.emit(p)

        try:
            result = work(self.library, report, cancel)
        except Cancelled:
            self.cancelled.emit()
        except HearthError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self.failed.emit(_unexpected(exc))
        else:
            self.finished.emit(what, result)
