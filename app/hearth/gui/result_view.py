"""The answer pane: streamed text first, then the shape that suits the task's result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from hearth.gui.diff_view import DiffView
from hearth.gui.extract_view import ExtractView
from hearth.gui.probability_bars import ProbabilityBars


class ResultView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setAccessibleName(self.tr("Answer"))
        self.text.setOpenExternalLinks(False)
        self.text.setPlaceholderText(self.tr("The answer appears here as it is written."))
        self.diff = DiffView()
        self.bars = ProbabilityBars()
        self.extracted = ExtractView()
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName(self.tr("Warnings about the answer"))
        self.warnings.setStyleSheet(
            "#warnings { background: rgba(230, 160, 0, 0.18); padding: 6px; border-radius: 4px; }"
        )
        self.warnings.hide()
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(self.tr("Answer views"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tabs)
        self._show_pages((self.text, self.tr("Answer")))
        self.answer_text = ""  # what Copy and Replace input take

    def _show_pages(self, *pages: tuple[QWidget, str]) -> None:
        while self.tabs.count():
            self.tabs.removeTab(0)
        for widget, title in pages:
            self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(0)

    def start_stream(self) -> None:
        self._show_pages((self.text, self.tr("Answer")))
        self.warnings.hide()
        self.text.clear()
        self.answer_text = ""

    def show_stream(self, text: str) -> None:
        self.text.setMarkdown(text)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())

    def show_text(self, text: str) -> None:
        """A plain message or a restored answer, with no structured views."""
        self._show_pages((self.text, self.tr("Answer")))
        self.text.setMarkdown(text)
        self.answer_text = text

    def show_outcome(self, details: Mapping[str, Any], original: str) -> None:
        """A finished answer in its task's shape, from its JSON form (`result_json`)."""
        output: Any = details["output"]
        task = details["task"]
        if task == "classify":
            labels = dict(details.get("labels", {}))
            calibrated = bool(details.get("calibrated"))
            if details.get("route") == "cloud":
                # The cloud names one label and gives no probabilities: all the weight is there.
                labels = {name: float(name == output) for name in labels}
                calibrated = False
            self.bars.show_labels(labels, calibrated=calibrated)
            self.answer_text = str(output)
            self._show_pages((self.bars, self.tr("Labels")))
        elif task == "extract":
            self.extracted.show_value(output, list(details.get("violations", [])))
            self.answer_text = self.extracted.json()
            self._show_pages((self.extracted, self.tr("Extracted")))
        else:
            text = output if isinstance(output, str) else json.dumps(output, indent=2)
            self.text.setMarkdown(text)
            self.answer_text = text
            if "changes" in details:
                self.diff.show_changes(original, details["changes"])
                self._show_pages(
                    (self.diff, self.tr("Changes ({0})").format(len(details["changes"]))),
                    (self.text, self.tr("Corrected text")),
                )
            else:
                self._show_pages((self.text, self.tr("Answer")))
        warnings = list(details.get("warnings", []))
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
