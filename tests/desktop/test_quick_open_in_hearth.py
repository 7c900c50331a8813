"""`hearth quick` on Xvfb: "Open in Hearth" (Alt+O) opens the desktop window in the same
process, which ends cleanly when the window is closed (Ctrl+Q).

That the process stays because of the window (and not only while it winds down) is checked
deterministically in tests/gui/test_shared_engine.py (the popup closes with the window open,
and the session reports the window's close); here it is only a poll, which could pass early.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.apps import xclip_in

pytestmark = pytest.mark.slow


def _find(env: dict[str, str], name: str) -> str:
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", name],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return found.stdout.strip().splitlines()[0]


def test_open_in_hearth_keeps_hearth_quick_running_with_the_window(
    x_env: dict[str, str], with_model: Path
) -> None:
    xclip_in(x_env, "primary", b"Text selected in another application.")
    quick = subprocess.Popen(
        [sys.executable, "-m", "hearth", "quick"],
        env=x_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        popup = _find(x_env, "Hearth — writing tools")
        subprocess.run(["xdotool", "key", "--window", popup, "alt+o"], env=x_env, check=True)
        _find(x_env, "^Hearth$")  # the desktop window, which took the focus
        assert quick.poll() is None
        subprocess.run(["xdotool", "key", "ctrl+q"], env=x_env, check=True)
        assert quick.wait(timeout=60) == 0
    finally:
        if quick.poll() is None:
            quick.kill()
            quick.wait()
        assert quick.stderr is not None
        errors = quick.stderr.read()
        quick.stderr.close()
    assert "Traceback" not in errors
