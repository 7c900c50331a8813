"""`hearth run TASK`: one task headless, as text or one JSON object; or a batch.

The command builds a `Request` and shows the `Answer`; the assistant (hearth.core.assistant)
does everything in between, as it does for the window and the local API.

Batch mode (`--batch FILE.jsonl`, classify and extract) runs every line in one engine session,
so the instructions prefix is computed once; it writes one JSON result per line as it goes.
What a long batch survives (a dead engine, --resume, FIFOs, progress) is in cli/batch_run.py.

Routing. Every request goes through a `Router` and is recorded in the ledger, local ones too
(its text only when the user keeps history). The policy is the settings' (per task), or
`--cloud` for every task; headless, ask is never. Auto compares the local confidence with the
threshold `hearth calibrate` stored for the label set and model (classify), else the settings'.
When the router escalates, the cloud's answer (sent redacted, placeholders restored) replaces
the local one; when the cloud fails, the local answer stands and stderr says why
(`warning: ...`). Decisions this command makes:
- Air-gapped (the settings, or --offline) wins over every stored policy: the request is
  answered on the device, and a stored `always` earns a warning. An explicit `--cloud always`
  on an air-gapped run is a contradiction in the command itself: refused, exit 6, before
  anything runs.
- `always` with no provider set up: exit 5, before the model loads. `always` whose cloud
  request fails falls back to the local model, as the router does (nothing is lost): exit 0,
  with the error on stderr and in --json.
- Streaming: when the answer may still go to the cloud (auto or always, a provider set up, not
  air-gapped), stdout gets only the final answer, printed once it is known, so that a pipe
  never receives a local answer followed by a different one. Otherwise the local text
  streams as it is generated.
- The process and the engine host refuse every non-loopback connection when air-gapped (the
  network guard), from before the engine starts until the command ends.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from hearth.cli.batch_run import run_batch
from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.answer import Answer
from hearth.core.assistant import Assistant
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.errors import PrivacyRefused, UsageError
from hearth.core.files.bounded_read import LABELS_LIMIT, input_limit, read_stdin_text, read_text
from hearth.core.request import AnswerSink, Request
from hearth.core.routing.policy import CloudPolicy
from hearth.core.routing.task_routing import Routing
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.schemas import BUILT_IN
from hearth.core.tasks.task import Task


def add_parser(sub: Any) -> argparse.ArgumentParser:
    run: argparse.ArgumentParser = sub.add_parser("run", help="run one task headless")
    # The tasks people run on a text; the API's chat is not one (design.md's contract).
    shown = [name for name, task in task_catalog().items() if task.capabilities.in_window]
    run.add_argument("task", choices=sorted(shown))
    run.add_argument(
        "--input",
        default="-",
        help="file to work on (text, Markdown, PDF, Word, web page, e-mail), or - for stdin",
    )
    run.add_argument("--password", help="the password of an encrypted PDF given as --input")
    run.add_argument("--model", help="a .gguf path or a model id (default: the model in settings)")
    run.add_argument(
        "--style",
        help="summarize: summary|key-points|list|table; "
        "rewrite: proofread|friendly|professional|concise",
    )
    run.add_argument("--instruction", help="rewrite: a custom instruction")
    run.add_argument(
        "--previous", help="rewrite: a file holding an earlier answer to refine (with --follow-up)"
    )
    run.add_argument(
        "--follow-up", dest="follow_up", help="rewrite: how to change --previous, e.g. 'shorter'"
    )
    run.add_argument("--labels", help="classify: the labels, comma-separated")
    run.add_argument(
        "--labels-file",
        help="classify: a JSON file with a list of labels (names, or objects with name, "
        "description, examples)",
    )
    run.add_argument("--no-calibrate", action="store_true", help="classify: skip calibration")
    run.add_argument(
        "--calibrate",
        choices=("none", "batch", "contextual"),
        help="classify: the calibration mode (default: what hearth calibrate chose for the "
        "label set and model, else none)",
    )
    run.add_argument(
        "--form",
        choices=("auto", "letters", "names"),
        help="classify: the options as letters or names (default auto: what hearth calibrate "
        "chose, else names unless two could share a first token)",
    )
    run.add_argument("--schema", help=f"extract: a JSON Schema file or {'|'.join(BUILT_IN)}")
    run.add_argument(
        "--strict", action="store_true", help="extract: values not found in the text become null"
    )
    run.add_argument("--batch", help='classify/extract: a JSONL file, one {"text": ...} a line')
    run.add_argument(
        "--resume",
        metavar="OUTPUT",
        help="--batch: skip the lines an earlier run already answered in OUTPUT",
    )
    run.add_argument(
        "--parallel",
        type=int,
        default=None,
        help="classify --batch: texts per forward pass (1: one at a time)",
    )
    run.add_argument(
        "--no-speculative",
        action="store_true",
        help="rewrite: plain decoding, without drafting from the text (the baseline)",
    )
    run.add_argument(
        "--cloud",
        choices=[str(p) for p in CloudPolicy],
        default=None,
        help="when to send a request to the cloud provider (default: the settings); "
        "ask is never when headless",
    )
    run.add_argument(
        "--offline", action="store_true", help="air-gapped for this run: nothing leaves"
    )
    run.add_argument("--json", action="store_true", help="print one JSON object")
    return run


def read_input(spec: str) -> str:
    if spec == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("No text given: pass --input FILE, or pipe text into hearth.")
        return read_stdin_text(input_limit(os.environ))  # bounded: `< /dev/zero` ends
    return read_text(Path(spec), input_limit(os.environ), errors="replace")


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
        options["labels"] = read_json(args.labels_file, "labels file")
    if args.no_calibrate:
        options["calibrate"] = "off"
    if args.calibrate:
        options["calibrate"] = args.calibrate
    if args.form:
        options["form"] = args.form
    if args.schema:
        options["schema"] = args.schema
    if (args.previous is None) != (args.follow_up is None):
        raise UsageError("To refine a rewrite, give both --previous FILE and --follow-up TEXT.")
    if args.previous is not None:
        options["previous"] = read_input(args.previous)
        options["follow_up"] = args.follow_up
    if args.strict:
        options["strict"] = True
    if args.parallel is not None:
        if args.parallel < 1:
            raise UsageError("--parallel needs a number of texts of at least 1.")
        options["parallel"] = args.parallel
    if args.no_speculative:
        options["speculative"] = False
    return options


def read_json(spec: str, what: str) -> Any:
    if not os.path.exists(spec):
        raise UsageError(f"The {what} {spec} does not exist.")
    try:
        return json.loads(read_text(Path(spec), LABELS_LIMIT))
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"Cannot read the {what} {spec}: {exc}") from None


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


# -- routing ---------------------------------------------------------------------------------


def check_routing(args: argparse.Namespace, request: Request, routing: Routing) -> None:
    """This command's refusals and warnings, worded for its flags: headless, so ask is never."""
    task_name = request.task
    override = request.cloud
    if routing.air_gapped and override is CloudPolicy.ALWAYS:
        why = "--offline" if args.offline else "air-gapped mode is on in the settings"
        raise PrivacyRefused(
            f"Hearth is air-gapped ({why}), so --cloud always cannot send anything. Run "
            "without --cloud always to answer on this device, or turn air-gapped mode off."
        )
    if routing.air_gapped and routing.mode is CloudPolicy.ALWAYS:
        warn(
            f"air-gapped: the cloud policy for {task_name} is always, but nothing leaves this "
            "device while air-gapped; answering here."
        )
    if routing.endpoint is None and routing.mode is CloudPolicy.ALWAYS and not routing.air_gapped:
        from hearth.core.cloud.endpoint import describe_missing

        where = "--cloud always" if override is not None else "The cloud policy always"
        missing = describe_missing(routing.settings)
        raise CloudFailure(
            FailureKind.NOT_CONFIGURED,
            f"{where} needs a cloud provider, and {missing[0].lower()}{missing[1:]} Or use "
            "--cloud never to answer on this device.",
        )
    for problem in routing.problems:
        warn(problem)


