"""The popup: a small frameless window near the cursor for the text selected anywhere.

It shows the selection, the quick tasks (Proofread, Friendlier, More professional, Concise,
Summarize, Key points), a custom instruction with the recent ones, the answer as it streams
(the proofread changes marked when it is done), and Copy, Replace and Open in Hearth. It is
made for the keyboard: digits 1–6 run the tasks, Ctrl+Enter replaces, Ctrl+Shift+C copies,
Esc closes, Tab walks through everything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QStringListModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
)

from hearth.core.answer import Answer
from hearth.core.request import Request
from hearth.gui.desktop.paste import PasteTarget, Replacer
from hearth.gui.desktop.popup_worker import PopupWorker
from hearth.gui.desktop.quick_task_titles import task_title
from hearth.gui.desktop.quick_tasks import QuickTask, custom_task
from hearth.gui.desktop.selection import Selection
from hearth.gui.diff_view import DiffView

PREVIEW_CHARS = 400
WIDTH = 520


class QuickPopup(QFrame):
    finished = Signal(object)  # after each run: its Answer, or None when it failed
    closed = Signal()
    replaced = Signal(object)  # after Replace: None when pasted, else what the user should know

    def __init__(
        self,
        selection: Selection,
        tasks: Sequence[QuickTask],
        worker: PopupWorker,
        *,
        target: PasteTarget | None = None,
        recent: Sequence[str] = (),
        remember_instruction: Callable[[str], list[str]] | None = None,
        open_in_hearth: Callable[[str], None] | None = None,
        replacer: Replacer | None = None,
    ) -> None:
        super().__init__(None)
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setWindowTitle(self.tr("Hearth — writing tools"))
        self.setObjectName("hearth-popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.selection = selection
        self._tasks = list(tasks)
        self._worker = worker
        self._target = target or PasteTarget()
        self._remember = remember_instruction
        self._open_in_hearth = open_in_hearth
        self._replacer = replacer or Replacer()
        self._quick: QuickTask | None = None
        self._request: Request | None = None
        self.answer: Answer | None = None
        self._streamed = ""
        self._build(recent)
        self._connect()
        self._update_actions()
        self.setFixedWidth(WIDTH)

    # -- building ---------------------------------------------------------------------------

    def _build(self, recent: Sequence[str]) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        title = QLabel(
            self.tr("<b>Hearth</b> — selected text ({0} characters)").format(
                len(self.selection.text)
            )
        )
        layout.addWidget(title)
        preview = self.selection.text.strip()
        if len(preview) > PREVIEW_CHARS:
            preview = preview[:PREVIEW_CHARS].rstrip() + "…"
        self.preview = QLabel(preview)
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        # Qt draws a lone border-left only once the other sides are declared too.
        self.preview.setStyleSheet(
            "padding: 2px 6px; border: 0px; border-left: 3px solid palette(mid);"
        )
        self.preview.setMaximumHeight(90)
        self.preview.setAccessibleName(self.tr("Selected text"))
        layout.addWidget(self.preview)

        self.task_buttons: dict[str, QPushButton] = {}
        rows = [QHBoxLayout(), QHBoxLayout()]
        for index, quick in enumerate(self._tasks):
            button = QPushButton(f"&{index + 1} {task_title(quick.key)}")
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, q=quick: self.run(q))
            self.task_buttons[quick.key] = button
            rows[index * 2 // len(self._tasks)].addWidget(button)
        for row in rows:
            layout.addLayout(row)

        self.instruction = QLineEdit()
        self.instruction.setPlaceholderText(
            self.tr("Or say what to do, e.g. “make it a polite refusal” (Enter)")
        )
        self.instruction.setAccessibleName(self.tr("Custom instruction"))
        self.instruction.setClearButtonEnabled(True)
        self._recent = QStringListModel(list(recent), self)
        self._completer = QCompleter(self._recent, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.instruction.setCompleter(self._completer)
        layout.addWidget(self.instruction)
        self.recent_row = QHBoxLayout()
        self.recent_buttons: list[QPushButton] = []
        for text in list(recent)[:3]:
            button = QPushButton(text if len(text) <= 28 else text[:27] + "…")
            button.setToolTip(text)
            button.setFlat(True)
            button.clicked.connect(lambda _=False, t=text: self.run_instruction(t))
            self.recent_buttons.append(button)
            self.recent_row.addWidget(button)
        self.recent_row.addStretch(1)
        if self.recent_buttons:
            layout.addLayout(self.recent_row)

        self.answer_stack = QStackedWidget()
        self.answer_view = QPlainTextEdit()
        self.answer_view.setReadOnly(True)
        self.answer_view.setAccessibleName(self.tr("Answer"))
        self.answer_view.setPlaceholderText(self.tr("Choose a task: the answer appears here."))
        self.diff = DiffView()
        self.answer_stack.addWidget(self.answer_view)
        self.answer_stack.addWidget(self.diff)
        self.answer_stack.setMinimumHeight(140)
        layout.addWidget(self.answer_stack, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Status"))
        layout.addWidget(self.status)

        actions = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the answer (Ctrl+Shift+C)"))
        self.replace_button = QPushButton(self.tr("&Replace"))
        self.replace_button.setToolTip(
            self.tr("Put the answer in place of the selection (Ctrl+Enter)")
        )
        self.open_button = QPushButton(self.tr("&Open in Hearth"))
        self.stop_button = QPushButton(self.tr("&Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer under way"))
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        actions.addWidget(self.copy_button)
        actions.addWidget(self.replace_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(self.stop_button)
        actions.addWidget(self.close_button)
        layout.addLayout(actions)

    def _connect(self) -> None:
        self.instruction.returnPressed.connect(
            lambda: self.run_instruction(self.instruction.text())
        )
        self.copy_button.clicked.connect(self.copy_answer)
        self.replace_button.clicked.connect(self.replace)
        self.open_button.clicked.connect(self._open)
        self.stop_button.clicked.connect(self.stop)
        self.close_button.clicked.connect(self.close)
        for keys, slot in (
            ("Ctrl+Return", self.replace),
            ("Ctrl+Enter", self.replace),
            ("Ctrl+Shift+C", self.copy_answer),
            ("Escape", self.close),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self._worker.text_arrived.connect(self._on_text)
        self._worker.status.connect(self.status.setText)
        self._worker.escalating.connect(self._on_escalating)
        self._worker.answered.connect(self._on_answered)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._replacer.finished.connect(self._on_replaced)

    # -- showing ----------------------------------------------------------------------------

    def show_near(self, point: QPoint | None = None) -> None:
        """Show beside the mouse pointer, kept inside the screen it is on, and take the focus."""
        self.adjustSize()
        at = point if point is not None else QCursor.pos()
        screen = QGuiApplication.screenAt(at) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        size = self.sizeHint().expandedTo(self.minimumSizeHint())
        x = min(max(at.x() + 12, area.left()), area.right() - size.width())
        y = min(max(at.y() + 16, area.top()), area.bottom() - size.height())
        self.move(x, y)
        self.show()
        self.raise_()
        self.activateWindow()
        first = next(iter(self.task_buttons.values()), None)
        if first is not None:
            first.setFocus()

    # -- running ----------------------------------------------------------------------------

    def run(self, quick: QuickTask) -> None:
        if not self.selection.text.strip():
            self.status.setText(self.tr("No text is selected: select some text first."))
            return
        self._quick = quick
        self.answer = None
        self._streamed = ""
        self.answer_view.clear()
        self.answer_stack.setCurrentWidget(self.answer_view)
        self.status.setText(self.tr("Working…"))
        self._request = Request(
            quick.task, self.selection.text, dict(quick.options), source="popup"
        )
        self._worker.submit(self._request)
        self._update_actions()

    def stop(self) -> None:
        """Stop the request under way (a question about sending it is withdrawn with it)."""
        if self._request is not None:
            self._worker.cancel()

    @property
    def working(self) -> bool:
        return self._request is not None

    def run_instruction(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if self._remember is not None:
            self._recent.setStringList(self._remember(text))
        self.run(custom_task(text))

    def _on_text(self, piece: str) -> None:
        if self._request is None:
            return
        self._streamed += piece
        self.answer_view.setPlainText(self._streamed)

    def show_asking(self) -> None:
        """The question whether to send the request to the cloud is open over the popup."""
        self.status.setText(
            self.tr(
                "The answer from this device is unsure: send the request to the cloud, or "
                "keep this answer?"
            )
        )

    def _on_escalating(self, why: str) -> None:
        self._streamed = ""
        self.answer_view.clear()
        self.status.setText(self.tr("{0} Asking the cloud model (your data redacted)…").format(why))

    def _on_answered(self, answer: Answer) -> None:
        self._request = None
        self.answer = answer
        self.answer_view.setPlainText(answer.text)
        changes = answer.to_json().get("changes")
        if self._quick is not None and self._quick.shows_changes and isinstance(changes, list):
            self.diff.show_changes(self.selection.text, changes)
            self.answer_stack.setCurrentWidget(self.diff)
            self.status.setText(
                self.tr("1 change. Ctrl+Enter puts the corrected text in place.")
                if len(changes) == 1
                else self.tr("{0} changes. Ctrl+Enter puts the corrected text in place.").format(
                    len(changes)
                )
            )
        else:
            self.status.setText(
                " ".join(answer.problems) or self.tr("Done. Ctrl+Enter puts it in place.")
            )
        self._update_actions()
        self.finished.emit(answer)

    def _on_failed(self, message: str) -> None:
        self._request = None
        self.answer = None
        self.status.setText(message)
        self._update_actions()
        self.finished.emit(None)

    def _on_cancelled(self, request: Request) -> None:
        if request is not self._request:
            return  # superseded by the request running now
        self._request = None
        self.status.setText(self.tr("Stopped."))
        self._update_actions()

    def _update_actions(self) -> None:
        ready = self.answer is not None and bool(self.answer.text.strip())
        self.copy_button.setEnabled(ready)
        self.replace_button.setEnabled(ready)
        self.open_button.setEnabled(self._open_in_hearth is not None)
        self.stop_button.setVisible(self._request is not None)

    # -- what to do with the answer --------------------------------------------------------

    def copy_answer(self) -> None:
        if self.answer is not None and self.answer.text.strip():
            QGuiApplication.clipboard().setText(self.answer.text)
            self.status.setText(self.tr("Copied."))

    def replace(self) -> None:
        # Never an error or an empty answer: only a finished answer with text gets here.
        if self.answer is None or not self.answer.text.strip():
            return
        self.hide()  # the focus must go back to the application
        self._replacer.replace(self.answer.text, self._target)

    def _on_replaced(self, problem: object) -> None:
        self.replaced.emit(problem)
        if problem is None:
            self.close()
        else:
            self.show_near(self.pos())
            self.status.setText(str(problem))

    def _open(self) -> None:
        if self._open_in_hearth is not None:
            self._open_in_hearth(
                self.answer.text if self.answer is not None else self.selection.text
            )
            self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Digits run the tasks wherever the focus is, except while typing an instruction.
        key = event.key()
        if (
            not self.instruction.hasFocus()
            and Qt.Key.Key_1 <= key <= Qt.Key.Key_9
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            index = key - Qt.Key.Key_1
            if index < len(self._tasks):
                self.run(self._tasks[index])
                return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._worker.cancel()
        for signal, slot in (
            (self._worker.text_arrived, self._on_text),
            (self._worker.answered, self._on_answered),
            (self._worker.failed, self._on_failed),
            (self._worker.cancelled, self._on_cancelled),
            (self._worker.escalating, self._on_escalating),
            (self._worker.status, self.status.setText),
        ):
            signal.disconnect(slot)
        super().closeEvent(event)
        self.closed.emit()
