"""Runs tasks on a worker thread that owns the engine client, and reports back by signals.

The engine client is not thread-safe, so exactly one thread uses it (a serial executor);
the GUI thread only ever touches the `CancelToken`. Every failure of the worker arrives
through `failed`: the one funnel for errors from this thread.

Every request goes through the router (`hearth.core.routing.task_routing`), as on the command
line: the policy may send it to the cloud (asking first when the policy is ask), and each one
is recorded in the ledger. The cloud's text arrives through `text_arrived` too, after
`escalating` has said that the answer is being replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from hearth.core.cancel import CancelToken
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.engine.types import GenerationEvent, PrefillProgress, TokenText
from hearth.core.errors import Cancelled, CloudError, HearthError
from hearth.core.history import HistoryEntry, HistoryStore
from hearth.core.models.locate import resolve_model
from hearth.core.routing.policy import Decision
from hearth.core.routing.task_routing import (
    RoutedResult,
    Routing,
    label_names,
    result_json,
    route_one,
)
from hearth.core.settings import Settings
from hearth.core.tasks.runner import TaskRunner
from hearth.core.tasks.task import Task


@dataclass
class Job:
    task: Task
    text: str
    options: Mapping[str, Any]
    model_path: Path
    settings: Settings
    cancel: CancelToken = field(default_factory=CancelToken)


# The routing of one job (policy, endpoint, ledger, the way to ask the user); made per job on
# the worker thread, so settings changed between jobs apply to the next one.
RoutingFactory = Callable[[Job], Routing]


class EngineWorker(QObject):
    text_arrived = Signal(str)
    status = Signal(str)
    finished = Signal(object)  # RoutedResult
    failed = Signal(str)
    escalating = Signal(str)  # the answer is about to come from the cloud instead: why
    notice = Signal(str)  # the answer stands, but something the user should know happened
    warm_up_failed = Signal(str)  # not tied to a job: the window only shows it
    history_failed = Signal(str)  # the answer stands; only its history entry was lost
    loaded = Signal(object)  # LoadInfo, after a warm-up load
    cancelled = Signal()
    _submit = Signal(object)
    _warm_up = Signal(object)

    def __init__(
        self, runner: TaskRunner, routing: RoutingFactory, history: HistoryStore | None = None
    ) -> None:
        super().__init__()
        self._runner = runner
        self._routing = routing
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

        def on_escalate(decision: Decision) -> None:
            self.escalating.emit(
                self.tr("{0} Asking the cloud model (your data redacted)…").format(
                    decision.explanation
                )
            )

        try:
            routing = self._routing(job)
            with routing.ledger:
                routed = route_one(
                    routing,
                    self._runner,
                    job.task,
                    job.text,
                    job.options,
                    lambda: job.model_path,
                    job.settings,
                    on_event=on_event,
                    on_cloud_text=self.text_arrived.emit,
                    on_load_progress=on_load,
                    on_progress=self.status.emit,
                    on_escalate=on_escalate,
                    cancel=job.cancel,
                )
                names = label_names(job.task.name, job.options)
                result = RoutedResult(result_json(job.task.name, routed, routing, names), routed)
            problems = [*routing.problems, *routing.ledger.problems]
        except Cancelled:
            self.cancelled.emit()
        except CloudError as exc:
            self.failed.emit(cloud_message(exc))
        except HearthError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            self.failed.emit(_unexpected(exc))
        else:
            self._remember(job, result)
            self.finished.emit(result)
            for problem in [*problems, *_answer_problems(result)]:
                self.notice.emit(problem)

    def _remember(self, job: Job, result: RoutedResult) -> None:
        """Record the run in the history (on this thread: the store is Qt-free file work)."""
        if self._history is None:
            return
        try:
            entry = HistoryEntry.from_outcome(result.data, job.text, job.options)
            self._history.record(entry, keep_history=job.settings.keep_history)
        except HearthError as exc:
            self.history_failed.emit(exc.message)


def _answer_problems(result: RoutedResult) -> list[str]:
    answer = result.answer
    problems = []
    if answer.cloud_error is not None:
        problems.append(
            QCoreApplication.translate(
                "EngineWorker", "{0} The answer shown is the one from this device."
            ).format(cloud_message(answer.cloud_error))
        )
    if answer.ledger_problem is not None:
        problems.append(answer.ledger_problem)
    return problems


def cloud_message(exc: CloudError) -> str:
    """A cloud problem in the app's words: the core's messages for set-up problems name the
    command line ("run 'hearth cloud key'"); in the window, the fix is in the settings."""
    kind = exc.kind if isinstance(exc, CloudFailure) else None
    where = QCoreApplication.translate("EngineWorker", "Tools ▸ Settings ▸ Privacy & cloud")
    if kind in (FailureKind.NOT_CONFIGURED, FailureKind.BAD_URL):
        return QCoreApplication.translate(
            "EngineWorker",
            "No usable cloud provider is set up. Choose one and its model in {0}, or set the "
            "cloud policy to never.",
        ).format(where)
    if kind is FailureKind.NO_KEY:
        return QCoreApplication.translate(
            "EngineWorker",
            "The cloud provider needs an API key and none is stored. Enter it in {0}; it is "
            "kept in the system keychain.",
        ).format(where)
    if kind is FailureKind.BAD_KEY:
        return QCoreApplication.translate(
            "EngineWorker",
            "The cloud provider refused the API key. Enter a valid one in {0}.",
        ).format(where)
    if kind is FailureKind.UNKNOWN_MODEL:
        return QCoreApplication.translate(
            "EngineWorker",
            "The cloud provider does not offer the chosen model. Pick another in {0}.",
        ).format(where)
    return exc.message


def _unexpected(exc: Exception) -> str:
    return QCoreApplication.translate("EngineWorker", "Unexpected error: {0}: {1}").format(
        type(exc).__name__, exc
    )
