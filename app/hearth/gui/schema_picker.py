"""The extract options: a built-in schema, or a JSON Schema file of the user's."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from hearth.core.errors import UsageError
from hearth.core.tasks.schemas import BUILT_IN

CUSTOM = "__custom__"


class SchemaPicker(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.custom_file: Path | None = None
        self.schema_box = QComboBox()
        self.schema_box.setAccessibleName(self.tr("Schema"))
        for name in BUILT_IN:
            self.schema_box.addItem(name.replace("_", " ").capitalize(), name)
        self.schema_box.addItem(self.tr("Custom schema file"), CUSTOM)
        self.browse_button = QPushButton(self.tr("Open schema…"))
        self.browse_button.setAccessibleName(self.tr("Open a JSON Schema file"))
        self.fields = QLabel()
        self.fields.setAccessibleName(self.tr("Fields of the schema"))
        self.fields.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Schema:")))
        layout.addWidget(self.schema_box)
        layout.addWidget(self.browse_button)
        layout.addWidget(self.fields, 1)
        self.schema_box.currentIndexChanged.connect(self._update)
        self.browse_button.clicked.connect(self._browse)
        self._update()

    def _update(self) -> None:
        name = self.schema_box.currentData()
        if name == CUSTOM:
            self.fields.setText(
                self.custom_file.name if self.custom_file else self.tr("No file chosen yet")
            )
        else:
            props = BUILT_IN[name].get("properties", {})
            self.fields.setText(self.tr("Fields: {0}").format(", ".join(props)))

    def set_custom_file(self, path: Path) -> None:
        self.custom_file = path
        self.schema_box.setCurrentIndex(self.schema_box.findData(CUSTOM))
        self._update()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a JSON Schema"), "", self.tr("JSON Schema (*.json)")
        )
        if path:
            self.set_custom_file(Path(path))

    def options(self) -> dict[str, Any]:
        name = self.schema_box.currentData()
        if name != CUSTOM:
            return {"schema": name}
        if self.custom_file is None:
            raise UsageError(self.tr("Choose a JSON Schema file first (Open schema…)."))
        return {"schema": str(self.custom_file)}

    def set_options(self, options: Mapping[str, Any]) -> list[str]:
        """Show `options` (as `options()` gives them); what could not be shown, in words.

        No schema means the first built-in one, as the picker starts. A custom file that is
        gone is still shown, since that is what a retry would ask for, and said to be gone.
        """
        spec = options.get("schema") or self.schema_box.itemData(0)
        if not isinstance(spec, str):
            return [self.tr("A schema given as a JSON object cannot be shown; pick one again.")]
        if spec in BUILT_IN:
            self.schema_box.setCurrentIndex(self.schema_box.findData(spec))
            return []
        self.set_custom_file(Path(spec))
        if not Path(spec).is_file():
            return [
                self.tr("The schema file {0} is gone; open another (Open schema…).").format(spec)
            ]
        return []
