"""The options of the chosen task, one page per task: styles, instruction, labels, schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hearth.core.errors import UsageError
from hearth.core.tasks.label_sets import LabelSetStore
from hearth.core.tasks.task import Task
from hearth.gui.label_sets import LabelSetEditor
from hearth.gui.schema_picker import SchemaPicker


def style_title(style: str) -> str:
    # Each a literal in its own translate() call: lupdate reads only literals.
    titles = {
        "summary": QCoreApplication.translate("TaskOptions", "Summary"),
        "key-points": QCoreApplication.translate("TaskOptions", "Key points"),
        "list": QCoreApplication.translate("TaskOptions", "Numbered list"),
        "table": QCoreApplication.translate("TaskOptions", "Table"),
        "proofread": QCoreApplication.translate("TaskOptions", "Proofread"),
        "friendly": QCoreApplication.translate("TaskOptions", "Friendly"),
        "professional": QCoreApplication.translate("TaskOptions", "Professional"),
        "concise": QCoreApplication.translate("TaskOptions", "Concise"),
        "custom": QCoreApplication.translate("TaskOptions", "Custom instruction"),
    }
    return titles.get(style, style)


def task_title(name: str) -> str:
    """A task's title in the user's language (the core's `Task.title` is English)."""
    titles = {
        "summarize": QCoreApplication.translate("TaskOptions", "Summarize"),
        "rewrite": QCoreApplication.translate("TaskOptions", "Rewrite"),
        "classify": QCoreApplication.translate("TaskOptions", "Classify"),
        "extract": QCoreApplication.translate("TaskOptions", "Extract"),
    }
    return titles.get(name, name.capitalize())


class _StylePage(QWidget):
    """A style combo box, and for rewrite a free instruction."""

    def __init__(self, task: Task, with_instruction: bool) -> None:
        super().__init__()
        style = next(o for o in task.options if o.name == "style")
        self.style_box = QComboBox()
        self.style_box.setAccessibleName(self.tr("Style"))
        for choice in style.choices:
            self.style_box.addItem(style_title(choice), choice)
        self._default = style.default or style.choices[0]
        self.style_box.setCurrentIndex(style.choices.index(self._default))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Style:")))
        layout.addWidget(self.style_box)
        self.instruction: QLineEdit | None = None
        if with_instruction:
            self.instruction = QLineEdit()
            self.instruction.setAccessibleName(self.tr("Custom instruction"))
            self.instruction.setClearButtonEnabled(True)
            self.style_box.currentIndexChanged.connect(self._hint)
            layout.addWidget(self.instruction, 1)
            self._hint()
        else:
            layout.addStretch(1)

    def _hint(self) -> None:
        assert self.instruction is not None
        self.instruction.setPlaceholderText(
            self.tr("What should change? e.g. “Make it sound like a thank-you note”")
            if self.style_box.currentData() == "custom"
            else self.tr("Anything else? (optional, added to the style)")
        )

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"style": self.style_box.currentData()}
        if self.instruction is not None:
            instruction = self.instruction.text().strip()
            if options["style"] == "custom" and not instruction:
                raise UsageError(
                    self.tr("Write the custom instruction first (what should change).")
                )
            if instruction:
                options["instruction"] = instruction
        return options

    def set_options(self, options: Mapping[str, Any]) -> list[str]:
        """Show `options` (as `options()` gives them); what could not be shown, in words."""
        problems: list[str] = []
        style = options.get("style") or self._default
        index = self.style_box.findData(style)
        if index < 0:
            problems.append(
                self.tr(
                    "The style “{0}” is not offered any more; the style was left at {1}."
                ).format(style, self.style_box.currentText())
            )
        else:
            self.style_box.setCurrentIndex(index)
        if self.instruction is not None:
            self.instruction.setText(str(options.get("instruction") or ""))
        return problems


class TaskOptionsPanel(QStackedWidget):
    def __init__(
        self, tasks: dict[str, Task], label_sets: LabelSetStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Task options"))
        self.pages: dict[str, QWidget] = {}
        self.label_sets = LabelSetEditor(label_sets)
        self.schema = SchemaPicker()
        for name, task in tasks.items():
            # The page follows the options the task declares, not its name.
            declared = {option.name for option in task.options}
            page: QWidget
            if "labels" in declared:
                page = self.label_sets
            elif "schema" in declared:
                page = self.schema
            elif "style" in declared:
                page = _StylePage(task, with_instruction="instruction" in declared)
            else:
                page = QWidget()
            holder = QWidget()
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(page)
            self.pages[name] = page
            self.addWidget(holder)
        self._names = list(tasks)

    def show_task(self, name: str) -> None:
        self.setCurrentIndex(self._names.index(name))
        # Only the shown page's height counts, so short pages do not leave a gap.
        for index in range(self.count()):
            page = self.widget(index)
            if page is not None:
                page.setVisible(index == self.currentIndex())
        current = self.currentWidget()
        if current is not None:
            self.setMaximumHeight(current.sizeHint().height())

    def style_box(self, name: str) -> QComboBox | None:
        page = self.pages.get(name)
        return page.style_box if isinstance(page, _StylePage) else None

    def instruction(self) -> QLineEdit | None:
        """The free instruction box (of the task that takes one)."""
        for page in self.pages.values():
            if isinstance(page, _StylePage) and page.instruction is not None:
                return page.instruction
        return None

    def options(self, name: str) -> dict[str, Any]:
        """The options of task `name`; raises UsageError when they are incomplete."""
        page = self.pages[name]
        if isinstance(page, _StylePage | LabelSetEditor | SchemaPicker):
            return page.options()
        return {}

    def set_options(self, name: str, options: Mapping[str, Any]) -> list[str]:
        """Set the widgets of task `name` to `options`, as `options(name)` returns them (a
        history entry's), so that `options(name)` gives them back. Returns what could not be
        put back, in words for the user; raises KeyError for an unknown task. Refinement
        options (`previous`, `follow_up`) are no widget's and are left out.
        """
        page = self.pages[name]
        if isinstance(page, _StylePage | LabelSetEditor | SchemaPicker):
            return page.set_options(options)
        return []
