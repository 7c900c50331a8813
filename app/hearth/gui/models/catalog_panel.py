"""The catalog tab: curated models, each labelled for this machine, ready to download."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hearth.core.models.catalog import CatalogEntry
from hearth.core.models.fit import FitLabel
from hearth.core.models.recommend import Assessed
from hearth.gui.models.transfer_text import size_text
from hearth.gui.pick_table import set_up_pick_table

_COLOURS = {FitLabel.FITS: "#1b5e20", FitLabel.SLOW: "#8a5a00", FitLabel.WONT_FIT: "#b71c1c"}


class CatalogPanel(QWidget):
    download_requested = Signal(object)  # CatalogEntry

    def __init__(self, assessed: list[Assessed], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._assessed = sorted(assessed, key=lambda a: a.entry.rank)
        self.table = QTableWidget(len(self._assessed), 4)
        self.table.setAccessibleName(self.tr("Catalog models"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Download size"),
                self.tr("On this computer"),
                self.tr("Licence"),
            ]
        )
        set_up_pick_table(self.table, stretch=(0,), fit=(1, 2, 3))
        self.table.setWordWrap(False)
        for row, item in enumerate(self._assessed):
            entry, verdict = item.entry, item.verdict
            cells = (
                f"{entry.name} ({entry.quantization})",
                size_text(entry.approx_size_bytes),
                self.fit_text(verdict.label),
                entry.license,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(verdict.reason)
                if column == 2:
                    cell.setForeground(QColor(_COLOURS[verdict.label]))
                self.table.setItem(row, column, cell)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("Why this label"))
        self.download_button = QPushButton(self.tr("&Download"))
        self.download_button.setAccessibleName(self.tr("Download the selected catalog model"))
        row_layout = QHBoxLayout()
        row_layout.addWidget(self.reason, 1)
        row_layout.addWidget(self.download_button)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.tr("Notice"))
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_layout)
        self.table.itemSelectionChanged.connect(self._show_reason)
        self.download_button.clicked.connect(self._download)
        self._enabled = True
        if self._assessed:
            self.table.selectRow(0)
        self._show_reason()

    def fit_text(self, label: FitLabel) -> str:
        return {
            FitLabel.FITS: self.tr("Fits"),
            FitLabel.SLOW: self.tr("May be slow"),
            FitLabel.WONT_FIT: self.tr("Won't fit"),
        }[label]

    def selected(self) -> Assessed | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self._assessed[rows.pop()] if rows else None

    def select(self, entry_id: str) -> None:
        for row, item in enumerate(self._assessed):
            if item.entry.id == entry_id:
                self.table.selectRow(row)

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        self._show_reason()

    def _show_reason(self) -> None:
        chosen = self.selected()
        self.reason.setText(
            ""
            if chosen is None
            else f"{self.fit_text(chosen.verdict.label)}: {chosen.verdict.reason}"
        )
        self.download_button.setEnabled(
            self._enabled and chosen is not None and chosen.verdict.label is not FitLabel.WONT_FIT
        )

    def _download(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            entry: CatalogEntry = chosen.entry
            self.download_requested.emit(entry)
