"""The tray (in this process, its hotkey on Xvfb through the real X11 backend) registers a
hotkey changed in the settings at once, and lets go of the old one; its window is built on the
tray's engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.paths import Paths
from hearth.gui.desktop.hotkeys import BACKEND_ENV
from hearth.gui.desktop.hotkeys.backend import HotkeyConflict
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.hotkeys.status_file import running_tray_status, status_path
from hearth.gui.desktop.hotkeys.x11 import X11Hotkey
from hearth.gui.desktop.quick_session import QuickSession
from hearth.gui.desktop.tray import TrayApp

pytestmark = [
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("This plugin does not support raise"),
]


@pytest.fixture
def tray(
    x_env: dict[str, str], hearth_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TrayApp]:
    monkeypatch.setenv("DISPLAY", x_env["DISPLAY"])
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv(BACKEND_ENV, "x11")
    session = QuickSession(Paths.from_environment())
    said: list[str] = []
    app = TrayApp(session, say=said.append)
    app.start()
    yield app
    app.shutdown()
    session.shutdown()


def _held_by_someone(binding: str) -> bool:
    other = X11Hotkey(Binding.parse(binding))
    try:
        other.start(lambda: None)
    except HotkeyConflict:
        return True
    other.stop()
    return False


def test_a_hotkey_changed_in_the_settings_is_registered_in_place_of_the_old_one(
    tray: TrayApp, qtbot: QtBot
) -> None:
    assert tray.status.registered
    assert tray.status.binding == "Ctrl+Alt+Space"
    assert _held_by_someone("Ctrl+Alt+Space")

    tray.session.open_in_hearth("")  # "Settings…" opens the window's settings
    window = tray.session.window
    assert window is not None
    qtbot.addWidget(window)
    assert tray.session.app is not None
    assert tray.session.app.engine is tray.session.engine  # the tray's one engine
    dialog = window.open_settings()
    dialog.hotkey.setText("ctrl+shift+F12")
    dialog.accept()

    assert tray.status.registered
    assert tray.status.binding == "Ctrl+Shift+F12"
    assert _held_by_someone("Ctrl+Shift+F12")
    assert not _held_by_someone("Ctrl+Alt+Space")  # let go
    running = running_tray_status(status_path(tray.session.paths.data_dir))
    assert running is not None
    assert running["binding"] == "Ctrl+Shift+F12"  # what hearth doctor reports
    window.close()
