"""The router asks on the engine worker's thread; the user answers in a dialog on the GUI thread.

`EscalationAsker.ask` is called by the router (worker thread) with the preview. It hands the
question to the GUI thread by a queued signal and blocks the worker until the user answers or
the job is cancelled (Stop, closing the window): cancelling wakes it at once and closes the
dialog, and the job ends as cancelled. The GUI thread never waits on the worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled
from hearth.core.routing.router import EscalationPreview
from hearth.gui.escalation_dialog import EscalationDialog


class _Question:
    def __init__(self, preview: EscalationPreview) -> None:
        self.preview = preview
        self.answered = threading.Event()
        self.send = False

    def answer(self, send: bool) -> None:
        if not self.answered.is_set():
            self.send = send
            self.answered.set()


class EscalationAsker(QObject):
    asked = Signal(object)  # EscalationDialog, on the GUI thread, once it is open
    _question = Signal(object)
    _withdraw = Signal(object)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget  # the dialog's parent: the main window
        self.dialog: EscalationDialog | None = None
        self._shown: _Question | None = None  # the question self.dialog asks
        queued = Qt.ConnectionType.QueuedConnection
        self._question.connect(self._show, queued)
        self._withdraw.connect(self._close, queued)

    def asker(self, cancel: CancelToken) -> Callable[[EscalationPreview], bool]:
        """The `ask` for one job's router: blocks its thread until answered or cancelled."""
        return lambda preview: self.ask(preview, cancel)

    def ask(self, preview: EscalationPreview, cancel: CancelToken) -> bool:
        question = _Question(preview)
        unregister = cancel.on_cancel(question.answered.set)
        try:
            self._question.emit(question)
            question.answered.wait()
        finally:
            unregister()
        if cancel.cancelled:
            self._withdraw.emit(question)
            raise Cancelled()
        return question.send

    @Slot(object)
    def _show(self, question: _Question) -> None:
        if question.answered.is_set():  # cancelled before it could be shown
            return
        try:
            dialog = EscalationDialog(question.preview, self.parent_widget)
        except Exception:
            # No one can be asked: nothing is sent, the local answer stands (declined).
            question.answer(False)
            raise
        dialog.finished.connect(
            lambda result: question.answer(result == QDialog.DialogCode.Accepted)
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget)
        self.dialog, self._shown = dialog, question
        dialog.open()
        self.asked.emit(dialog)

    @Slot(object)
    def _close(self, question: _Question) -> None:
        if self.dialog is not None and self._shown is question:
            self.dialog.reject()

    @Slot()
    def _forget(self) -> None:
        self.dialog, self._shown = None, None
