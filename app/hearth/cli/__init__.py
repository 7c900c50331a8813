"""The `hearth` command: the desktop app with no subcommand, the headless face otherwise.

Each subcommand is a module of this package exposing `add_parser(subparsers)` and
`run(args, context) -> int`. Errors end as one `error: ...` line on stderr with the exit status
of design.md's contract; a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from hearth import crash_log
from hearth.cli.context import CommandContext
from hearth.cli.parser import Parser
from hearth.core.engine.launcher import HOST_SUBCOMMAND
from hearth.core.errors import Cancelled, HearthError
from hearth.core.version import app_version

EXIT_CANCELLED = 130

# Subcommand name -> module under hearth.cli. One line here per command.
COMMANDS: dict[str, str] = {
    "run": "hearth.cli.run_command",
    "doctor": "hearth.cli.doctor_command",
    "gui": "hearth.cli.gui_command",
    "cloud": "hearth.cli.cloud_command",
    "ledger": "hearth.cli.ledger_command",
    "calibrate": "hearth.cli.calibrate_command",
    "eval": "hearth.cli.eval_command",
    "models": "hearth.cli.models_command",
    "bench": "hearth.cli.bench_command",
    "quick": "hearth.cli.quick_command",
    "tray": "hearth.cli.tray_command",
    "serve": "hearth.cli.serve_command",
    "text": "hearth.cli.text_command",
}


def _requested(args: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any."""
    for arg in args:
        if arg == "--":
            break
        if not arg.startswith("-"):
            return arg
    return None


def _command_modules(args: Sequence[str]) -> dict[str, ModuleType]:
    """Import only the command being run: all of them together (httpx, huggingface_hub,
    jsonschema, Qt…) would add most of a second to every command. Help and unknown commands
    import them all, so that every command is listed."""
    requested = _requested(args)
    if requested in COMMANDS:
        names = [requested]
    elif requested is None and not {"-h", "--help"} & set(args):
        names = ["gui"]  # `hearth` alone opens the app
    else:
        names = list(COMMANDS)
    return {name: importlib.import_module(COMMANDS[name]) for name in names}


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = Parser(prog="hearth", description="Private text work with a local model.")
    parser.add_argument("--version", action="version", version=f"hearth {app_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in modules.values():
        command_parser = module.add_parser(sub)
        command_parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HOST_SUBCOMMAND]:
        # The engine host: the only place llama.cpp is loaded. Kept out of the parser so it
        # stays hidden, and imported late so the app process never loads llama_cpp.
        return int(importlib.import_module("hearth.core.engine.host").main())
    debug = "--debug" in args_list
    try:
        modules = _command_modules(args_list)
        parser = build_parser(modules)
        args = parser.parse_args(args_list)
        if args.command is None:  # `hearth` alone: the app, with the gui command's defaults
            args = parser.parse_args([*args_list, "gui"])
        name = args.command
        with CommandContext.create() as context:
            return int(modules[name].run(args, context))
    except HearthError as exc:
        if debug:
            traceback.print_exc()
        if crash_log.log_path() is not None:
            logging.getLogger("hearth").warning("%s: %s", " ".join(args_list), exc.message)
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except (Cancelled, KeyboardInterrupt):
        print("error: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the last funnel: no traceback for users
        if debug:
            traceback.print_exc()
        log = crash_log.log_path()  # set when the app installed its log (the frozen app)
        if log is not None:
            logging.getLogger("hearth").exception("unexpected error running %s", args_list)
        where = f"Details are in {log}." if log else "Run again with --debug for details."
        print(
            f"error: unexpected internal error ({type(exc).__name__}: {exc}). {where} "
            "Please report it.",
            file=sys.stderr,
        )
        return 1
