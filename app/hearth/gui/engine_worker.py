"""Runs requests through the assistant on a thread of its own, and reports back by signals.

The assistant owns the engine client, which is not thread-safe, so exactly one thread uses it
(a serial executor); the GUI thread only ever touches a request's `CancelToken`. Every
failure of the worker arrives through `failed`, carrying the exception for the window to word
(hearth.gui.error_wording): the one funnel for errors from this thread. An unexpected
exception's traceback is logged before it is reported.

The request's path is the core's (`Assistant.answer`), as for the command line and the local
API: the policy may send it to the cloud (asking first when the policy is ask), and each one
is recorded in the ledger and the history. The cloud's text arrives through `text_arrived`
too, after `escalating` has said that the answer is being replaced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from hearth.core.answer import Answer
from hearth.core.assistant import Ask, Assistant
from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, HearthError, cloud_failure_kind
from hearth.core.request import AnswerSink, Request
from hearth.gui.error_wording import log_unexpected, worded

log = logging.getLogger(__name__)

# The way to ask the user before a request leaves, for one request (its cancel closes it).
AskFactory = Callable[[CancelToken], Ask]


class EngineWorker(QObject):
    text_arrived = Signal(str)
    status = Signal(str)
    finished = Signal(object)  # Answer
    failed = Signal(object)  # the exception: a HearthError, or an unexpected one (logged)
    escalating = Signal(str)  # the answer is about to come from the cloud instead: why
    notice = Signal(str)  # the answer stands, but something the user should know happened
    warm_up_failed = Signal(object)  # not tied to a request: the window only shows it
    loaded = Signal(object)  # LoadInfo, after a warm-up load or a request
    cancelled = Signal()
    read_ahead_done = Signal(int)  # tokens of the next request's prompt now in the cache
    _submit = Signal(object)
    _read_ahead = Signal(object)
    _warm_up = Signal(object, object)  # its cancel, the task whose adapter to load (or None)

    def __init__(self, assistant: Assistant, ask: AskFactory | None = None) -> None:
        super().__init__()
        self._assistant = assistant
        self._ask = ask
        # The warm-up load's cancel: closing the window during a load stops it at once.
        self._warm_cancel = CancelToken()
        self._thread = QThread()
        self._thread.setObjectName("engine-worker")
        self.moveToThread(self._thread)
        self._submit.connect(self._run)
        self._warm_up.connect(self._prepare)
        self._read_ahead.connect(self._read)
        self._ahead_cancel = CancelToken()  # the latest read-ahead's
        self._thread.start()

    def submit(self, request: Request) -> None:
        self.cancel_read_ahead()  # Run: what was read so far stays cached
        self._submit.emit(request)

    def read_ahead(self, request: Request) -> None:
        """Read `request`'s prompt into the model's cache while the user pauses typing (the
        request itself is sent later, by `submit`). Replaces a read-ahead not yet done."""
        self.cancel_read_ahead()
        self._ahead_cancel = request.cancel
        self._read_ahead.emit(request)

    def cancel_read_ahead(self) -> None:
        self._ahead_cancel.cancel()

    def warm_up(self, _settings: object = None, *, task: str | None = None) -> None:
        """Start the engine host and load the chosen model before the first request, with the
        LoRA adapter attached to it for `task` (a request for that task then loads nothing).
        """
        # One cancel for every warm-up not yet run: closing the window stops them all.
        if self._warm_cancel.cancelled:
            self._warm_cancel = CancelToken()
        self._warm_up.emit(self._warm_cancel, task)

    def shutdown(self) -> None:
        """Stop a warm-up load under way (a request's own cancel is the window's), then wait
        for the thread: it returns as soon as the engine has let go."""
        self._warm_cancel.cancel()
        self._thread.quit()
        self._thread.wait()

    @Slot(object, object)
    def _prepare(self, cancel: CancelToken, task: str | None) -> None:
        try:
            info = self._assistant.warm_up(cancel, task=task)
        except HearthError as exc:
            self.warm_up_failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            log_unexpected(exc, "loading the model ahead of the first request")
            self.warm_up_failed.emit(exc)
        else:
            if info is not None:
                self.loaded.emit(info)

    @Slot(object)
    def _read(self, request: Request) -> None:
        if request.cancel.cancelled:
            return  # superseded before it started
        try:
            cached = self._assistant.read_ahead(request)
        except Cancelled:
            return
        except HearthError as exc:
            # Work the user did not ask for: the request itself will report what is wrong.
            log.info("reading the text ahead failed: %s", exc)
            return
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            log_unexpected(exc, "reading the text ahead of the request")
            return
        self.read_ahead_done.emit(cached)

    @Slot(object)
    def _run(self, request: Request) -> None:
        def on_prefill(done: int, total: int) -> None:
            self.status.emit(self.tr("Reading your text… {0}%").format(100 * done // total))

        def on_load(fraction: float) -> None:
            self.status.emit(self.tr("Loading the model… {0}%").format(int(fraction * 100)))

        def on_escalate(explanation: str) -> None:
            self.escalating.emit(
                self.tr("{0} Asking the cloud model (your data redacted)…").format(explanation)
            )

        sink = AnswerSink(
            on_text=self.text_arrived.emit,
            on_progress=self.status.emit,
            on_load_progress=on_load,
            on_prefill=on_prefill,
            on_escalate=on_escalate,
            on_cloud_text=self.text_arrived.emit,
        )
        ask = self._ask(request.cancel) if self._ask is not None else None
        try:
            answer = self._assistant.answer(request, sink, ask)
        except Cancelled:
            self.cancelled.emit()
        except HearthError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            log_unexpected(exc, f"answering a {request.task} request")
            self.failed.emit(exc)
        else:
            loaded = self._assistant.loaded
            if loaded is not None:
                self.loaded.emit(loaded)
            self.finished.emit(answer)
            for problem in answer_problems(answer):
                self.notice.emit(problem)


def answer_problems(answer: Answer) -> list[str]:
    """What the user should know about an answer that stands, in the window's words."""
    problems = list(answer.problems)
    escalation = answer.escalation
    if escalation is not None and escalation.error is not None:
        kind = cloud_failure_kind(escalation.error_kind)
        problems.insert(
            0,
            QCoreApplication.translate(
                "EngineWorker", "{0} The answer shown is the one from this device."
            ).format(worded(kind, escalation.error)),
        )
    return problems
