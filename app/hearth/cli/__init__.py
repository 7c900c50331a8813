"""The `hearth` command: the desktop app with no subcommand, the headless face otherwise.

Each subcommand is a module of this package exposing `add_parser(subparsers)` and
`run(args, context) -> int`. Errors end as one `error: ...` line on stderr with the exit status
of design.md's contract; a traceback only with --debug.
"""

from __future__ import annotations

# ruff: noqa: E402  (the interrupt handler goes in before the imports that take time)
import os
import signal
import sys
import threading


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    """Ctrl+C before `main` is running (while Python imports Hearth): no traceback."""
    sys.stderr.write("error: cancelled\n")
    os._exit(130)


# First, before the imports below take their tenth of a second. `main` puts Python's own
# handler back (KeyboardInterrupt, which it turns into a clean cancel).
if (
    threading.current_thread() is threading.main_thread()
    and signal.getsignal(signal.SIGINT) is signal.default_int_handler
):
    signal.signal(signal.SIGINT, _interrupted_while_starting)

import argparse
import codecs
import contextlib
import errno
import importlib
import logging
import traceback
from collections.abc import Sequence
from types import ModuleType

from hearth import crash_log
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


EXIT_BROKEN_PIPE = 128 + 13  # what a shell shows for a tool ended by SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    if signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HOST_SUBCOMMAND]:
        # The engine host: the only place llama.cpp is loaded. Kept out of the parser so it
        # stays hidden, and imported late so the app process never loads llama_cpp.
        return int(importlib.import_module("hearth.core.engine.host").main())
    _tolerate_narrow_encodings()
    debug = "--debug" in args_list
    try:
        # Here, not at the top: it imports the whole assistant (a fifth of a second), which
        # the engine host above never uses; inside the try, so Ctrl+C meanwhile is a cancel.
        from hearth.cli.context import CommandContext

        modules = _command_modules(args_list)
        parser = build_parser(modules)
        args = parser.parse_args(args_list)
        if args.command is None:  # `hearth` alone: the app, with the gui command's defaults
            args = parser.parse_args([*args_list, "gui"])
        name = args.command
        with CommandContext.create() as context:
            code = int(modules[name].run(args, context))
        # Inside the funnel: a full disk or a closed pipe shows up at this last flush.
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        # `hearth ... | head`: the reader has all it wanted. Quiet, like other Unix tools.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if not _is_output_error(exc):
            raise _unexpected(exc, args_list, debug) from None
        _silence_stdout()
        print(
            f"error: could not write the output ({exc.strerror or exc}); the disk or "
            "device it goes to may be full. Free some space or send it elsewhere.",
            file=sys.stderr,
        )
        return 1
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
    except _Reported as reported:
        return reported.code
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


class _Reported(Exception):
    """An unexpected error already reported on stderr; carries the exit status."""

    def __init__(self, code: int) -> None:
        self.code = code


def _unexpected(exc: BaseException, args_list: Sequence[str], debug: bool) -> _Reported:
    if debug:
        traceback.print_exception(exc)
    log = crash_log.log_path()
    if log is not None:
        logging.getLogger("hearth").error("unexpected error running %s: %s", args_list, exc)
    where = f"Details are in {log}." if log else "Run again with --debug for details."
    print(
        f"error: unexpected internal error ({type(exc).__name__}: {exc}). {where} "
        "Please report it.",
        file=sys.stderr,
    )
    return _Reported(1)


def _is_output_error(exc: OSError) -> bool:
    """Writing stdout failed: the disk behind it is full, or the device failed."""
    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush of what is still
    buffered cannot fail again (and print its own complaint) on the way out."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """\\uXXXX for what the encoding cannot hold: valid inside a --json string, and
    readable in plain text."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped: list[str] = []
    for char in error.object[error.start : error.end]:
        units = char.encode("utf-16-be")
        escaped.extend(
            f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)
        )
    return "".join(escaped), error.end


_JSON_ESCAPE = "hearth-json-escape"
codecs.register_error(_JSON_ESCAPE, _json_escape)


def _tolerate_narrow_encodings() -> None:
    """PYTHONIOENCODING=ascii (or a Latin-1 terminal) cannot show every character a model
    writes: show those as escapes instead of failing on them; and read piped text as UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=_JSON_ESCAPE)
    # Piped text is read as UTF-8, as input files are, whatever PYTHONIOENCODING says.
    stdin = sys.stdin
    reconfigure = getattr(stdin, "reconfigure", None)
    if reconfigure is not None and not stdin.isatty():
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding="utf-8", errors="replace")
