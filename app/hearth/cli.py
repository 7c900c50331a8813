"""The `hearth` command: the desktop app with no subcommand, the headless face otherwise.

Errors end as one `error: ...` line on stderr and the exit status of design.md's contract;
a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import HOST_SUBCOMMAND, host_command
from hearth.core.errors import Cancelled, CloudError, HearthError, UsageError
from hearth.core.models.locate import resolve_model
from hearth.core.paths import Paths
from hearth.core.settings import LoadedSettings, SettingsStore
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.runner import TaskRunner, text_only
from hearth.core.version import app_version

EXIT_CANCELLED = 130


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through Hearth's one error path."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hearth", description="Private text work with a local model.")
    parser.add_argument("--version", action="version", version=f"hearth {app_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    run = sub.add_parser("run", help="run one task headless")
    run.add_argument("task", choices=sorted(task_catalog()))
    run.add_argument("--input", default="-", help="text file to work on, or - for stdin")
    run.add_argument("--model", help="a .gguf path (default: the model in settings)")
    run.add_argument("--style", help="summarize: summary | key-points | list | table")
    run.add_argument("--cloud", choices=["never", "ask", "auto", "always"], default=None)
    run.add_argument("--offline", action="store_true", help="air-gapped for this run")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    doctor = sub.add_parser("doctor", help="show paths, hardware, backends and settings")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [HOST_SUBCOMMAND]:
        # The engine host: the only place llama.cpp is loaded. Kept out of the parser so it
        # stays hidden, and imported late so the app process never loads llama_cpp.
        import importlib

        return int(importlib.import_module("hearth.core.engine.host").main())
    debug = "--debug" in args_list
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except HearthError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except (Cancelled, KeyboardInterrupt):
        print("error: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # noqa: BLE001 - the last funnel: no traceback for users
        if debug:
            traceback.print_exc()
        print(
            f"error: unexpected internal error ({type(exc).__name__}: {exc}). "
            "Run again with --debug for details and report it.",
            file=sys.stderr,
        )
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None or args.command == "gui":
        from hearth.gui.app import run_app

        return run_app()
    paths = Paths.from_environment()
    loaded = SettingsStore(paths.settings_file).load()
    for problem in loaded.problems:
        print(f"warning: {problem}", file=sys.stderr)
    with EngineClient(host_command(), log_dir=paths.log_dir) as engine:
        if args.command == "doctor":
            return _doctor(paths, loaded, engine, as_json=args.json)
        if args.command == "run":
            return _run(args, loaded, engine)
    raise UsageError(f"unknown command {args.command}")


def _read_input(spec: str) -> str:
    if spec == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("No text given: pass --input FILE, or pipe text into hearth.")
        return sys.stdin.read()
    path = Path(spec)
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise UsageError(f"Input file {path} does not exist.") from None
    except IsADirectoryError:
        raise UsageError(f"Input {path} is a folder; give a text file.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read input file {path}: {exc.strerror}.") from None


def _run(args: argparse.Namespace, loaded: LoadedSettings, engine: EngineClient) -> int:
    task = task_catalog()[args.task]
    settings = loaded.settings
    if args.offline:
        settings = settings.replace(air_gapped=True)
    cloud = args.cloud or settings.cloud_policy
    if cloud == "always":
        raise CloudError(
            "--cloud always needs a cloud provider, and none is set up. Use --cloud never "
            "to answer on this device."
        )
    options = {"style": args.style} if args.style else {}
    model_path = resolve_model(args.model or settings.model)
    text = _read_input(args.input)
    cancel = CancelToken()
    stream_to: TextIO | None = None if args.json else sys.stdout

    def write(piece: str) -> None:
        if stream_to is not None:
            stream_to.write(piece)
            stream_to.flush()

    try:
        outcome = TaskRunner(engine).run(
            task, text, options, model_path, settings, on_event=text_only(write), cancel=cancel
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    if args.json:
        _print_json(outcome.to_json())
    else:
        write("\n")
    return 0


def _doctor(paths: Paths, loaded: LoadedSettings, engine: EngineClient, *, as_json: bool) -> int:
    from hearth.core.doctor import doctor_report

    report = doctor_report(paths, loaded, engine)
    if as_json:
        _print_json(report)
        return 0
    gib = 1024**3
    engine_info = report["engine"]
    lines = [
        f"Hearth {report['hearth']} on Python {report['python']} ({report['platform']})",
        "",
        "Paths:",
        *(f"  {name:<14} {value}" for name, value in report["paths"].items()),
        "",
        f"CPU: {report['cpu']['physical_cores']} physical / {report['cpu']['logical_cores']} "
        f"logical cores; default threads {report['default_threads']}",
        f"Memory: {report['memory']['total_bytes'] / gib:.1f} GiB total, "
        f"{report['memory']['available_bytes'] / gib:.1f} GiB available",
    ]
    if engine_info["ok"]:
        lines += [
            f"CPU features: {' '.join(report['cpu'].get('features', [])) or 'none reported'}",
            f"Engine: llama-cpp-python {engine_info['llama_cpp_version']}; backends "
            f"{', '.join(engine_info['backends'])}; GPU offload "
            f"{'supported' if engine_info['supports_gpu_offload'] else 'not supported'}",
        ]
    else:
        lines.append(f"Engine: NOT WORKING - {engine_info['error']}")
    lines += [
        f"Engine log: {report['engine_log']}",
        "",
        "Settings:",
        *(f"  {k:<14} {v}" for k, v in report["settings"].items()),
    ]
    print("\n".join(lines))
    return 0


def _print_json(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
