"""The answer pane: streamed text first, then the shape that suits the task's result."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from hearth.core.answer import Answer
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

    def show_answer(self, answer: Answer, original: str) -> None:
        """A finished answer in the shape its task gives it (its capabilities say which)."""
        details = answer.data
        output: Any = answer.output
        kind = (
            "label"
            if answer.labels is not None
            else ("text" if isinstance(output, str) else "object")
        )
        if kind == "label":
            # A cloud answer's labels are one-hot already: the answer names one label.
            self.bars.show_labels(
                dict(answer.labels or {}), calibrated=bool(details.get("calibrated"))
            )
            self.answer_text = str(output)
            self._show_pages((self.bars, self.tr("Labels")))
        elif kind == "object":
            self.extracted.show_value(output, list(details.get("violations", [])))
            self.answer_text = self.extracted.json()
            self._show_pages((self.extracted, self.tr("Extracted")))
        else:
            self.text.setMarkdown(output)
            self.answer_text = output
            changes = details.get("changes")
            if changes is not None and answer.route == "local":
                self.diff.show_changes(original, changes)
                self._show_pages(
                    (self.diff, self.tr("Changes ({0})").format(len(changes))),
                    (self.text, self.tr("Corrected text")),
                )
            else:
                self._show_pages((self.text, self.tr("Answer")))
        warnings = [*details.get("warnings", []), *self._flag_warnings(answer)]
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))

    def _flag_warnings(self, answer: Answer) -> list[str]:
        """What the answer cannot vouch for, said where the answer is."""
        flags = answer.flags
        out = []
        if flags.added_facts:
            out.append(
                self.tr("Not in your text (check before using): {0}").format(
                    ", ".join(flags.added_facts[:8])
                )
            )
        if flags.ungrounded:
            out.append(
                self.tr("Not found in your text: {0}").format(
                    # "$.items[0].task" reads as "items[0].task" to someone who never saw JSONPath
                    ", ".join(path.removeprefix("$.") for path in flags.ungrounded[:8])
                )
            )
        if flags.rewrote:
            out.append(self.tr("This rewrote rather than corrected your text."))
        if flags.echo_removed:
            out.append(self.tr("A repeated instruction was removed from the start."))
        return out
