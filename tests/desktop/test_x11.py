"""Hearth on a real X server (Xvfb, Qt's xcb platform): the selection, Replace, the hotkey."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from hearth.gui.desktop.hotkeys.backend import HotkeyConflict
from hearth.gui.desktop.hotkeys.binding import Binding
from tests.desktop.apps import HERE, TargetApp, hearth, xclip_in, xclip_out

pytestmark = pytest.mark.slow


def test_quick_proofreads_the_primary_selection_another_client_owns(
    x_env: dict[str, str], with_model: Path
) -> None:
    xclip_in(x_env, "primary", b"Ths sentense has speling erors.")
    xclip_in(x_env, "clipboard", b"something else entirely")
    done = hearth(x_env, "quick", "--task", "proofread", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["selection_source"] == "primary"
    assert data["task"] == "rewrite"
    assert data["style"] == "proofread"
    assert data["source"] == "popup"
    assert isinstance(data["output"], str)
    assert "changes" in data


def test_with_no_primary_selection_the_clipboard_is_read_and_said(
    x_env: dict[str, str], with_model: Path
) -> None:
    xclip_in(x_env, "primary", b"")
    xclip_in(x_env, "clipboard", b"Copied text to summarize, long enough to be a text.")
    done = hearth(x_env, "quick", "--task", "summarize", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["selection_source"] == "clipboard"


def _replace(x_env: dict[str, str], window: int, text: str) -> subprocess.Popen[str]:
    """Runs one Replace in its own Qt process; it keeps serving the clipboard until closed."""
    helper = subprocess.Popen(
        [sys.executable, str(HERE / "replace_helper.py"), str(window), text],
        env=x_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert helper.stdout is not None
    outcome = json.loads(helper.stdout.readline())
    assert outcome == {"problem": None, "restored": True}
    return helper


def _close(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.close()
    process.wait(timeout=10)
    process.stdout.close()


def test_an_image_on_the_clipboard_survives_a_replace_byte_for_byte(
    x_env: dict[str, str], tmp_path: Path
) -> None:
    image = QImage(24, 16, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 40))
    png = tmp_path / "user.png"
    assert image.save(str(png))
    original = png.read_bytes()
    xclip_in(x_env, "clipboard", original, target="image/png")
    target = TargetApp(x_env, "helo wrld")
    try:
        helper = _replace(x_env, target.window, "hello world")
        assert target.next_text() == "hello world"  # the selection was replaced
        assert xclip_out(x_env, "clipboard", "image/png") == original
        _close(helper)
    finally:
        target.close()


def test_a_paste_under_a_russian_layout_inserts_the_answer_and_no_letters(
    x_env: dict[str, str], us_layout: None
) -> None:
    target = TargetApp(x_env, "old text")
    try:
        subprocess.run(["setxkbmap", "ru"], env=x_env, check=True)
        # The hard case: no key of this layout gives a Latin v (a plain Ctrl+V would not paste).
        probe = subprocess.run(
            [sys.executable, "-c", "from Xlib import XK\nfrom hearth.gui.desktop.x11_input import "
             "X11Input, current_group\nx = X11Input()\nprint(x._keycode_in_group(XK.XK_v, "
             "current_group(None)))"],
            env=x_env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert probe.stdout.strip() == "0"
        helper = _replace(x_env, target.window, "Привет, мир")
        assert target.next_text() == "Привет, мир"
        _close(helper)
    finally:
        target.close()


def test_the_x11_hotkey_fires_whatever_numlock_and_refuses_a_taken_combination(
    x_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hearth.gui.desktop.hotkeys.x11 import X11Hotkey

    monkeypatch.setenv("DISPLAY", x_env["DISPLAY"])
    pressed = threading.Semaphore(0)
    hotkey = X11Hotkey(Binding.parse("Ctrl+Shift+F9"))
    hotkey.start(pressed.release)
    try:
        subprocess.run(["xdotool", "key", "ctrl+shift+F9"], env=x_env, check=True)
        assert pressed.acquire(timeout=10)
        subprocess.run(["xdotool", "key", "Num_Lock", "Caps_Lock"], env=x_env, check=True)
        try:
            subprocess.run(["xdotool", "key", "ctrl+shift+F9"], env=x_env, check=True)
            assert pressed.acquire(timeout=10)
        finally:
            subprocess.run(["xdotool", "key", "Num_Lock", "Caps_Lock"], env=x_env, check=True)
        with pytest.raises(HotkeyConflict, match="already taken"):
            X11Hotkey(Binding.parse("Ctrl+Shift+F9")).start(lambda: None)
    finally:
        hotkey.stop()


def test_the_tray_hotkey_doctor_reports_opens_the_popup(
    x_env: dict[str, str], with_model: Path
) -> None:
    tray = subprocess.Popen(
        [sys.executable, "-m", "hearth", "tray"],
        env=x_env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert tray.stderr is not None
        first = tray.stderr.readline()
        assert first.strip() == (
            "hearth tray: hotkey Ctrl+Alt+Space registered through an X11 key grab"
        )
        assert "no system tray" in tray.stderr.readline()  # Xvfb has none: said once
        doctor = hearth(x_env, "doctor", "--json")
        hotkey = json.loads(doctor.stdout)["hotkey"]
        assert hotkey == {"binding": "Ctrl+Alt+Space", "backend": "x11", "registered": True}
        xclip_in(x_env, "primary", b"Text selected in another application.")
        keys = Binding.parse(hotkey["binding"]).xdotool_keys()
        subprocess.run(["xdotool", "key", keys], env=x_env, check=True)
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", "Hearth — writing tools"],
            env=x_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert found.stdout.strip(), "the popup did not open"
    finally:
        tray.send_signal(signal.SIGTERM)
        tray.wait(timeout=30)
        assert tray.stderr is not None
        tray.stderr.close()
    assert tray.returncode == 0
    # Gone with the tray: doctor no longer reports a registered hotkey.
    after = json.loads(hearth(x_env, "doctor", "--json").stdout)["hotkey"]
    assert after["registered"] is False


def test_the_popup_renders_on_xcb(x_env: dict[str, str], with_model: Path, tmp_path: Path) -> None:
    xclip_in(x_env, "primary", b"Thank you for you're message.")
    shot = tmp_path / "popup.png"
    done = hearth(x_env, "quick", "--task", "proofread", "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() == 520
    assert image.height() > 300
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20  # text, buttons and the diff's marks, not a blank window


def test_no_xcb_libraries_gives_one_error_line_not_a_qt_abort(
    x_env: dict[str, str],
) -> None:
    env = {**x_env, "HEARTH_XCB_LIBRARIES": "xcb-cursor-not-installed,xcb-icccm"}
    env.pop("QT_QPA_PLATFORM")
    done = hearth(env, "gui", timeout=60)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert "libxcb-cursor-not-installed" in lines[0]
    assert "sudo apt install" in lines[0]
    assert "sudo dnf install" in lines[0]
    assert "QT_QPA_PLATFORM=wayland" in lines[0]
    assert "qt.qpa" not in done.stderr
    assert os.environ.get("QT_QPA_PLATFORM") == "offscreen"
