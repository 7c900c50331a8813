"""An extracted JSON value as a readable table of fields, and as JSON to copy."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ExtractView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTreeWidget()
        self.table.setColumnCount(2)
        self.table.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.table.setAccessibleName(self.tr("Extracted fields"))
        self.table.setAlternatingRowColors(True)
        self.table.setColumnWidth(0, 160)
        self.json_text = QPlainTextEdit()
        self.json_text.setReadOnly(True)
        self.json_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.json_text.setAccessibleName(self.tr("Extracted JSON"))
        self.copy_button = QPushButton(self.tr("Copy JSON"))
        self.copy_button.setAccessibleName(self.tr("Copy the extracted JSON"))
        self.copy_button.clicked.connect(self.copy_json)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName(self.tr("Schema problems"))
        self.problems.hide()

        json_page = QWidget()
        json_layout = QVBoxLayout(json_page)
        json_layout.setContentsMargins(0, 0, 0, 0)
        json_layout.addWidget(self.json_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        json_layout.addLayout(row)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, self.tr("Table"))
        self.tabs.addTab(json_page, self.tr("JSON"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problems)
        layout.addWidget(self.tabs)

    def show_value(self, value: Any, violations: list[str]) -> None:
        self.table.clear()
        _fill(self.table.invisibleRootItem(), value)
        self.table.setRootIsDecorated(_nested(value))
        self.table.expandAll()
        self.json_text.setPlainText(self.json())
        self._value = value
        if violations:
            self.problems.setText(
                self.tr("The answer does not fully match the schema: {0}").format(
                    "; ".join(violations)
                )
            )
        self.problems.setVisible(bool(violations))

    def json(self) -> str:
        return json.dumps(getattr(self, "_value", None), indent=2, ensure_ascii=False)

    def copy_json(self) -> None:
        QGuiApplication.clipboard().setText(self.json())


def _fill(parent: QTreeWidgetItem, value: Any) -> None:
    if isinstance(value, dict):
        pairs: list[tuple[str, Any]] = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = [(f"#{i + 1}", v) for i, v in enumerate(value)]
    else:
        pairs = [("", value)]
    for key, item in pairs:
        row = QTreeWidgetItem(parent, [_label(key), _scalar(item)])
        if isinstance(item, dict | list):
            _fill(row, item)


def _label(key: str) -> str:
    return key.replace("_", " ")


def _scalar(value: Any) -> str:
    if isinstance(value, dict):
        return ""
    if isinstance(value, list):
        if not value:
            return "—"
        return QCoreApplication.translate("ExtractView", "{0} items").format(len(value))
    if value is None:
        return "—"
    if isinstance(value, bool):
        if value:
            return QCoreApplication.translate("ExtractView", "yes")
        return QCoreApplication.translate("ExtractView", "no")
    return str(value)


def _nested(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(isinstance(item, dict | list) for item in items)
