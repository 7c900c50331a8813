"""The settings' Desktop page: the hotkey (refused when it is not one, or when another
application holds it), start in the tray at login (the XDG autostart entry written and
removed), and the order of the popup's tasks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from hearth.core.cloud.keys import KeyStore
from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.gui.app import HearthApp
from hearth.gui.desktop import autostart
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.quick_tasks import DEFAULT_ORDER, ordered
from hearth.gui.settings_dialog import SettingsDialog


def dialog_with(qtbot: QtBot, taken: set[str] | None = None) -> tuple[SettingsDialog, list[str]]:
    """A dialog whose hotkey check says the bindings in `taken` belong to someone else."""
    checked: list[str] = []

    def check(binding: Binding) -> str | None:
        checked.append(str(binding))
        if taken and str(binding) in taken:
            return f"{binding} is already taken by another application."
        return None

    dialog = SettingsDialog(Settings(), KeyStore(), hotkey_check=check)
    qtbot.addWidget(dialog)
    return dialog, checked


def test_an_invalid_hotkey_is_refused_with_what_to_write(qtbot: QtBot) -> None:
    dialog, checked = dialog_with(qtbot)
    dialog.show()
    dialog.hotkey.setText("Ctrl+Alt+")
    assert "write it like Ctrl+Alt+Space" in dialog.hotkey_note.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.isVisible()
    assert "write it like Ctrl+Alt+Space" in dialog.problem.text()
    dialog.hotkey.setText("Q")
    assert "needs a modifier" in dialog.hotkey_note.text()
    with pytest.raises(ValueError, match="needs a modifier"):
        dialog.settings()
    assert checked == []  # nothing to register


def test_a_valid_hotkey_is_saved_in_its_usual_spelling_after_the_check(qtbot: QtBot) -> None:
    dialog, checked = dialog_with(qtbot)
    dialog.hotkey.setText("control-shift-h")
    assert "Press Ctrl+Shift+H" in dialog.hotkey_note.text()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.settings().hotkey == "Ctrl+Shift+H"
    assert checked == ["Ctrl+Shift+H"]


def test_a_hotkey_another_application_holds_is_refused_and_said(qtbot: QtBot) -> None:
    dialog, checked = dialog_with(qtbot, taken={"Ctrl+Alt+K"})
    dialog.show()
    dialog.hotkey.setText("Ctrl+Alt+K")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "already taken by another application" in dialog.problem.text()
    dialog.hotkey.setText("Ctrl+Alt+J")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert checked == ["Ctrl+Alt+K", "Ctrl+Alt+J"]


def test_the_unchanged_hotkey_is_not_checked_again(qtbot: QtBot) -> None:
    # It is the one the tray holds now: registering it again would find it taken, by Hearth.
    dialog, checked = dialog_with(qtbot, taken={"Ctrl+Alt+Space"})
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert checked == []


def test_the_popup_tasks_are_reordered_from_the_keyboard(qtbot: QtBot) -> None:
    dialog, _ = dialog_with(qtbot)
    assert dialog.popup_task_order() == list(DEFAULT_ORDER)
    assert dialog.settings().popup_tasks == ()  # untouched: the default order, not a copy
    dialog.popup_tasks.setCurrentRow(DEFAULT_ORDER.index("summarize"))
    for _ in DEFAULT_ORDER:
        dialog.task_up.click()  # stops at the top
    assert dialog.popup_tasks.currentRow() == 0
    dialog.task_down.click()
    dialog.task_up.click()
    order = dialog.settings().popup_tasks
    assert order[0] == "summarize"
    assert sorted(order) == sorted(DEFAULT_ORDER)
    assert [q.key for q in ordered(order)][:2] == ["summarize", "proofread"]
    assert dialog.popup_tasks.item(0).text() == "Summarize"  # type: ignore[union-attr]


def test_start_in_tray_writes_and_removes_the_autostart_entry(
    qtbot: QtBot, hearth_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    entry = tmp_path / "config-home" / "autostart" / autostart.FILE_NAME
    app = HearthApp(Paths.from_environment())
    qtbot.addWidget(app.window)
    try:
        dialog = app.window.open_settings()
        assert not dialog.start_in_tray.isChecked()
        dialog.start_in_tray.setChecked(True)
        dialog.accept()
        assert entry.is_file()
        text = entry.read_text(encoding="utf-8")
        assert "Exec=" in text
        assert text.rstrip().endswith("X-GNOME-Autostart-enabled=true")
        assert " tray" in text
        saved = SettingsStore(Paths.from_environment().settings_file).load().settings
        assert saved.start_in_tray

        again = app.window.open_settings()
        assert again.start_in_tray.isChecked()
        again.start_in_tray.setChecked(False)
        again.accept()
        assert not entry.exists()
    finally:
        app.shutdown()
