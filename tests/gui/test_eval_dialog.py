"""Tools ▸ Evaluate: the window's classifier measured on a labelled file, in a separate process,
shown as the table and picture of `hearth eval classify`."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp
from hearth.gui.eval_dialog import eval_command

TEXTS = {
    "spam": ["WIN a free cruise now!!!", "Cheap pills, click here", "You are our lucky winner"],
    "ham": ["Dinner at 7?", "The meeting moved to Monday.", "Can you send the report?"],
}


def test_the_menu_evaluates_a_labelled_file_and_shows_every_mode(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "spam.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": TEXTS[label][i % 3], "label": label}) + "\n"
            for i, label in enumerate(["spam", "ham"] * 6)
        )
    )
    window = app.window
    window.use_model(tiny_model)
    titles = [action.text() for action in window.tools_menu.actions()]
    assert "&Evaluate…" in titles
    dialog = window.open_eval()
    dialog.path.setText(str(data))
    with qtbot.waitSignal(dialog.finished_report, timeout=180_000) as finished:
        dialog.run_button.click()
    report = finished.args[0]
    assert report["rows"] == 12
    assert dialog.table.rowCount() == 3
    assert [dialog.table.item(r, 0).text() for r in range(3)] == ["none", "batch", "contextual"]
    assert float(dialog.table.item(0, 1).text()) == round(report["modes"][0]["accuracy"], 3)
    assert dialog.picture.pixmap() is not None
    assert not dialog.picture.pixmap().isNull()
    assert "12 examples" in dialog.status.text()
    dialog.close()


def test_bad_data_is_the_error_line_of_hearth_eval(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"text": "a", "label": "spam"}) + "\n")
    window = app.window
    window.use_model(tiny_model)
    dialog = window.open_eval()
    dialog.path.setText(str(data))
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        dialog.run_button.click()
    assert "1 usable row" in failed.args[0]
    assert "1 usable row" in dialog.status.text()
    assert dialog.run_button.isEnabled()
    dialog.close()


def test_the_command_is_hearth_eval_with_the_settings_model(tmp_path: Path) -> None:
    command = eval_command(tmp_path / "d.jsonl", "/m/x.gguf", tmp_path / "out")
    assert command[-9:] == [
        "eval", "classify", "--data", str(tmp_path / "d.jsonl"), "--json",
        "--model", "/m/x.gguf", "--out", str(tmp_path / "out"),
    ]  # fmt: skip
