"""How to start the engine host: from this very executable, frozen or not."""

from __future__ import annotations

import sys

HOST_SUBCOMMAND = "engine-host"


def host_command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller bundle: the executable is Hearth itself
        return [sys.executable, HOST_SUBCOMMAND]
    return [sys.executable, "-m", "hearth", HOST_SUBCOMMAND]
