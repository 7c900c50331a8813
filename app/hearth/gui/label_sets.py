"""The classify options: pick a saved label set, edit its labels, save it under a name.

Labels that are no saved set (put back from the history after their set was deleted or
changed) are shown as unsaved: no set is chosen, so the box does not name a set whose labels
differ from the ones that will run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hearth.core.errors import HearthError, UsageError
from hearth.core.tasks.label_sets import (
    LabelSet,
    LabelSetStore,
    label_lines,
    make_label_set,
    parse_label_lines,
)
from hearth.core.tasks.labels import Label, parse_labels


class LabelSetEditor(QWidget):
    problem = Signal(str)  # for the window's banner

    def __init__(self, store: LabelSetStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        loaded = store.load()
        self._sets: tuple[LabelSet, ...] = loaded.sets
        self.startup_problems = loaded.problems

        self.set_box = QComboBox()
        self.set_box.setAccessibleName(self.tr("Saved label set"))
        self.set_box.setMinimumContentsLength(14)
        self.set_box.setPlaceholderText(self.tr("Unsaved labels"))
        self.save_button = QPushButton(self.tr("Save set…"))
        self.save_button.setAccessibleName(self.tr("Save these labels as a set"))
        self.delete_button = QPushButton(self.tr("Delete set"))
        self.delete_button.setAccessibleName(self.tr("Delete the chosen label set"))
        self.calibrate = QCheckBox(self.tr("Calibrate"))
        self.calibrate.setChecked(True)
        self.calibrate.setAccessibleName(self.tr("Calibrate the probabilities"))
        self.calibrate.setToolTip(
            self.tr(
                "Use the calibration measured for these labels on this model, when one was "
                "measured with your examples; off: the model's scores as they are."
            )
        )
        self.labels_edit = QPlainTextEdit()
        self.labels_edit.setAccessibleName(self.tr("Labels, one per line"))
        self.labels_edit.setPlaceholderText(
            self.tr(
                "One label per line, optionally with a description:\n"
                "urgent: needs action today\n  e.g. The server is down!\nFYI"
            )
        )
        self.labels_edit.setTabChangesFocus(True)
        self.labels_edit.setMaximumHeight(96)
        hint = QLabel(self.tr("name: description · indented “e.g.” lines are examples"))
        hint.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Labels:")))
        top.addWidget(self.set_box)
        top.addWidget(self.save_button)
        top.addWidget(self.delete_button)
        top.addWidget(self.calibrate)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.labels_edit)
        layout.addWidget(hint)

        self._refill()
        self.set_box.currentIndexChanged.connect(self._show_chosen)
        self.save_button.clicked.connect(self._ask_and_save)
        self.delete_button.clicked.connect(self.delete_chosen)
        self._show_chosen()

    def _refill(self, select: str | None = None) -> None:
        self.set_box.blockSignals(True)
        self.set_box.clear()
        for label_set in self._sets:
            self.set_box.addItem(label_set.name, label_set.name)
        # Chosen explicitly: with a placeholder text, the box would otherwise choose none.
        index = 0 if select is None else max(0, self.set_box.findData(select))
        self.set_box.setCurrentIndex(index if self._sets else -1)
        self.set_box.blockSignals(False)
        self.delete_button.setEnabled(self.chosen() is not None)

    def _show_chosen(self) -> None:
        chosen = self.chosen()
        self.delete_button.setEnabled(chosen is not None)
        if chosen is not None:
            self.labels_edit.setPlainText(label_lines(chosen.labels))

    def chosen(self) -> LabelSet | None:
        name = self.set_box.currentData()
        return next((s for s in self._sets if s.name == name), None)

    def options(self) -> dict[str, Any]:
        """The classify options; raises UsageError when the labels are not usable.

        `label_set` names the chosen saved set only while the labels are exactly its labels,
        so that reopening the request can tell the set was deleted or changed since.
        """
        labels = tuple(parse_label_lines(self.labels_edit.toPlainText()))
        options: dict[str, Any] = {
            "labels": LabelSet("", labels).as_option(),
            "calibrate": "on" if self.calibrate.isChecked() else "off",
        }
        chosen = self.chosen()
        if chosen is not None and chosen.labels == labels:
            options["label_set"] = chosen.name
        return options

    def set_options(self, options: Mapping[str, Any]) -> list[str]:
        """Show `options` (as `options()` gives them); what could not be shown, in words.

        The labels go back under their saved set when it still holds exactly them, otherwise
        as unsaved labels, saying so when the named set was deleted or changed since.
        """
        problems: list[str] = []
        calibrate = options.get("calibrate") or "on"
        if calibrate in ("on", "off"):
            self.calibrate.setChecked(calibrate == "on")
        else:
            problems.append(
                self.tr("Calibration “{0}” is neither on nor off; it was left unchanged.").format(
                    calibrate
                )
            )
        try:
            labels = tuple(parse_labels(options.get("labels")))
        except UsageError as exc:
            problems.append(self.tr("The labels could not be put back: {0}").format(exc.message))
            return problems
        name = options.get("label_set")
        if isinstance(name, str) and name:
            match = self._saved(name)
            if match is None:
                problems.append(
                    self.tr(
                        "The label set “{0}” no longer exists; its labels were put back as "
                        "unsaved labels."
                    ).format(name)
                )
            elif match.labels != labels:
                problems.append(
                    self.tr(
                        "The label set “{0}” has changed since; the labels of that request were "
                        "put back as unsaved labels."
                    ).format(name)
                )
                match = None
        else:
            match = next((s for s in self._sets if s.labels == labels), None)
        self._show_labels(labels, match)
        if not self._shows(labels):
            problems.append(
                self.tr("The labels could not be written one per line exactly as they were.")
            )
        return problems

    def _saved(self, name: str) -> LabelSet | None:
        return next((s for s in self._sets if s.name.casefold() == name.casefold()), None)

    def _show_labels(self, labels: tuple[Label, ...], label_set: LabelSet | None) -> None:
        self.set_box.blockSignals(True)
        self.set_box.setCurrentIndex(
            -1 if label_set is None else self.set_box.findData(label_set.name)
        )
        self.set_box.blockSignals(False)
        self.delete_button.setEnabled(label_set is not None)
        self.labels_edit.setPlainText(label_lines(labels))

    def _shows(self, labels: tuple[Label, ...]) -> bool:
        try:
            return tuple(parse_label_lines(self.labels_edit.toPlainText())) == labels
        except UsageError:
            return False

    def save_as(self, name: str) -> None:
        try:
            label_set = make_label_set(
                name,
                LabelSet("", tuple(parse_label_lines(self.labels_edit.toPlainText()))).as_option(),
            )
            self._sets = self._store.put(label_set)
        except HearthError as exc:
            self.problem.emit(exc.message)
            return
        self._refill(select=label_set.name)

    def delete_chosen(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        try:
            self._sets = self._store.delete(chosen.name)
        except HearthError as exc:
            self.problem.emit(exc.message)
            return
        self._refill()
        self._show_chosen()

    def _ask_and_save(self) -> None:
        current = self.chosen()
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save label set"),
            self.tr("Name of the label set:"),
            text=current.name if current is not None else "",
        )
        if ok and name.strip():
            self.save_as(name)
