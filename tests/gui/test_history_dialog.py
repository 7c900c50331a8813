"""History through the window: a finished run is recorded, reopened, and cleared on request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp
from hearth.gui.history_dialog import HistoryDialog

TEXT = "The budget numbers for March do not match the sheet.\nPlease check them. " * 2


def run_summary(app: HearthApp, qtbot: QtBot, tiny_model: Path) -> None:
    window = app.window
    window.use_model(tiny_model)
    window.set_task("summarize")
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(window.answer_ready, timeout=180_000):
        window.run_task()


def test_a_run_is_kept_reopened_and_cleared(app: HearthApp, qtbot: QtBot, tiny_model: Path) -> None:
    window = app.window
    run_summary(app, qtbot, tiny_model)
    answer = window.result.answer_text
    style_box = window.style_box
    assert style_box is not None
    style_box.setCurrentIndex(style_box.findData("table"))  # changed since the run
    window.set_task("classify")
    window.input.setPlainText("something else")

    dialog = window.open_history()
    assert isinstance(dialog, HistoryDialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "Summarize"
    assert dialog.table.item(0, 3).text() == "On this device"
    assert "March" in dialog.preview.toPlainText()
    with qtbot.waitSignal(dialog.reopen_requested):
        dialog.reopen_button.click()
    assert window.current_task() == "summarize"
    assert window.input.toPlainText() == TEXT
    assert window.result.answer_text == answer
    # The option widgets show what the reopened request ran with, which Retry runs again.
    assert window.options_panel.options("summarize") == {"style": "summary"}
    assert window.answer_actions.copy_button.isEnabled()

    dialog = window.open_history()
    box = dialog.ask_clear()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.table.rowCount() == 1  # cancelled: nothing deleted
    box = dialog.ask_clear()
    with qtbot.waitSignal(dialog.cleared):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert dialog.table.rowCount() == 0
    assert app.history.recent() == []
    dialog.close()


def test_nothing_is_kept_with_history_off(app: HearthApp, qtbot: QtBot, tiny_model: Path) -> None:
    app.window.apply_settings(app.window.current_settings().replace(keep_history=False))
    run_summary(app, qtbot, tiny_model)
    assert app.history.recent() == []
    dialog = app.window.open_history()
    assert "History is off" in dialog.note.text()
    assert not dialog.reopen_button.isEnabled()
    dialog.close()
