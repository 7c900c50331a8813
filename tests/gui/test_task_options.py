"""Putting a past request's options back into the task option widgets (History → Reopen).

Every case first checks that the widgets show something else, so a `set_options` that did
nothing fails the round trip.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.history import HistoryEntry
from hearth.core.paths import Paths
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.label_sets import LabelSetStore
from hearth.core.tasks.schemas import BUILT_IN
from hearth.gui.schema_picker import CUSTOM
from hearth.gui.task_options import TaskOptionsPanel

TASKS = task_catalog()
SUPPORT = "bug: something is broken\n  e.g. It crashes\n  e.g. Error 500\nfeature: a wish\nquestion"


def make_panel(qtbot: QtBot) -> TaskOptionsPanel:
    panel = TaskOptionsPanel(TASKS, LabelSetStore.in_folder(Paths.from_environment().data_dir))
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def panel(qtbot: QtBot) -> TaskOptionsPanel:
    return make_panel(qtbot)


def style_choices(task: str) -> tuple[str, ...]:
    return next(o.choices for o in TASKS[task].options if o.name == "style")


def show_other_style(panel: TaskOptionsPanel, task: str, style: str) -> None:
    box = panel.style_box(task)
    assert box is not None
    box.setCurrentIndex(box.findData(next(c for c in style_choices(task) if c != style)))


def round_trip(panel: TaskOptionsPanel, task: str, options: dict[str, Any]) -> None:
    assert panel.options(task) != options  # else doing nothing would pass
    assert panel.set_options(task, options) == []
    assert panel.options(task) == options


@pytest.mark.parametrize("style", style_choices("summarize"))
def test_every_summary_style_comes_back(panel: TaskOptionsPanel, style: str) -> None:
    show_other_style(panel, "summarize", style)
    round_trip(panel, "summarize", {"style": style})


@pytest.mark.parametrize("style", [s for s in style_choices("rewrite") if s != "custom"])
def test_every_rewrite_style_comes_back_with_or_without_an_instruction(
    panel: TaskOptionsPanel, style: str
) -> None:
    show_other_style(panel, "rewrite", style)
    round_trip(panel, "rewrite", {"style": style, "instruction": "Keep it under 50 words"})
    round_trip(panel, "rewrite", {"style": style})  # the old instruction is cleared


def test_a_custom_rewrite_instruction_comes_back(panel: TaskOptionsPanel) -> None:
    options = {"style": "custom", "instruction": "Make it sound like a thank-you note"}
    round_trip(panel, "rewrite", options)
    assert panel.style_box("rewrite").currentData() == "custom"  # type: ignore[union-attr]
    assert panel.instruction().text() == options["instruction"]  # type: ignore[union-attr]


def test_refinement_options_are_left_out(panel: TaskOptionsPanel) -> None:
    asked = {"style": "friendly", "instruction": "warmer", "previous": "Hi.", "follow_up": "more"}
    assert panel.set_options("rewrite", asked) == []
    assert panel.options("rewrite") == {"style": "friendly", "instruction": "warmer"}


def test_a_saved_label_set_comes_back_chosen(qtbot: QtBot) -> None:
    first = make_panel(qtbot)
    first.label_sets.labels_edit.setPlainText(SUPPORT)
    first.label_sets.save_as("Support")
    first.label_sets.calibrate.setChecked(False)
    options = first.options("classify")
    assert options["label_set"] == "Support"
    assert options["labels"][0] == {
        "name": "bug",
        "description": "something is broken",
        "examples": ["It crashes", "Error 500"],
    }
    assert options["calibrate"] == "off"

    later = make_panel(qtbot)  # a later session, showing the first saved set
    round_trip(later, "classify", options)
    assert later.label_sets.set_box.currentText() == "Support"
    assert later.label_sets.labels_edit.toPlainText() == SUPPORT
    assert not later.label_sets.calibrate.isChecked()


def test_calibration_comes_back_on(panel: TaskOptionsPanel) -> None:
    options = panel.options("classify")
    panel.label_sets.calibrate.setChecked(False)
    round_trip(panel, "classify", options)
    assert panel.label_sets.calibrate.isChecked()


def test_labels_of_no_saved_set_come_back_unsaved(panel: TaskOptionsPanel) -> None:
    labels = [
        {"name": "invoice", "description": "asks to be paid", "examples": ["Amount due: 40 EUR"]},
        {"name": "receipt", "description": "", "examples": []},
        {"name": "other", "description": "anything else", "examples": []},
    ]
    round_trip(panel, "classify", {"labels": labels, "calibrate": "on"})
    assert panel.label_sets.set_box.currentIndex() == -1
    assert panel.label_sets.chosen() is None
    assert not panel.label_sets.delete_button.isEnabled()
    assert "invoice: asks to be paid" in panel.label_sets.labels_edit.toPlainText()


def test_labels_of_a_saved_set_without_its_name_choose_that_set(panel: TaskOptionsPanel) -> None:
    editor = panel.label_sets
    triage = editor.set_box.findData("Email triage")
    editor.set_box.setCurrentIndex(triage)
    options = panel.options("classify")
    del options["label_set"]  # as requests kept before sets were named in the options
    editor.set_box.setCurrentIndex(editor.set_box.findData("Sentiment"))
    assert panel.set_options("classify", options) == []
    assert editor.set_box.currentIndex() == triage
    assert panel.options("classify") == {**options, "label_set": "Email triage"}


@pytest.mark.parametrize("schema", list(BUILT_IN))
def test_every_built_in_schema_comes_back(panel: TaskOptionsPanel, schema: str) -> None:
    box = panel.schema.schema_box
    box.setCurrentIndex(box.findData(next(s for s in BUILT_IN if s != schema)))
    round_trip(panel, "extract", {"schema": schema})
    assert box.currentData() == schema


def test_a_custom_schema_file_comes_back(panel: TaskOptionsPanel, tmp_path: Path) -> None:
    path = tmp_path / "recipe.schema.json"
    path.write_text(json.dumps({"type": "object", "properties": {"dish": {"type": "string"}}}))
    round_trip(panel, "extract", {"schema": str(path)})
    assert panel.schema.schema_box.currentData() == CUSTOM
    assert panel.schema.fields.text() == "recipe.schema.json"


def test_options_kept_in_the_history_come_back(panel: TaskOptionsPanel) -> None:
    asked = {"style": "custom", "instruction": "Shorter, please"}
    answer = {"task": "rewrite", "output": "Short.", "route": "local", "model": "tiny"}
    entry = HistoryEntry.from_line(HistoryEntry.from_outcome(answer, "Long text", asked).to_line())
    round_trip(panel, "rewrite", entry.options)


def test_a_deleted_label_set_comes_back_unsaved_and_is_reported(panel: TaskOptionsPanel) -> None:
    editor = panel.label_sets
    editor.labels_edit.setPlainText(SUPPORT)
    editor.save_as("Support")
    options = panel.options("classify")
    editor.delete_chosen()
    assert editor.set_box.findData("Support") == -1

    [problem] = panel.set_options("classify", options)
    assert "“Support” no longer exists" in problem
    assert editor.set_box.currentIndex() == -1
    assert editor.labels_edit.toPlainText() == SUPPORT
    assert panel.options("classify") == {k: v for k, v in options.items() if k != "label_set"}


def test_a_changed_label_set_comes_back_unsaved_and_is_reported(panel: TaskOptionsPanel) -> None:
    editor = panel.label_sets
    editor.labels_edit.setPlainText(SUPPORT)
    editor.save_as("Support")
    options = panel.options("classify")
    editor.labels_edit.setPlainText("bug\nfeature")
    editor.save_as("Support")

    [problem] = panel.set_options("classify", options)
    assert "“Support” has changed" in problem
    assert editor.set_box.currentIndex() == -1
    assert editor.labels_edit.toPlainText() == SUPPORT


def test_unusable_labels_are_reported(panel: TaskOptionsPanel) -> None:
    [problem] = panel.set_options("classify", {"labels": [{"name": "lonely"}], "calibrate": "off"})
    assert "at least 2 labels" in problem
    assert panel.options("classify")["calibrate"] == "off"


def test_a_missing_schema_file_is_shown_and_reported(
    panel: TaskOptionsPanel, tmp_path: Path
) -> None:
    gone = str(tmp_path / "deleted.schema.json")
    [problem] = panel.set_options("extract", {"schema": gone})
    assert f"{gone} is gone" in problem
    assert panel.schema.schema_box.currentData() == CUSTOM
    assert panel.options("extract") == {"schema": gone}  # what Retry will ask for


@pytest.mark.parametrize("task", ["summarize", "rewrite"])
def test_an_unknown_style_is_reported(panel: TaskOptionsPanel, task: str) -> None:
    [problem] = panel.set_options(task, {"style": "haiku", "instruction": "in 3 lines"})
    assert "“haiku” is not offered" in problem
    if task == "rewrite":  # the rest is still put back
        assert panel.instruction().text() == "in 3 lines"  # type: ignore[union-attr]


def test_an_unknown_task_is_a_key_error(panel: TaskOptionsPanel) -> None:
    with pytest.raises(KeyError):
        panel.set_options("translate", {})
