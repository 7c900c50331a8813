"""The "Found on this computer" tab: GGUF models other apps downloaded, usable in place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hearth.core.models.discovery import Found
from hearth.gui.models.transfer_text import size_text
from hearth.gui.pick_table import set_up_pick_table


class FoundPanel(QWidget):
    use_requested = Signal(object)  # Found
    rescan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._found: list[Found] = []
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Models found on this computer"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("App"), self.tr("Size"), self.tr("File")]
        )
        set_up_pick_table(self.table, stretch=(0, 3))
        self.note = QLabel(self.tr("Looking for models other apps downloaded…"))
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("Search result"))
        self.use_button = QPushButton(self.tr("Use &in place"))
        self.use_button.setAccessibleName(
            self.tr("Add the selected model to your library without copying it")
        )
        self.rescan_button = QPushButton(self.tr("Look &again"))
        self.rescan_button.setAccessibleName(self.tr("Search this computer for models again"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.rescan_button)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.use_button.clicked.connect(self._use)
        self.rescan_button.clicked.connect(self.rescan_requested)
        self.table.itemSelectionChanged.connect(self._update)
        self._enabled = True
        self._update()

    def show_found(self, found: list[Found]) -> None:
        self._found = list(found)
        self.table.setRowCount(len(self._found))
        for row, item in enumerate(self._found):
            cells = (item.name, item.source.value, size_text(item.size), str(item.path))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(str(item.path))
                self.table.setItem(row, column, cell)
        self.note.setText(
            self.tr(
                "Found {0} model file(s). Using one keeps it where it is; Hearth never deletes it."
            ).format(len(self._found))
            if self._found
            else self.tr(
                "No models from other apps (LM Studio, Ollama, GPT4All, Jan, Hugging Face) "
                "were found."
            )
        )
        if self._found:
            self.table.selectRow(0)
        self._update()

    def selected(self) -> Found | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self._found[rows.pop()] if rows else None

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        self._update()

    def _update(self) -> None:
        self.use_button.setEnabled(self._enabled and self.selected() is not None)
        self.rescan_button.setEnabled(self._enabled)

    def _use(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.use_requested.emit(chosen)
