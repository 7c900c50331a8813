"""`hearth calibrate`: how far the local classifier's confidence can be trusted, on the user's
own labelled examples, and the auto-mode threshold that reaches a target accuracy.

Every example is classified on this device in one engine session (the label prefix and the
contextual calibration are computed once). The report: accuracy against confidence (a
reliability table), the expected calibration error, and the lowest threshold at which the
answers auto mode would keep on the device reach the target accuracy, with the share of
requests that would stay there. The threshold is stored for this label set and model, and
`hearth run classify --cloud auto` uses it from then on. Nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.cli.run_command import read_json, warn
from hearth.core.errors import HearthError, UsageError
from hearth.core.evaluation.calibration import (
    ReliabilityBin,
    Scored,
    ThresholdChoice,
    accuracy,
    expected_calibration_error,
    recommend_threshold,
    reliability_table,
)
from hearth.core.files.bounded_read import iter_lines
from hearth.core.models.locate import resolve_model
from hearth.core.routing.threshold_store import (
    StoredThreshold,
    ThresholdStore,
    threshold_key,
    threshold_path,
)
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.labels import Label, parse_labels

DEFAULT_TARGET = 0.9
FEW_EXAMPLES = 30  # below this, one example more or less moves the threshold visibly


def add_parser(sub: Any) -> argparse.ArgumentParser:
    cal: argparse.ArgumentParser = sub.add_parser(
        "calibrate",
        help="measure the local classifier on labelled examples and set auto mode's threshold",
    )
    cal.add_argument("--labels", help="the labels, comma-separated")
    cal.add_argument("--labels-file", help="a JSON file with the list of labels")
    cal.add_argument(
        "--examples",
        required=True,
        help='a JSONL file, one {"text": ..., "label": ...} a line',
    )
    cal.add_argument(
        "--target",
        type=float,
        default=DEFAULT_TARGET,
        help=f"the accuracy the answers kept on the device must reach (default {DEFAULT_TARGET})",
    )
    cal.add_argument("--model", help="a .gguf path or model id (default: the model in settings)")
    cal.add_argument(
        "--no-calibrate", action="store_true", help="without contextual calibration, as run does"
    )
    cal.add_argument("--json", action="store_true", help="print one JSON object")
    return cal


@dataclass(frozen=True)
class Example:
    line: int
    text: str
    label: str  # one of the label names, as the label set spells it


MAX_EXAMPLES = 100_000


def read_examples(path: Path, labels: Sequence[Label]) -> list[Example]:
    """Every line's example; any bad line is a usage error naming it: a threshold measured on
    mislabelled data would be wrong without anyone noticing."""
    by_key = {label.name.casefold(): label.name for label in labels}
    examples: list[Example] = []
    # Bounded line by line (/dev/zero is one endless line) and in number (a FIFO may not end).
    for number, line in iter_lines(path):
        if len(examples) >= MAX_EXAMPLES:
            raise UsageError(
                f"{path} has more than {MAX_EXAMPLES} examples; calibrating needs a few hundred. "
                "Use a sample of them."
            )
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{path}, line {number}: not a JSON object ({exc}).") from None
        if not (
            isinstance(item, dict)
            and isinstance(item.get("text"), str)
            and isinstance(item.get("label"), str)
        ):
            raise UsageError(
                f'{path}, line {number}: each line must be {{"text": "...", "label": "..."}}.'
            )
        name = by_key.get(" ".join(item["label"].split()).casefold())
        if name is None:
            raise UsageError(
                f"{path}, line {number}: the label '{item['label']}' is not one of the labels "
                f"({', '.join(label.name for label in labels)})."
            )
        examples.append(Example(number, item["text"], name))
    if len(examples) < 2:
        raise UsageError(f"{path} has {len(examples)} example(s); calibrating needs several.")
    return examples


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    settings = context.loaded.settings
    # Everything here is local; still, an air-gapped user's engine host is guarded too.
    context.guard_network(air_gapped=settings.air_gapped)
    if not 0.0 < args.target <= 1.0:
        raise UsageError("--target is an accuracy above 0 and at most 1, e.g. 0.9.")
    if bool(args.labels) == bool(args.labels_file):
        raise UsageError("Give the labels with --labels a,b,c or --labels-file FILE (one of them).")
    raw_labels = args.labels if args.labels else read_json(args.labels_file, "labels file")
    labels = parse_labels(raw_labels)
    examples = read_examples(Path(args.examples), labels)
    model_path = resolve_model(args.model or settings.model)
    contextual = not args.no_calibrate
    options: dict[str, Any] = {"labels": raw_labels, "calibrate": "on" if contextual else "off"}

    task = task_catalog()["classify"]  # one instance: its contextual calibration is reused
    # The runner requests use, adapters included: a threshold must hold for the answers made.
    runner = context.assistant.runner
    model_name: str | None = None
    scored: list[Scored] = []
    by_top_probability: list[Scored] = []
    skipped: list[str] = []
    started = time.perf_counter()
    for done, example in enumerate(examples, 1):
        try:
            outcome = runner.run(task, example.text, options, model_path, settings)
        except UsageError as exc:  # an empty or too long text: the others still count
            skipped.append(f"line {example.line}: {exc.message}")
        else:
            model_name = outcome.load.model_name
            correct = outcome.output == example.label
            scored.append(Scored(outcome.confidence or 0.0, correct))
            probabilities = outcome.result.details.get("labels") or {}
            by_top_probability.append(Scored(max(probabilities.values(), default=0.0), correct))
        _progress(done, len(examples), started)
    sys.stderr.write("\n")
    for problem in skipped:
        warn(f"skipped {problem}")
    if len(scored) < 2:
        raise HearthError("Fewer than 2 examples could be classified; nothing to calibrate on.")
    if len(scored) < FEW_EXAMPLES:
        warn(
            f"{len(scored)} examples make the threshold a rough guide; {FEW_EXAMPLES} or more "
            "per label set give a steadier one."
        )

    table = reliability_table(scored)
    choice = recommend_threshold(scored, args.target)
    overall = accuracy(scored)
    stored = StoredThreshold(
        threshold=choice.threshold,
        target=args.target,
        reached=choice.reached,
        share_on_device=choice.share_on_device,
        examples=len(scored),
        accuracy=overall,
        labels=tuple(label.name for label in labels),
        model=str(model_path.resolve()),
        contextual=contextual,
        time=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    store = ThresholdStore(threshold_path(context.paths))
    adapter = context.assistant.adapter_name(task.name, model_path.resolve())
    key = threshold_key(labels, model_path.resolve(), contextual=contextual, adapter=adapter)
    store.put(key, stored)
    for problem in store.problems:
        warn(problem)

    report = {
        "labels": list(stored.labels),
        "model": model_name,
        "model_path": stored.model,
        "contextual_calibration": contextual,
        "examples": len(scored),
        "skipped": skipped,
        "accuracy": _round(overall),
        "target": args.target,
        "threshold": _round(choice.threshold),
        "reached": choice.reached,
        "share_on_device": _round(choice.share_on_device),
        "accuracy_on_device": _round(choice.accuracy_on_device),
        "kept_on_device": choice.kept,
        "ece": _round(expected_calibration_error(table)),
        "ece_top_probability": _round(
            expected_calibration_error(reliability_table(by_top_probability))
        ),
        "reliability": [_bin_json(b) for b in table],
        "stored": str(store.path),
    }
    if args.json:
        print_json(report)
    else:
        print("\n".join(format_report(report, table, choice)))
    return 0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _bin_json(b: ReliabilityBin) -> dict[str, Any]:
    return {
        "lower": round(b.lower, 6),
        "upper": round(b.upper, 6),
        "count": b.count,
        "accuracy": _round(b.accuracy),
        "mean_confidence": _round(b.mean_confidence),
    }


def format_report(
    report: dict[str, Any], table: Sequence[ReliabilityBin], choice: ThresholdChoice
) -> list[str]:
    lines = [
        f"{report['examples']} examples, classified on this device with {report['model']}: "
        f"{report['accuracy']:.0%} right.",
        "",
        "Confidence   Examples   Right",
    ]
    for b in table:
        right = "" if b.accuracy is None else f"{b.accuracy:.0%}"
        lines.append(f"{b.lower:.1f}-{b.upper:.1f}      {b.count:>8}   {right:>5}")
    lines += [
        "",
        f"Expected calibration error: {report['ece']:.3f} (the confidence is the margin between "
        "the top two labels; for the top label's probability it is "
        f"{report['ece_top_probability']:.3f}).",
    ]
    if choice.reached and choice.accuracy_on_device is not None:
        lines.append(
            f"Recommended threshold: {choice.threshold:.3f}. At or above it "
            f"{choice.accuracy_on_device:.0%} of the answers were right (target "
            f"{choice.target:.0%}), and {choice.share_on_device:.0%} of requests would stay on "
            "this device; the rest would go to the cloud in auto mode."
        )
    else:
        lines.append(
            f"No threshold reaches {choice.target:.0%} accuracy on these examples: auto mode "
            "would send every request to the cloud (threshold 1.0). More examples, label "
            "descriptions, or a stronger model may help."
        )
    lines.append(
        f"Stored in {report['stored']}: 'hearth run classify --cloud auto' uses it for these "
        "labels with this model."
    )
    return lines


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r… classifying {done}/{total}  {rate:.1f} texts/s")
    sys.stderr.flush()
