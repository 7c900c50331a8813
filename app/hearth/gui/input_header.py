"""The line above the input saying what was read from a file: its format, pages, characters
and what was left out; while a long document is read, its progress and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from hearth.core.request import InputInfo


class InputHeader(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(False)
        self.label.setAccessibleName(self.tr("What was read"))
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel reading"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self.info: InputInfo | None = None
        self.hide()

    def show_reading(self, name: str) -> None:
        self.info = None
        self.label.setText(self.tr("Reading {0}…").format(name))
        self.label.setToolTip("")
        self.progress.setRange(0, 0)  # busy until the first page is counted
        self.progress.show()
        self.cancel_button.show()
        self.show()

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("page %v of %m"))

    def show_info(self, name: str, info: InputInfo) -> None:
        self.info = info
        kind = self.format_name(info.format)
        parts = [name, kind]
        if info.pages is not None:
            parts.append(
                self.tr("1 page") if info.pages == 1 else self.tr("{0} pages").format(info.pages)
            )
        parts.append(self.tr("{0} characters").format(f"{info.chars:,}"))
        text = " · ".join(parts)
        if info.dropped:
            text += " · " + self.tr("left out: {0}").format("; ".join(info.dropped))
        self.label.setText(text)
        self.label.setToolTip("\n".join(info.dropped))
        self.progress.hide()
        self.cancel_button.hide()
        self.show()

    def format_name(self, format: str) -> str:
        names = {
            "pdf": self.tr("PDF"),
            "docx": self.tr("Word"),
            "html": self.tr("web page"),
            "eml": self.tr("e-mail"),
            "markdown": self.tr("Markdown"),
            "text": self.tr("text"),
        }
        return names.get(format, format)

    def clear(self) -> None:
        self.info = None
        self.hide()
