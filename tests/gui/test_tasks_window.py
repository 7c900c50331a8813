"""Every task through the window against the real engine, and what can be done with answers."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from hearth.core.answer import Answer
from hearth.gui.app import HearthApp

TEXT = "Thanks for the draft. The budget numbers for March do not match the sheet. " * 3


def _run(app: HearthApp, qtbot: QtBot, task: str, tiny_model: Path) -> Answer:
    window = app.window
    window.use_model(tiny_model)
    window.set_task(task)
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(window.answer_ready, timeout=180_000) as done:
        window.run_task()
    outcome: Answer = done.args[0]
    assert outcome.task == task
    return outcome


def test_summarize_streams_markdown_and_enables_answer_actions(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    style_box = window.style_box
    assert style_box is not None
    style_box.setCurrentIndex(style_box.findData("key-points"))
    assert window.options_panel.options("summarize") == {"style": "key-points"}
    style_box.setCurrentIndex(style_box.findData("summary"))  # short: the model babbles
    _run(app, qtbot, "summarize", tiny_model)
    assert window.result.tabs.currentWidget() is window.result.text
    assert window.result.answer_text
    actions = window.answer_actions
    assert actions.copy_button.isEnabled()
    assert actions.refine_button.isEnabled()
    window.copy_answer()
    assert QGuiApplication.clipboard().text() == window.result.answer_text


def test_proofread_shows_the_changes_as_a_diff(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    outcome = _run(app, qtbot, "rewrite", tiny_model)
    assert outcome.data["style"] == "proofread"
    result = app.window.result
    assert result.tabs.currentWidget() is result.diff
    assert result.diff.change_count == len(outcome.data["changes"])
    assert result.tabs.tabText(1) == "Corrected text"


def test_classify_shows_a_bar_per_label_of_the_saved_set(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    outcome = _run(app, qtbot, "classify", tiny_model)
    bars = app.window.result.bars
    assert set(bars.bars) == {"positive", "neutral", "negative"}  # the first starter set
    values = {name: bar.value() for name, bar in bars.bars.items()}
    assert abs(sum(values.values()) - 1000) <= 3
    assert bars.headline.text() == outcome.data["label"]
    assert not app.window.answer_actions.replace_button.isEnabled()


def test_extract_shows_a_table_and_json_to_copy(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    outcome = _run(app, qtbot, "extract", tiny_model)
    view = app.window.result.extracted
    assert app.window.result.tabs.currentWidget() is view
    assert view.table.topLevelItemCount() == len(outcome.output)
    assert view.table.topLevelItem(0).text(0) == "name"
    view.copy_json()
    assert json.loads(QGuiApplication.clipboard().text()) == outcome.output


def test_extract_with_a_custom_schema_file(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    schema = tmp_path / "city.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {"city": {"type": "string", "maxLength": 20}},
                "required": ["city"],
            }
        )
    )
    app.window.options_panel.schema.set_custom_file(schema)
    outcome = _run(app, qtbot, "extract", tiny_model)
    assert set(outcome.output) == {"city"}


def test_custom_rewrite_without_an_instruction_is_refused_before_running(
    app: HearthApp, tiny_model: Path
) -> None:
    window = app.window
    window.use_model(tiny_model)
    window.set_task("rewrite")
    style_box = window.style_box
    assert style_box is not None
    style_box.setCurrentIndex(style_box.findData("custom"))
    window.input.setPlainText(TEXT)
    window.run_task()
    assert window.banner.isVisible()
    assert "custom instruction" in window.banner.text()
    assert window.run_button.isEnabled()


def test_refine_continues_the_rewrite_with_the_previous_answer(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    window.set_task("rewrite")
    style_box = window.style_box
    assert style_box is not None
    style_box.setCurrentIndex(style_box.findData("friendly"))
    _run(app, qtbot, "rewrite", tiny_model)
    first = window.result.answer_text
    with qtbot.waitSignal(window.answer_ready, timeout=180_000) as done:
        window.answer_actions.refine_requested.emit("Make it shorter.")
    assert done.args[0].task == "rewrite"
    assert window._request is not None
    assert window._request.options["previous"] == first
    assert window._request.options["follow_up"] == "Make it shorter."
    assert window._request.options["style"] == "friendly"
    assert window._request.text == TEXT


def test_refine_a_summary_runs_a_rewrite_of_it(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    _run(app, qtbot, "summarize", tiny_model)
    with qtbot.waitSignal(window.answer_ready, timeout=180_000) as done:
        window.refine("Make it warmer and friendlier.")
    assert done.args[0].task == "rewrite"


def test_replace_input_puts_the_answer_in_and_undo_brings_the_text_back(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    _run(app, qtbot, "summarize", tiny_model)
    window.replace_input()
    # As a text editor holds it: a random model's carriage returns become line breaks.
    expected = window.result.answer_text.replace("\r\n", "\n").replace("\r", "\n")
    assert window.input.toPlainText() == expected.replace("\u2029", "\n")
    window.input.undo()
    assert window.input.toPlainText() == TEXT


def test_retry_repeats_the_last_request(app: HearthApp, qtbot: QtBot, tiny_model: Path) -> None:
    window = app.window
    _run(app, qtbot, "classify", tiny_model)
    window.input.setPlainText("something else entirely")
    with qtbot.waitSignal(window.answer_ready, timeout=180_000):
        window.answer_actions.retry_button.click()
    assert window._request is not None
    assert window._request.text == TEXT


def test_status_shows_model_backend_speed_route_and_confidence(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    _run(app, qtbot, "summarize", tiny_model)
    status = app.window.status
    assert "Hearth Test Tiny" in status.model_label.text()
    assert "CPU" in status.backend_label.text()
    assert "First token" in status.speed_label.text()
    assert "On this device" in status.route_label.text()
    assert "confidence" in status.route_label.text()
    assert not status.air_gapped_label.isVisible()


def test_air_gapped_is_shown_plainly(app: HearthApp) -> None:
    window = app.window
    window.apply_settings(window.current_settings().replace(air_gapped=True))
    assert window.status.air_gapped_label.isVisible()
    assert "Air-gapped" in window.status.air_gapped_label.text()
