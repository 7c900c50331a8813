"""Start the tray at login: an XDG autostart entry on Linux (~/.config/autostart).

Qt-free. Other platforms have no file Hearth can write on their behalf here: the installer's
"start at login" option (packaging/) covers them, and `sync` says so by returning False.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

FILE_NAME = "hearth-tray.desktop"


def autostart_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "autostart"


def tray_command() -> list[str]:
    """The command that starts the tray: the frozen app itself, or this Python's hearth."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "tray"]
    return [sys.executable, "-m", "hearth", "tray"]


def desktop_entry() -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Hearth",
            "Comment=Writing tools on the selected text of any application",
            f"Exec={shlex.join(tray_command())}",
            "Icon=hearth",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )


def sync(enabled: bool, environ: Mapping[str, str] | None = None) -> Path | None:
    """Make the autostart entry match the setting; the entry's path when there is one."""
    if not sys.platform.startswith("linux"):
        return None
    path = autostart_dir(environ) / FILE_NAME
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != desktop_entry():
            path.write_text(desktop_entry(), encoding="utf-8")
        return path
    if path.is_file():
        path.unlink()
    return None
