"""A real X server (Xvfb) for the desktop tests, and helpers to run Hearth against it.

The session fixture starts Xvfb on a free display; the tests run Hearth, a target application
and the X tools (xclip, xdotool, setxkbmap) as subprocesses on it with QT_QPA_PLATFORM=xcb,
so the rest of the suite stays offscreen. Skipped where Xvfb or the tools are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TOOLS = ("Xvfb", "xdotool", "xclip", "setxkbmap")


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing or not sys.platform.startswith("linux"):
        pytest.skip(f"needs {', '.join(missing) or 'Linux'} (see .ci/run)")
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display itself and writes its number when it is ready.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def x_env(x_display: str, hearth_home: Path) -> dict[str, str]:
    """The environment of a subprocess on the X server, with the xcb platform."""
    env = dict(os.environ)
    env.update(DISPLAY=x_display, QT_QPA_PLATFORM="xcb", HEARTH_HOME=str(hearth_home))
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("HEARTH_HOTKEY_BACKEND", None)
    return env


@pytest.fixture
def us_layout(x_env: dict[str, str]) -> Iterator[None]:
    """Puts the US layout back after a test that changes it."""
    yield
    subprocess.run(["setxkbmap", "us"], env=x_env, check=True)


@pytest.fixture
def with_model(hearth_home: Path, tiny_model: Path) -> Path:
    """Settings that name the generated model, as a user's would."""
    config = hearth_home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"model": str(tiny_model)}))
    return tiny_model
