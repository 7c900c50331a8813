"""What to do with an answer: copy it, put it in place of the input, retry, or refine it."""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QMenu, QPushButton, QWidget

REFINEMENTS = {
    "shorter": "Make it shorter.",
    "warmer": "Make it warmer and friendlier.",
    "formal": "Make it more formal.",
}


class AnswerActions(QWidget):
    copy_requested = Signal()
    replace_requested = Signal()
    retry_requested = Signal()
    refine_requested = Signal(str)  # the follow-up instruction

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the answer"))
        self.replace_button = QPushButton(self.tr("Replace &input"))
        self.replace_button.setAccessibleName(self.tr("Replace your text with the answer"))
        self.retry_button = QPushButton(self.tr("Re&try"))
        self.retry_button.setAccessibleName(self.tr("Run the last request again"))
        self.refine_button = QPushButton(self.tr("Re&fine"))
        self.refine_button.setAccessibleName(self.tr("Refine the answer"))
        menu = QMenu(self.refine_button)
        titles = {
            "shorter": self.tr("Shorter"),
            "warmer": self.tr("Warmer"),
            "formal": self.tr("More formal"),
        }
        for key, title in titles.items():
            follow_up = REFINEMENTS[key]
            menu.addAction(title, functools.partial(self.refine_requested.emit, follow_up))
        menu.addSeparator()
        menu.addAction(self.tr("Something else…"), self._ask)
        self.refine_button.setMenu(menu)
        self.refine_menu = menu

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.copy_button,
            self.replace_button,
            self.retry_button,
            self.refine_button,
        ):
            layout.addWidget(button)
        layout.addStretch(1)
        self.copy_button.clicked.connect(self.copy_requested)
        self.replace_button.clicked.connect(self.replace_requested)
        self.retry_button.clicked.connect(self.retry_requested)
        self.set_state(has_answer=False, text_answer=False, can_retry=False)

    def set_state(self, *, has_answer: bool, text_answer: bool, can_retry: bool) -> None:
        self.copy_button.setEnabled(has_answer)
        self.replace_button.setEnabled(has_answer and text_answer)
        self.refine_button.setEnabled(has_answer and text_answer)
        self.retry_button.setEnabled(can_retry)

    def _ask(self) -> None:
        text, ok = QInputDialog.getText(
            self, self.tr("Refine the answer"), self.tr("How should it change?")
        )
        if ok and text.strip():
            self.refine_requested.emit(text.strip())
