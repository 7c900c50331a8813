"""Answers the popup's requests through the core request path on a thread of its own.

`Assistant.answer` blocks and is not thread-safe, so one worker thread calls it (a serial
executor): the thread given, which the window's worker shares when both live in one process,
or one of its own. The GUI thread only touches the request's cancel token. Every outcome,
failures included, arrives by signal: nothing vanishes with the thread. Before a request
leaves for the cloud under the ask policy, `ask` (one per request, closed by its cancel) asks
the user.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from hearth.core.answer import Answer
from hearth.core.assistant import Ask
from hearth.core.errors import Cancelled, HearthError
from hearth.core.request import AnswerSink, Request
from hearth.gui.engine_worker import AskFactory
from hearth.gui.error_wording import reported_unexpected, window_message

# Assistant.answer's shape: a request, where it reports and how to ask, to one Answer.
AnswerFunction = Callable[[Request, AnswerSink, Ask | None], Answer]


class PopupWorker(QObject):
    text_arrived = Signal(str)
    status = Signal(str)
    escalating = Signal(str)
    answered = Signal(object)  # Answer
    failed = Signal(str)
    cancelled = Signal(object)  # the Request stopped (a newer one may be running)
    _submit = Signal(object)

    def __init__(
        self,
        answer: AnswerFunction,
        *,
        thread: QThread | None = None,
        ask: AskFactory | None = None,
    ) -> None:
        super().__init__()
        self._answer = answer
        self._ask = ask
        self._current: Request | None = None
        self._own_thread = thread is None
        if thread is None:
            thread = QThread()
            thread.setObjectName("popup-worker")
        self._thread = thread
        self.moveToThread(thread)
        self._submit.connect(self._run)
        if self._own_thread:
            thread.start()

    def submit(self, request: Request) -> None:
        self.cancel()
        self._current = request
        self._submit.emit(request)

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel.cancel()

    def shutdown(self) -> None:
        """Cancel the request under way; a thread of its own is ended and waited for (a shared
        one belongs to its owner)."""
        self.cancel()
        if self._own_thread:
            self._thread.quit()
            self._thread.wait()

    @Slot(object)
    def _run(self, request: Request) -> None:
        if request.cancel.cancelled:
            return  # superseded before it started
        sink = AnswerSink(
            on_text=self.text_arrived.emit,
            on_progress=self.status.emit,
            on_escalate=self.escalating.emit,
            on_cloud_text=self.text_arrived.emit,
            on_load_progress=lambda f: self.status.emit(
                self.tr("Loading the model… {0}%").format(int(f * 100))
            ),
        )
        ask = self._ask(request.cancel) if self._ask is not None else None
        try:
            answer = self._answer(request, sink, ask)
        except Cancelled:
            self.cancelled.emit(request)
        except HearthError as exc:
            self.failed.emit(window_message(exc))
        except Exception as exc:  # noqa: BLE001 - the funnel: nothing vanishes with the thread
            during = f"answering a {request.task} request from the popup"
            self.failed.emit(reported_unexpected(exc, during))
        else:
            if _stopped(request):  # stopped as the answer finished: the user asked for none
                self.cancelled.emit(request)
            else:
                self.answered.emit(answer)


def _stopped(request: Request) -> bool:
    return request.cancel.cancelled
