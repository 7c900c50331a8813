"""`hearth gui` (and `hearth` alone): open the desktop app."""

from __future__ import annotations

import argparse
from typing import Any

from hearth.cli.context import CommandContext


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser("gui", help="open the desktop app")
    return parser


def run(args: argparse.Namespace, context: CommandContext) -> int:
    # Imported here: headless commands never load Qt.
    from hearth.gui.app import run_app

    return run_app()