def report_problems(answer: Answer) -> None:
    """What went wrong on the way to an answer that still came: stderr, one line each."""
    escalation = answer.escalation
    if escalation is not None and escalation.error is not None:
        kept = (
            " (what the cloud sent is in --json: escalation.partial_text)"
            if escalation.partial_text
            else ""
        )
        warn(f"{escalation.error} Answered on this device instead{kept}.")
    for problem in answer.problems:
        warn(problem)


# -- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    settings = context.loaded.settings
    # First, before anything can connect: this process, and the engine host started later.
    context.guard_network(air_gapped=settings.air_gapped or args.offline)
    assistant = context.assistant
    task = assistant.task(args.task)
    if args.batch and not task.capabilities.batchable:
        batchable = sorted(n for n, t in assistant.tasks.items() if t.capabilities.batchable)
        raise UsageError(f"--batch works with {' and '.join(batchable)}.")
    request = Request(
        task=task.name,
        text="",
        options=task_options(args),
        model=args.model,
        cloud=CloudPolicy(args.cloud) if args.cloud else None,
        offline=args.offline,
        source="cli",
    )
    routing = assistant.routing(request)
    with routing.ledger:
        check_routing(args, request, routing)
        if not (routing.mode is CloudPolicy.ALWAYS and routing.may_escalate):
            assistant.model_path(request)  # answered here: say now if there is no model
        if args.batch:
            return _run_batch(args, assistant, routing, task, request)
        return _run_one(args, assistant, routing, task, request)


def _run_one(
    args: argparse.Namespace,
    assistant: Assistant,
    routing: Routing,
    task: Task,
    request: Request,
) -> int:
    if args.input == "-":
        request = dataclasses.replace(request, text=read_input(args.input))
    else:  # any document, its format told by its content; --json reports what was read
        from hearth.core.documents import read_input_file

        text, info = read_input_file(
            Path(args.input), password=args.password, cancel=request.cancel
        )
        request = dataclasses.replace(request, text=text, input=info)
    streams = task.capabilities.streams_text and not args.json
    live = streams and not routing.may_escalate
    out: TextIO = sys.stdout

    def write(piece: str) -> None:
        out.write(piece)
        out.flush()

    if streams and not live and routing.mode is CloudPolicy.AUTO:
        progress(
            "answering on this device first; the answer is printed once it is complete, as it "
            "may still go to the cloud"
        )

    def escalating(explanation: str) -> None:
        assert routing.endpoint is not None
        progress(f"{explanation} Sending the redacted request to {routing.endpoint.title}.")

    sink = AnswerSink(on_text=write if live else None, on_progress=progress, on_escalate=escalating)
    try:
        answer = assistant.answer(request, sink, routing=routing)
    except KeyboardInterrupt:
        request.cancel.cancel()
        raise
    report_problems(answer)
    if args.json:
        print_json(answer.to_json())
    elif live:
        write("\n")
    else:
        print(answer.text)
    return 0


def _run_batch(
    args: argparse.Namespace,
    assistant: Assistant,
    routing: Routing,
    task: Task,
    request: Request,
) -> int:
    return run_batch(args, assistant, routing, task, request)
