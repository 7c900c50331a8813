"""History: recent requests, newest first, with their result, route and timings.

Reopen puts the text, the task and the result back in the window; Clear all asks first.
The list is read when the dialog opens (a small file, at most a few hundred lines).
"""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hearth.core.errors import HearthError
from hearth.core.history import HistoryEntry, HistoryStore
from hearth.gui.pick_table import set_up_pick_table
from hearth.gui.task_options import task_title


def output_markdown(entry: HistoryEntry) -> str:
    """The stored answer as the result view shows it: text as is, structures as JSON."""
    if isinstance(entry.output, str):
        return entry.output
    return "```json\n" + json.dumps(entry.output, indent=2, ensure_ascii=False) + "\n```"


class HistoryDialog(QDialog):
    reopen_requested = Signal(object)  # HistoryEntry
    problem = Signal(str)
    cleared = Signal()

    def __init__(
        self, store: HistoryStore, parent: QWidget | None = None, *, keep_history: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History"))
        self.setAccessibleName(self.tr("History"))
        self.resize(900, 560)
        self._store = store
        self._entries: list[HistoryEntry] = []
        self.confirm_box: QMessageBox | None = None

        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(self.tr("Recent requests"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Task"), self.tr("Text"), self.tr("From"), self.tr("Time")]
        )
        self.table.setWordWrap(False)
        set_up_pick_table(self.table, stretch=(2,), fit=(0, 1, 3, 4))
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("The selected request and its result"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setSizes([280, 220])

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("History status"))
        if not keep_history:
            self.note.setText(
                self.tr("History is off (Settings ▸ Privacy): new requests are not kept.")
            )
        self.reopen_button = QPushButton(self.tr("&Reopen"))
        self.reopen_button.setAccessibleName(self.tr("Put this request back in the window"))
        self.reopen_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("C&lear all…"))
        self.clear_button.setAccessibleName(self.tr("Delete the whole history"))
        self.close_button = QPushButton(self.tr("&Close"))
        self.close_button.setAccessibleName(self.tr("Close the history"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.itemActivated.connect(lambda _item: self.reopen())
        self.reopen_button.clicked.connect(self.reopen)
        self.clear_button.clicked.connect(self.ask_clear)
        self.close_button.clicked.connect(self.close)
        self.refresh()

    def refresh(self) -> None:
        try:
            self._entries = self._store.recent()
        except HearthError as exc:
            self._entries = []
            self.problem.emit(exc.message)
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            first_line = entry.text.strip().splitlines()[0] if entry.text.strip() else ""
            cells = (
                datetime.fromtimestamp(entry.at).strftime("%Y-%m-%d %H:%M"),
                task_title(entry.task),
                first_line[:200],
                self.tr("On this device") if entry.route == "local" else self.tr("Cloud"),
                self.tr("{0:.1f} s").format(float(entry.timings.get("total_ms", 0)) / 1000),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self._entries:
            self.table.selectRow(0)
        elif not self.note.text():
            self.note.setText(self.tr("No requests yet."))
        self._show_selected()

    def selected(self) -> HistoryEntry | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self._entries[rows.pop()] if rows else None

    def reopen(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.reopen_requested.emit(entry)
            self.accept()

    def ask_clear(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Clear the history?"),
            self.tr("Delete all {0} requests from the history? This cannot be undone.").format(
                len(self._entries)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(self.clear_all)
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()
        return box

    def clear_all(self) -> None:
        try:
            self._store.clear()
        except HearthError as exc:
            self.problem.emit(exc.message)
            return
        self.refresh()
        self.cleared.emit()

    def _show_selected(self) -> None:
        entry = self.selected()
        self.reopen_button.setEnabled(entry is not None)
        self.clear_button.setEnabled(bool(self._entries))
        if entry is None:
            self.preview.clear()
            return
        timings = entry.timings
        facts = [
            entry.model or self.tr("unknown model"),
            self.tr("on this device") if entry.route == "local" else self.tr("cloud"),
        ]
        if timings.get("output_tokens"):
            facts.append(
                self.tr("first token {0:.0f} ms · {1:.1f} tokens/s").format(
                    float(timings.get("ttft_ms") or 0),
                    float(timings.get("decode_tokens_per_s") or 0),
                )
            )
        else:  # scored (classify): no tokens were generated
            facts.append(
                self.tr("scored in {0:.0f} ms").format(float(timings.get("total_ms") or 0))
            )
        if entry.confidence is not None:
            facts.append(self.tr("confidence {0:.0%}").format(entry.confidence))
        facts_text = " · ".join(facts)
        # Translated outside the f-string: lupdate does not look inside one.
        text_title, result_title = self.tr("Text"), self.tr("Result")
        self.preview.setMarkdown(
            f"*{facts_text}*\n\n**{text_title}**\n\n{entry.text}\n\n"
            f"**{result_title}**\n\n{output_markdown(entry)}"
        )
