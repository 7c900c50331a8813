"""The Wayland hotkey path against a fake GlobalShortcuts portal on a private session bus."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest

from hearth.gui.desktop.hotkeys.backend import HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.hotkeys.portal import SHORTCUT_ID, PortalHotkey
from tests.desktop.fake_portal import FakePortal


@pytest.fixture
def session_bus() -> Iterator[str]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("needs dbus-daemon (see .ci/run)")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address", "--nofork"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stdout.close()


def test_the_portal_binds_the_shortcut_and_its_activation_calls_back(session_bus: str) -> None:
    portal = FakePortal(session_bus)
    pressed = threading.Event()
    hotkey = PortalHotkey(Binding.parse("Ctrl+Alt+Space"), bus_address=session_bus)
    try:
        hotkey.start(pressed.set)
        assert [sid for sid, _ in portal.bound] == [SHORTCUT_ID]
        props = portal.bound[0][1]
        assert props["preferred_trigger"] == ("s", "CTRL+ALT+space")
        assert hotkey.trigger == "Ctrl+Alt+Space"  # what the desktop said it assigned

        portal.press("someone-else")  # another shortcut of the session: not ours
        portal.press(SHORTCUT_ID, session="/org/freedesktop/portal/desktop/session/x/other")
        assert not pressed.wait(0.5)
        portal.press(SHORTCUT_ID)
        assert pressed.wait(10)
    finally:
        hotkey.stop()
        portal.stop()
    assert portal.closed == portal.sessions  # the session is closed on stop


def test_a_declined_shortcut_says_how_to_bind_the_command_instead(session_bus: str) -> None:
    portal = FakePortal(session_bus, decline=True)
    try:
        with pytest.raises(HotkeyUnavailable, match="hearth quick"):
            PortalHotkey(Binding.parse("Ctrl+Alt+Space"), bus_address=session_bus).start(
                lambda: None
            )
    finally:
        portal.stop()


def test_a_desktop_without_the_portal_offers_the_fallback_command(session_bus: str) -> None:
    hotkey = PortalHotkey(Binding.parse("Ctrl+Alt+Space"), bus_address=session_bus)
    with pytest.raises(HotkeyUnavailable, match=r"no global shortcuts portal.*'hearth quick'"):
        hotkey.start(lambda: None)
