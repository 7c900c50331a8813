"""`hearth quick`: the popup on the text selected in any application.

With --task it runs at once; --json prints the run contract (plus `selection_source`, primary
or clipboard) when the answer is done and exits; --replace puts the answer in place of the
selection; --screenshot renders the popup with its answer to a PNG and exits. Without them
the popup waits for the user. Bind it to a key in the desktop's settings where Hearth's own
hotkey cannot be registered (Wayland without the GlobalShortcuts portal).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.display_check import check_display_libraries
from hearth.core.errors import HearthError
from hearth.gui.desktop.quick_tasks import QUICK_TASKS, custom_task, resolve


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "quick", help="the writing-tools popup on the selected text"
    )
    parser.add_argument(
        "--task",
        help=f"run at once: {'|'.join(QUICK_TASKS)}, or rewrite|summarize with --style",
    )
    parser.add_argument("--style", help="with --task rewrite or summarize: the style")
    parser.add_argument("--instruction", help="a custom instruction (a rewrite)")
    parser.add_argument(
        "--replace", action="store_true", help="put the answer in place of the selection"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the answer as JSON when done and exit"
    )
    parser.add_argument(
        "--screenshot", metavar="FILE", type=Path, help="render the popup with its answer"
    )
    return parser


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    unattended = args.json or args.replace or args.screenshot is not None
    task = None
    if args.instruction and not args.task:
        task = custom_task(args.instruction)
    elif args.task or args.style or unattended:
        default = "rewrite" if args.style else "proofread"
        task = resolve(args.task or default, args.style, args.instruction)
    if args.screenshot is not None and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not _has_display():
        raise HearthError(
            "hearth quick works on the selection of a desktop session, and there is no display "
            "here. Use hearth run instead."
        )
    check_display_libraries()
    from hearth.gui.desktop.quick_app import QuickRun, run_quick

    return run_quick(
        QuickRun(task, replace=args.replace, json=args.json, screenshot=args.screenshot)
    )


def _has_display() -> bool:
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal"))
        or os.name == "nt"
        or os.uname().sysname == "Darwin"
    )
