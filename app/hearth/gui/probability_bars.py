"""Classification results as one bar per label, most likely first."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

SCALE = 1000  # progress bars count in integers: tenths of a percent


class ProbabilityBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Label probabilities"))
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setStyleSheet("#headline { font-size: 16pt; font-weight: 600; }")
        self.headline.setAccessibleName(self.tr("Chosen label"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("About these probabilities"))
        self._grid = QGridLayout()
        self._grid.setColumnStretch(1, 1)
        self._grid.setHorizontalSpacing(12)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(self._grid)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.bars: dict[str, QProgressBar] = {}

    def show_labels(self, probabilities: Mapping[str, float], *, calibrated: bool) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.bars = {}
        ranked = sorted(probabilities.items(), key=lambda kv: kv[1], reverse=True)
        for row, (name, probability) in enumerate(ranked):
            label = QLabel(name)
            if row == 0:
                label.setStyleSheet("font-weight: 600;")
            bar = QProgressBar()
            bar.setRange(0, SCALE)
            bar.setValue(round(probability * SCALE))
            bar.setTextVisible(False)
            bar.setFixedHeight(14)
            bar.setAccessibleName(self.tr("Probability of {0}").format(name))
            percent = QLabel(f"{probability:.0%}")
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(44)
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(bar, row, 1)
            self._grid.addWidget(percent, row, 2)
            self.bars[name] = bar
        self.headline.setText(ranked[0][0] if ranked else "")
        self.note.setText(
            self.tr("Calibrated for this label set: the prompt's own bias is divided out.")
            if calibrated
            else self.tr("Raw probabilities from the model (calibration off).")
        )
