"""The library jobs the model manager and the welcome dialog both hand to the library worker,
and `OwnJobs`, through which each dialog starts them and hears only about its own.

Each `*_work` returns a `Work` for `LibraryWorker.submit`: it runs on the worker's thread,
reports progress and honours the cancel token. A cancelled download keeps its part; the next
one resumes it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot

from hearth.core.models.catalog import CatalogEntry
from hearth.core.models.discovery import Found, ModelDiscovery
from hearth.core.models.hub.downloader import hub_downloader
from hearth.gui.models.library_worker import LibraryWorker, Work


def import_work(path: Path) -> Work:
    return lambda lib, report, cancel: lib.import_file(path, progress=report, cancel=cancel)


def download_work(entry: CatalogEntry) -> Work:
    return lambda lib, report, cancel: lib.pull_catalog(
        hub_downloader(lib), entry, progress=report, cancel=cancel
    )


def discover_work(discovery: ModelDiscovery) -> Work:
    return lambda lib, report, cancel: discovery.find()


def use_found_work(found: Found) -> Work:
    return lambda lib, report, cancel: lib.register_in_place(
        found.path, found.source, name=found.name, progress=report, cancel=cancel
    )


class OwnJobs(QObject):
    """One dialog's share of the library worker: one job of its own at a time.

    The worker's reports are for every job of every dialog; this passes on, on the GUI
    thread, only those of the job it started, and cancels only that job. It is the dialog's
    child, so it stops listening when the dialog is deleted.
    """

    progress = Signal(str, float)  # phase, fraction (-1: unknown)
    detail = Signal(object)  # Progress
    finished = Signal(str, object)  # what, its result
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, worker: LibraryWorker, parent: QObject) -> None:
        super().__init__(parent)
        self.worker = worker
        self._job: int | None = None
        queued = Qt.ConnectionType.QueuedConnection
        worker.progress.connect(self._on_progress, queued)
        worker.detail.connect(self._on_detail, queued)
        worker.finished.connect(self._on_finished, queued)
        worker.failed.connect(self._on_failed, queued)
        worker.cancelled.connect(self._on_cancelled, queued)

    @property
    def busy(self) -> bool:
        """Whether a job started here has not reported its end yet."""
        return self._job is not None

    def start(self, what: str, work: Work) -> None:
        assert self._job is None, "one job at a time"
        self._job = self.worker.submit(what, work)

    def cancel(self) -> None:
        if self._job is not None:
            self.worker.cancel(self._job)

    def _end(self, job: int) -> bool:
        if job != self._job:
            return False
        self._job = None
        return True

    @Slot(int, str, float)
    def _on_progress(self, job: int, phase: str, fraction: float) -> None:
        if job == self._job:
            self.progress.emit(phase, fraction)

    @Slot(int, object)
    def _on_detail(self, job: int, progress: object) -> None:
        if job == self._job:
            self.detail.emit(progress)

    @Slot(int, str, object)
    def _on_finished(self, job: int, what: str, result: object) -> None:
        if self._end(job):
            self.finished.emit(what, result)

    @Slot(int, str)
    def _on_failed(self, job: int, message: str) -> None:
        if self._end(job):
            self.failed.emit(message)

    @Slot(int)
    def _on_cancelled(self, job: int) -> None:
        if self._end(job):
            self.cancelled.emit()
