"""Tools ▸ Evaluate: how good the local classifier is on the user's own labelled file, with the
figures of `hearth eval classify` (accuracy, ECE, AUROC, the threshold that keeps 90 % right on
the device) for each calibration mode, and its picture (reliability diagrams, coverage curve).

The evaluation runs `hearth eval` in a separate process (the same executable, as the engine host
is started): it loads its own engine, so the window's engine and its queue are left alone, and
Stop ends it at once. Its JSON report is what the table shows; its PNG is shown as it is.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hearth.core.engine.launcher import host_command
from hearth.core.settings import Settings

COLUMNS = ("accuracy", "macro_f1", "ece", "auroc", "threshold_for_90", "share_on_device_at_90")


def eval_command(data: Path, model: str | None, out: Path) -> list[str]:
    """The `hearth eval classify` command line, run by this very executable (frozen or not)."""
    command = [*host_command()[:-1], "eval", "classify", "--data", str(data), "--json"]
    if model:
        command += ["--model", model]
    return [*command, "--out", str(out)]


class EvalDialog(QDialog):
    finished_report = Signal(dict)  # the report of a finished evaluation
    failed = Signal(str)  # the error line of one that did not finish

    def __init__(self, settings: Callable[[], Settings], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Evaluate the classifier"))
        self._settings = settings
        self._process: QProcess | None = None
        self._out = Path(tempfile.mkdtemp(prefix="hearth-eval-"))

        self.path = QLineEdit(self)
        self.path.setPlaceholderText(self.tr('A JSONL file, one {"text": …, "label": …} a line'))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        self.run_button = QPushButton(self.tr("Evaluate"), self)
        self.run_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        row = QHBoxLayout()
        for widget in (self.path, browse, self.run_button, self.stop_button):
            row.addWidget(widget)

        self.status = QLabel(self.tr("Choose labelled examples to measure the model on."), self)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS) + 1, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Calibration"),
                self.tr("Accuracy"),
                self.tr("Macro-F1"),
                self.tr("ECE"),
                self.tr("AUROC"),
                self.tr("Threshold for 90 %"),
                self.tr("On device at 90 %"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.picture = QLabel(self)
        # The picture has no words of its own (it is drawn without fonts): say what it shows.
        self.caption = QLabel(
            self.tr(
                "Left to right: for no calibration (grey), batch (blue) and contextual (orange), "
                "how often the answers at each confidence were right (on the diagonal is honest; "
                "above it, the model is better than it says), with the calibration error and the "
                "accuracy at the top. Last: accuracy (up) against the share of texts kept on this "
                "device (across), with a perfect cloud answering the rest."
            ),
            self,
        )
        self.caption.setWordWrap(True)
        self.caption.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addWidget(self.picture)
        layout.addWidget(self.caption)
        layout.addWidget(buttons)
        self.resize(1100, 640)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Labelled examples"), "", self.tr("JSON lines (*.jsonl *.json)")
        )
        if name:
            self.path.setText(name)

    def start(self) -> None:
        data = Path(self.path.text().strip())
        if not data.name:
            self.status.setText(self.tr("Choose a file of labelled examples first."))
            return
        command = eval_command(data, self._settings().model, self._out)
        process = QProcess(self)
        process.finished.connect(lambda code, _status: self._done(process, code))
        self._process = process
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.table.setRowCount(0)
        self.picture.clear()
        self.caption.hide()
        self.status.setText(self.tr("Classifying every example on this device…"))
        process.start(command[0], command[1:])

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()

    def _done(self, process: QProcess, code: int) -> None:
        self._process = None
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        out = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        err = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        process.deleteLater()
        if code != 0:
            lines = [line for line in err.splitlines() if line.strip()]
            message = lines[-1].removeprefix("error: ") if lines else self.tr("It was stopped.")
            self.status.setText(message)
            self.failed.emit(message)
            return
        try:
            report = json.loads(out)
        except ValueError:
            self.status.setText(self.tr("The evaluation gave no report."))
            self.failed.emit("no report")
            return
        self.show_report(report)
        self.finished_report.emit(report)

    def show_report(self, report: dict[str, Any]) -> None:
        self.table.setRowCount(len(report["modes"]))
        for row, mode in enumerate(report["modes"]):
            self.table.setItem(row, 0, QTableWidgetItem(mode["mode"]))
            for column, key in enumerate(COLUMNS, 1):
                value = mode.get(key)
                text = "–" if value is None else f"{value:.3f}"
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(
            self.tr(
                "{rows} examples, {labels} labels, options as {form}, model {model}. The "
                "threshold for 90 % is the lowest confidence at which the answers kept on this "
                "device were 90 % right; below it, auto mode would send the request to the cloud."
            ).format(
                rows=report["rows"],
                labels=len(report["labels"]),
                form=report["form"],
                model=report["model"],
            )
            + "".join(f"\n{w}" for w in report.get("warnings", [])[:3])
        )
        picture = QPixmap(str(self._out / "report.png"))
        if not picture.isNull():
            self.picture.setPixmap(picture)
            self.caption.show()


def open_eval_dialog(parent: QWidget, settings: Callable[[], Settings]) -> EvalDialog:
    dialog = EvalDialog(settings, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
