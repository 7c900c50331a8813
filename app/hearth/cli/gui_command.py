"""`hearth gui` (and `hearth` alone): open the desktop app, or render it to a PNG."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hearth import crash_log
from hearth.cli.context import CommandContext
from hearth.cli.display_check import check_display_libraries


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser("gui", help="open the desktop app")
    parser.add_argument(
        "--screenshot",
        metavar="FILE",
        type=Path,
        help="render the window offscreen to this PNG file and exit",
    )
    parser.add_argument("--task", help="screenshot: the task to show (summarize, rewrite, …)")
    parser.add_argument("--text", metavar="FILE", type=Path, help="screenshot: the input text")
    parser.add_argument(
        "--run",
        action="store_true",
        help="screenshot: run the task with the model in settings and show its answer",
    )
    return parser


def run(args: argparse.Namespace, context: CommandContext) -> int:
    if args.screenshot is None:
        if args.task or args.text or args.run:
            print("error: --task, --text and --run go with --screenshot FILE", file=sys.stderr)
            return 2
        # Before Qt is imported: a missing xcb library would abort the process inside Qt.
        check_display_libraries()
        # The app's log: worker errors are logged there with their traceback before the
        # window reports them, and an uncaught exception ends up there too.
        if crash_log.log_path() is None:
            crash_log.install(context.paths.log_dir)
        # Imported here: headless commands never load Qt.
        from hearth.gui.app import run_app

        return run_app()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from hearth.gui.app import screenshot_app

    problem = screenshot_app(
        args.screenshot, task=args.task, text_file=args.text, run_task=args.run
    )
    if problem is not None:
        print(f"warning: {problem}", file=sys.stderr)
    print(args.screenshot)
    return 0
