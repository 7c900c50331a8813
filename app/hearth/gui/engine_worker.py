"""Runs tasks on a worker thread that owns the engine client, and reports back by signals.

The engine client is not thread-safe, so exactly one thread uses it (a serial executor);
the GUI thread only ever touches the `CancelToken`. Every failure of the worker arrives
through `failed`: the one funnel for errors from this thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from hearth.core.cancel import CancelToken
from hearth.core.engine.types import GenerationEvent, PrefillProgress, TokenText
from hearth.core.errors import Cancelled, HearthError
from hearth.core.history import HistoryEntry, HistoryStore
from hearth.core.models.locate import resolve_model
from hearth.core.settings import Settings
from hearth.core.tasks.runner import TaskOutcome, TaskRunner
from hearth.core.tasks.task import Task


@dataclass
class Job:
    task: Task
    text: str
    options: Mapping[str, Any]
    model_path: Path
    settings: Settings
    cancel: CancelToken = field(default_factory=CancelToken)


class EngineWorker(QObject):
    text_arrived = Signal(str)
    status = Signal(str)
    finished = Signal(object)  # TaskOutcome
    failed = Signal(str)
    warm_up_failed = Signal(str)  # not tied to a job: the window only shows it
    history_failed = Signal(str)  # the answer stands; only its history entry was lost
    loaded = Signal(object)  # LoadInfo, after a warm-up load
    cancelled = Signal()
    _submit = Signal(object)
    _warm_up = Signal(object)

    def __init__(self, runner: TaskRunner, history: HistoryStore | None = None) -> None:
        super().__init__()
        self._runner = runner
        self._history = history
        self._thread = QThread()
        self._thread.setObjectName("engine-worker")
        self.moveToThread(self._thread)
        self._submit.connect(self._run)
        self._warm_up.connect(self._prepare)
        self._thread.start()

    def submit(self, job: Job) -> None:
        self._submit.emit(job)

    def warm_up(self, settings: Settings) -> None:
        """Start the engine host and load the chosen model before the first request."""
        self._warm_up.emit(settings)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait()

    @Slot(object)
    def _prepare(self, settings: Settings) -> None:
        try:
            if settings.model is None:
                self._runner.start_engine()
            else:
                info, _ = self._runner.load(resolve_model(settings.model), settings)
                self.loaded.emit(info)
        except Cancelled:
            pass
        except HearthError as exc:
            self.warm_up_failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self.warm_up_failed.emit(_unexpected(exc))

    @Slot(object)
    def _run(self, job: Job) -> None:
        def on_event(event: GenerationEvent) -> None:
            if isinstance(event, TokenText):
                self.text_arrived.emit(event.text)
            elif isinstance(event, PrefillProgress) and event.total:
                self.status.emit(
                    self.tr("Reading your text… {0}%").format(100 * event.done // event.total)
                )

        def on_load(fraction: float) -> None:
            self.status.emit(self.tr("Loading the model… {0}%").format(int(fraction * 100)))

        try:
            outcome = self._runner.run(
                job.task,
                job.text,
                job.options,
                job.model_path,
                job.settings,
                on_event=on_event,
                on_load_progress=on_load,
                cancel=job.cancel,
            )
        except Cancelled:
            self.cancelled.emit()
        except HearthError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self.failed.emit(_unexpected(exc))
        else:
            self._remember(job, outcome)
            self.finished.emit(outcome)

    def _remember(self, job: Job, outcome: TaskOutcome) -> None:
        """Record the run in the history (on this thread: the store is Qt-free file work)."""
        if self._history is None:
            return
        try:
            entry = HistoryEntry.from_outcome(outcome.to_json(), job.text, job.options)
            self._history.record(entry, keep_history=job.settings.keep_history)
        except HearthError as exc:
            self.history_failed.emit(exc.message)


def _unexpected(exc: Exception) -> str:
    return QCoreApplication.translate("EngineWorker", "Unexpected error: {0}: {1}").format(
        type(exc).__name__, exc
    )
