"""`hearth run TASK`: one task headless, streamed to stdout or as one JSON object; or a batch.

Batch mode (`--batch FILE.jsonl`, classify and extract) runs every line in one engine session,
so the instructions prefix is computed once; it writes one JSON result per line as it goes and
draws a progress bar on stderr. A bad line gets its own error result; the batch goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.cancel import CancelToken
from hearth.core.errors import CloudError, HearthError, UsageError
from hearth.core.models.locate import resolve_model
from hearth.core.settings import Settings
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.runner import TaskRunner, text_only
from hearth.core.tasks.schemas import BUILT_IN

BATCH_TASKS = ("classify", "extract")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    run: argparse.ArgumentParser = sub.add_parser("run", help="run one task headless")
    run.add_argument("task", choices=sorted(task_catalog()))
    run.add_argument("--input", default="-", help="text file to work on, or - for stdin")
    run.add_argument("--model", help="a .gguf path (default: the model in settings)")
    run.add_argument(
        "--style",
        help="summarize: summary|key-points|list|table; "
        "rewrite: proofread|friendly|professional|concise",
    )
    run.add_argument("--instruction", help="rewrite: a custom instruction")
    run.add_argument("--labels", help="classify: the labels, comma-separated")
    run.add_argument(
        "--labels-file",
        help="classify: a JSON file with a list of labels (names, or objects with name, "
        "description, examples)",
    )
    run.add_argument("--no-calibrate", action="store_true", help="classify: skip calibration")
    run.add_argument("--schema", help=f"extract: a JSON Schema file or {'|'.join(BUILT_IN)}")
    run.add_argument("--batch", help='classify/extract: a JSONL file, one {"text": ...} a line')
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


def task_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.style:
        options["style"] = args.style
    if args.instruction:
        options["instruction"] = args.instruction
    if args.labels and args.labels_file:
        raise UsageError("Give --labels or --labels-file, not both.")
    if args.labels:
        options["labels"] = args.labels
    if args.labels_file:
        options["labels"] = _read_json(args.labels_file, "labels file")
    if args.no_calibrate:
        options["calibrate"] = "off"
    if args.schema:
        options["schema"] = args.schema
    return options


def _read_json(spec: str, what: str) -> Any:
    try:
        return json.loads(Path(spec).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"The {what} {spec} does not exist.") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"Cannot read the {what} {spec}: {exc}") from None


def _settings(args: argparse.Namespace, context: CommandContext) -> Settings:
    settings = context.loaded.settings
    if args.offline:
        settings = settings.replace(air_gapped=True)
    cloud = args.cloud or settings.cloud_policy
    if cloud == "always":
        raise CloudError(
            "--cloud always needs a cloud provider, and none is set up. Use --cloud never "
            "to answer on this device."
        )
    return settings


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    task = task_catalog()[args.task]
    settings = _settings(args, context)
    options = task_options(args)
    model_path = resolve_model(args.model or settings.model)
    runner = TaskRunner(context.engine)
    if args.batch:
        if args.task not in BATCH_TASKS:
            raise UsageError(f"--batch works with {' and '.join(BATCH_TASKS)}.")
        return _run_batch(args, runner, task.name, options, model_path, settings)
    text = read_input(args.input)
    cancel = CancelToken()
    stream_to: TextIO | None = None if args.json else sys.stdout

    def write(piece: str) -> None:
        if stream_to is not None:
            stream_to.write(piece)
            stream_to.flush()

    def progress(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    streams = task.name in ("summarize", "rewrite")
    try:
        outcome = runner.run(
            task,
            text,
            options,
            model_path,
            settings,
            on_event=text_only(write) if streams else None,
            on_progress=progress,
            cancel=cancel,
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    if args.json:
        print_json(outcome.to_json())
    elif streams:
        write("\n")
    else:
        output = outcome.output
        print(
            output if isinstance(output, str) else json.dumps(output, indent=2, ensure_ascii=False)
        )
    return 0


def _batch_lines(path: Path) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, problem) for each non-blank line."""
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"Cannot read the batch file {path}: {exc.strerror or exc}.") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                yield number, None, f"not a JSON object ({exc})"
                continue
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                yield number, None, 'each line must be an object with a "text" string'
                continue
            yield number, item["text"], None


def _run_batch(
    args: argparse.Namespace,
    runner: TaskRunner,
    task_name: str,
    options: dict[str, Any],
    model_path: Path,
    settings: Settings,
) -> int:
    path = Path(args.batch)
    if not path.is_file():
        raise UsageError(f"The batch file {path} does not exist.")
    total = sum(1 for _ in _batch_lines(path))
    task = task_catalog()[task_name]  # one instance: calibration is measured once
    runner.load(model_path, settings)
    started = time.perf_counter()
    failures = 0
    for done, (number, text, problem) in enumerate(_batch_lines(path), 1):
        record: dict[str, Any] = {"line": number}
        if problem is None and text is not None:
            try:
                outcome = runner.run(task, text, options, model_path, settings)
                record.update(outcome.to_json())
            except UsageError as exc:
                problem = exc.message
            except HearthError as exc:
                if exc.exit_code != 1:
                    raise  # the model or engine is broken: the rest would fail the same way
                problem = exc.message
        if problem is not None:
            failures += 1
            record["error"] = problem
        # ASCII-escaped: a raw U+2028 or U+0085 in a line would split it for many readers.
        sys.stdout.write(json.dumps(record, ensure_ascii=True) + "\n")
        sys.stdout.flush()
        _progress_bar(done, total, started)
    sys.stderr.write("\n")
    print(f"{total - failures} of {total} lines done, {failures} failed", file=sys.stderr)
    return 0


def _progress_bar(done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.1f} texts/s"
    )
    sys.stderr.flush()
