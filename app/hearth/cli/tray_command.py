"""`hearth tray`: live in the system tray with the global hotkey that opens the popup.

It logs one line at start saying which hotkey was registered and through what (or why not).
`--autostart on|off` sets whether it starts at login (an XDG autostart entry on Linux) and
exits.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.display_check import check_display_libraries
from hearth.core.errors import HearthError


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "tray", help="live in the tray with the global hotkey"
    )
    parser.add_argument(
        "--autostart",
        choices=("on", "off"),
        help="start the tray at login (or not), then exit",
    )
    return parser


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    if args.autostart is not None:
        return _autostart(args.autostart == "on", context)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise HearthError("hearth tray needs a desktop session, and there is no display here.")
    check_display_libraries()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hearth.gui.desktop import autostart
    from hearth.gui.desktop.quick_session import QuickSession
    from hearth.gui.desktop.tray import TrayApp
    from hearth.gui.translations import install_translations

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Hearth")
    qt_app.setQuitOnLastWindowClosed(False)
    install_translations(qt_app)
    session = QuickSession(context.paths)
    autostart.sync(session.settings().start_in_tray)
    tray = TrayApp(session)
    try:
        tray.start()
        # Ctrl+C and SIGTERM end the tray cleanly (Qt's loop would not see them otherwise).
        signal.signal(signal.SIGINT, lambda *_: qt_app.quit())
        signal.signal(signal.SIGTERM, lambda *_: qt_app.quit())
        heartbeat = QTimer()
        heartbeat.start(250)  # lets Python run its signal handlers while Qt waits
        heartbeat.timeout.connect(lambda: None)
        qt_app.exec()
    finally:
        tray.shutdown()
        session.shutdown()
    return 0


def _autostart(enabled: bool, context: CommandContext) -> int:
    from hearth.gui.desktop import autostart

    settings = context.loaded.settings.replace(start_in_tray=enabled)
    context.store.save(settings)
    path = autostart.sync(enabled)
    if enabled:
        print(
            f"Hearth starts in the tray at login ({path})."
            if path
            else "Start at login is set; on this system the installer's option starts it."
        )
    else:
        print("Hearth no longer starts at login.")
    return 0
