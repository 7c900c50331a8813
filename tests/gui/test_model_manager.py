"""The model manager: import, verify, use and remove, with the file work off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp


def test_import_verify_use_and_remove_a_model(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    dialog = app.window.open_models()
    assert dialog.table.rowCount() == 0
    assert not dialog.use_button.isEnabled()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000):
        dialog.import_file(tiny_model)
        assert not dialog.import_button.isEnabled()  # busy while the worker copies
    assert dialog.table.rowCount() == 1
    assert "Hearth Test Tiny" in dialog.table.item(0, 0).text()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000):
        dialog.verify_button.click()
    assert dialog.message.text().startswith("OK")
    dialog.use_button.click()
    chosen = app.window.current_settings().model
    assert chosen is not None
    assert Path(chosen).read_bytes() == tiny_model.read_bytes()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000):
        dialog.remove_button.click()
    assert dialog.table.rowCount() == 0
    dialog.close()


def test_importing_a_broken_file_says_why(app: HearthApp, qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 10)
    dialog = app.window.open_models()
    with qtbot.waitSignal(dialog.operation_failed, timeout=120_000):
        dialog.import_file(bad)
    assert "broken.gguf" in dialog.message.text()
    assert dialog.table.rowCount() == 0
    assert dialog.import_button.isEnabled()
    dialog.close()
