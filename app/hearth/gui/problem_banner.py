"""The banner above the window's work: every problem the user has not dismissed yet.

Problems come from any thread through the window's one funnel; several can arrive for one
request (a cloud failure and a ledger that could not be written). Each stays, with its own
close button, until the user dismisses it; the same problem twice is shown once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget


class ProblemBanner(QFrame):
    dismissed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(self.tr("Problems"))
        self.setStyleSheet(
            "#banner { background: #fdecea; border-radius: 4px; }"
            " #banner QLabel { color: #611a15; }"
        )
        self._rows: dict[str, QWidget] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 4, 4)
        self._layout.setSpacing(2)
        self.dismiss_all = QToolButton()
        self.dismiss_all.setText(self.tr("Dismiss all"))
        self.dismiss_all.setAccessibleName(self.tr("Dismiss all problems"))
        self.dismiss_all.clicked.connect(self.clear)
        self._layout.addWidget(self.dismiss_all, 0, Qt.AlignmentFlag.AlignRight)
        self.dismiss_all.hide()
        self.hide()

    def add(self, message: str) -> None:
        if not message or message in self._rows:
            return
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        label = QLabel(message)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setAccessibleName(self.tr("Dismiss this problem"))
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(lambda: self.dismiss(message))
        line.addWidget(label, 1)
        line.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.insertWidget(self._layout.count() - 1, row)
        self._rows[message] = row
        self._update()

    def dismiss(self, message: str) -> None:
        row = self._rows.pop(message, None)
        if row is None:
            return
        self._layout.removeWidget(row)
        row.deleteLater()
        self.dismissed.emit(message)
        self._update()

    def clear(self) -> None:
        for message in list(self._rows):
            self.dismiss(message)

    def problems(self) -> list[str]:
        return list(self._rows)

    def text(self) -> str:
        """Every problem shown, oldest first, one a line."""
        return "\n".join(self._rows)

    def _update(self) -> None:
        self.dismiss_all.setVisible(len(self._rows) > 1)
        self.setVisible(bool(self._rows))
