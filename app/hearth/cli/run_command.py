"""`hearth run TASK`: one task, headless, streamed to stdout or as one JSON object."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.cancel import CancelToken
from hearth.core.errors import CloudError, UsageError
from hearth.core.models.locate import resolve_model
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.runner import TaskRunner, text_only


def add_parser(sub: Any) -> argparse.ArgumentParser:
    run: argparse.ArgumentParser = sub.add_parser("run", help="run one task headless")
    run.add_argument("task", choices=sorted(task_catalog()))
    run.add_argument("--input", default="-", help="text file to work on, or - for stdin")
    run.add_argument("--model", help="a .gguf path (default: the model in settings)")
    run.add_argument("--style", help="summarize: summary | key-points | list | table")
    run.add_argument("--cloud", choices=["never", "ask", "auto", "always"], default=None)
    run.add_argument("--offline", action="store_true", help="air-gapped for this run")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    return run


def read_input(spec: str) -> str:
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


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    task = task_catalog()[args.task]
    settings = context.loaded.settings
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
    text = read_input(args.input)
    cancel = CancelToken()
    stream_to: TextIO | None = None if args.json else sys.stdout

    def write(piece: str) -> None:
        if stream_to is not None:
            stream_to.write(piece)
            stream_to.flush()

    try:
        outcome = TaskRunner(context.engine).run(
            task, text, options, model_path, settings, on_event=text_only(write), cancel=cancel
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    if args.json:
        print_json(outcome.to_json())
    else:
        write("\n")
    return 0
