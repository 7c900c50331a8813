"""The settings dialog asks the real X11 backend whether a new hotkey is free (Xvfb).

Another X client holds a combination: the dialog refuses it and says so; a free one is
saved; the one the running tray holds is Hearth's own, not a conflict.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from hearth.core.cloud.keys import KeyStore
from hearth.core.paths import Paths
from hearth.core.settings import Settings
from hearth.gui.desktop.hotkeys import BACKEND_ENV
from hearth.gui.desktop.hotkeys.backend import HotkeyStatus
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.hotkeys.probe import probe
from hearth.gui.desktop.hotkeys.status_file import status_path, write_status
from hearth.gui.desktop.hotkeys.x11 import X11Hotkey
from hearth.gui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.slow

TAKEN = "Ctrl+Shift+F10"


@pytest.fixture
def other_client(x_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[X11Hotkey]:
    """Another X client grabs TAKEN; the dialog (offscreen Qt) probes the same X server."""
    monkeypatch.setenv("DISPLAY", x_env["DISPLAY"])
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv(BACKEND_ENV, "x11")
    holder = X11Hotkey(Binding.parse(TAKEN), x_env["DISPLAY"])
    holder.start(lambda: None)
    yield holder
    holder.stop()


def test_the_dialog_refuses_a_hotkey_another_x_client_holds(
    other_client: X11Hotkey, qtbot: QtBot, hearth_home: Path
) -> None:
    dialog = SettingsDialog(Settings(), KeyStore())  # the real check: the X11 backend
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.hotkey.setText(TAKEN.lower())
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.isVisible()
    assert f"{TAKEN} is already taken by another application" in dialog.problem.text()

    dialog.hotkey.setText("Ctrl+Shift+F11")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.settings().hotkey == "Ctrl+Shift+F11"
    # The probe let go of what it grabbed: another client can take it now.
    after = X11Hotkey(Binding.parse("Ctrl+Shift+F11"), os.environ["DISPLAY"])
    after.start(lambda: None)
    after.stop()


def test_the_binding_the_running_tray_holds_is_not_a_conflict(
    other_client: X11Hotkey, hearth_home: Path
) -> None:
    data_dir = Paths.from_environment().data_dir
    assert probe(Binding.parse(TAKEN), data_dir) is not None  # someone else's
    # This process plays the tray that registered it (the status file names its pid).
    write_status(status_path(data_dir), HotkeyStatus(TAKEN, "x11", True))
    assert probe(Binding.parse(TAKEN), data_dir) is None
