"""`hearth calibrate`: how far the local classifier's confidence can be trusted, on the user's
own labelled examples, and the auto-mode threshold that reaches a target accuracy.

Every example is classified on this device once, uncalibrated, in one engine session (the
label prefix is computed once); each calibration mode (none, batch, contextual) is then
computed from those probabilities. Where the labels allow both forms (lettered options and
scored names) a pass is made in each. Unless `--form` and `--calibrate` name them, the form
and the mode are chosen by measurement (`hearth.core.evaluation.mode_choice`: nothing may
lower the accuracy or raise the ECE beyond the noise, and anything but the default is chosen
only for a real gain), and the report says why.

The report: accuracy against confidence (a reliability table), the expected calibration
error, and the lowest threshold at which the answers auto mode would keep on the device reach
the target accuracy, with the share of requests that would stay there. The threshold is stored
for this label set, model, form and mode, and `hearth run classify --cloud auto` (with the
flags the report names) uses it from then on; when the choice is not what `run` does by
default, the default's threshold is stored too. Nothing is sent anywhere.
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
from hearth.core.evaluation.classification import ModeReport, calibrated_modes, evaluate
from hearth.core.evaluation.mode_choice import FormChoice, ModeChoice, choose_form, choose_mode
from hearth.core.files.bounded_read import iter_lines
from hearth.core.models.locate import resolve_model
from hearth.core.routing.threshold_store import (
    StoredThreshold,
    ThresholdStore,
    threshold_key,
    threshold_path,
)
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.classify import Classify, calibration_mode, resolved_form
from hearth.core.tasks.label_calibration import MODES
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
        "--calibrate",
        choices=("auto", *MODES),
        default="auto",
        help="the calibration mode to measure (default auto: choose it by measurement)",
    )
    cal.add_argument(
        "--no-calibrate", action="store_true", help="the same as --calibrate none, as run has it"
    )
    cal.add_argument(
        "--form",
        choices=("auto", "letters", "names"),
        default="auto",
        help="the options as letters or names (default auto: measure both where they differ)",
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
    asked = "none" if args.no_calibrate else str(args.calibrate)
    default_form = resolved_form(labels, "auto")
    if args.form != "auto":
        forms = [str(args.form)]
    else:  # names only where no two labels could share a first token (form_for)
        forms = [default_form] + (["letters"] if default_form == "names" else [])

    task = task_catalog()["classify"]
    assert isinstance(task, Classify)
    # The runner requests use, adapters included: a threshold must hold for the answers made.
    runner = context.assistant.runner
    names = [label.name for label in labels]
    runs = {
        form: _classify_all(task, runner, examples, raw_labels, form, names, model_path, context)
        for form in forms
    }
    first = runs[forms[0]]
    for problem in first.skipped:
        warn(f"skipped {problem}")
    n = len(first.gold)
    if n < 2:
        raise HearthError("Fewer than 2 examples could be classified; nothing to calibrate on.")
    if n < FEW_EXAMPLES:
        warn(
            f"{n} examples make the threshold a rough guide; {FEW_EXAMPLES} or more "
            "per label set give a steadier one."
        )
    choices: dict[str, ModeChoice] = {}
    reports: dict[str, list[ModeReport]] = {}
    for form, run_ in runs.items():
        reports[form] = evaluate(run_.gold, run_.raws, names, run_.bias)
        if asked == "auto":
            choices[form] = choose_mode(reports[form], n)
        else:
            choices[form] = ModeChoice(asked, f"{asked}: asked for with --calibrate.", 0.0)
    accuracy_of = {
        form: next(r.accuracy for r in reports[form] if r.mode == choices[form].mode)
        for form in runs
    }
    if args.form == "auto":
        form_choice = choose_form(
            {f: (choices[f].mode, accuracy_of[f]) for f in runs}, default_form, n
        )
    else:
        form_choice = FormChoice(str(args.form), f"options as {args.form}: asked for with --form.")
    form = form_choice.form
    choice = choices[form]

    store = ThresholdStore(threshold_path(context.paths))
    adapter = context.assistant.adapter_name(task.name, model_path.resolve())
    pairs = [(form, choice.mode)]
    default = (default_form, calibration_mode("on"))
    if asked == "auto" and args.form == "auto" and default != pairs[0]:
        pairs.append(default)  # what `hearth run` does without flags gets its threshold too
    stored_for: list[dict[str, str]] = []
    measured: dict[tuple[str, str], tuple[list[Scored], ThresholdChoice, StoredThreshold]] = {}
    for pair_form, mode in pairs:
        run_ = runs[pair_form]
        probabilities = calibrated_modes(run_.raws, run_.bias)[mode]
        scored, by_top = _scored(probabilities, run_.gold, names)
        threshold = recommend_threshold(scored, args.target)
        stored = StoredThreshold(
            threshold=threshold.threshold,
            target=args.target,
            reached=threshold.reached,
            share_on_device=threshold.share_on_device,
            examples=len(scored),
            accuracy=accuracy(scored),
            labels=tuple(names),
            model=str(model_path.resolve()),
            contextual=mode == "contextual",
            time=datetime.now(UTC).isoformat(timespec="seconds"),
            mode=mode,
            reason=f"{form_choice.reason} {choice.reason}"
            if (pair_form, mode) == pairs[0]
            else "what hearth run does by default",
            form=pair_form,
        )
        key = threshold_key(
            labels, model_path.resolve(), mode=mode, adapter=adapter, form=pair_form
        )
        store.put(key, stored)
        stored_for.append({"form": pair_form, "mode": mode})
        measured[(pair_form, mode)] = (scored, threshold, stored)
        if (pair_form, mode) == pairs[0]:
            by_top_probability = by_top
    for problem in store.problems:
        warn(problem)

    scored, threshold, stored = measured[pairs[0]]
    table = reliability_table(scored)
    flags = "".join(
        [
            f" --form {form}" if form != default_form else "",
            f" --calibrate {choice.mode}" if choice.mode != calibration_mode("on") else "",
        ]
    )
    report = {
        "labels": list(stored.labels),
        "model": runs[form].model_name,
        "model_path": stored.model,
        "form": form,
        "form_reason": form_choice.reason,
        "mode": choice.mode,
        "mode_reason": choice.reason,
        "modes": [_mode_json(r) for r in reports[form]],
        "forms": {f: [_mode_json(r) for r in reports[f]] for f in runs},
        "contextual_calibration": choice.mode == "contextual",
        "examples": len(scored),
        "skipped": first.skipped,
        "accuracy": _round(stored.accuracy),
        "target": args.target,
        "threshold": _round(threshold.threshold),
        "reached": threshold.reached,
        "share_on_device": _round(threshold.share_on_device),
        "accuracy_on_device": _round(threshold.accuracy_on_device),
        "kept_on_device": threshold.kept,
        "ece": _round(expected_calibration_error(table)),
        "ece_top_probability": _round(
            expected_calibration_error(reliability_table(by_top_probability))
        ),
        "reliability": [_bin_json(b) for b in table],
        "stored": str(store.path),
        "stored_for": stored_for,
        "run_flags": flags.strip(),
    }
    if args.json:
        print_json(report)
    else:
        print("\n".join(format_report(report, table, threshold)))
    return 0


@dataclass
class _FormRun:
    """One uncalibrated pass over the examples with the options in one form."""

    gold: list[str]
    raws: list[list[float]]
    bias: tuple[float, ...]
    skipped: list[str]
    model_name: str | None


def _classify_all(
    task: Classify,
    runner: Any,
    examples: Sequence[Example],
    raw_labels: Any,
    form: str,
    names: Sequence[str],
    model_path: Path,
    context: CommandContext,
) -> _FormRun:
    settings = context.loaded.settings
    options: dict[str, Any] = {"labels": raw_labels, "calibrate": "none", "form": form}
    run_ = _FormRun([], [], (), [], None)
    started = time.perf_counter()
    for done, example in enumerate(examples, 1):
        try:
            outcome = runner.run(task, example.text, options, model_path, settings)
        except UsageError as exc:  # an empty or too long text: the others still count
            run_.skipped.append(f"line {example.line}: {exc.message}")
        else:
            run_.model_name = outcome.load.model_name
            raw = outcome.result.details.get("raw_labels") or {}
            run_.raws.append([float(raw.get(name, 0.0)) for name in names])
            run_.gold.append(example.label)
        _progress(done, len(examples), started, form)
    sys.stderr.write("\n")
    run_.bias = task.content_free_bias(parse_labels(raw_labels), context.engine, form=form)
    return run_


def _scored(
    probabilities: Sequence[Sequence[float]], gold: Sequence[str], names: Sequence[str]
) -> tuple[list[Scored], list[Scored]]:
    """Per example: (the margin between the top two labels, right?) and (the top label's
    probability, right?): the confidence as the app reports it, and the textbook one."""
    margins, tops = [], []
    for probs, truth in zip(probabilities, gold, strict=True):
        ranked = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
        correct = names[ranked[0]] == truth
        margin = probs[ranked[0]] - (probs[ranked[1]] if len(ranked) > 1 else 0.0)
        margins.append(Scored(margin, correct))
        tops.append(Scored(probs[ranked[0]], correct))
    return margins, tops


def _mode_json(report: ModeReport) -> dict[str, Any]:
    return {
        "mode": report.mode,
        "accuracy": _round(report.accuracy),
        "ece": _round(report.ece),
        "auroc": _round(report.auroc),
    }


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
        f"{report['accuracy']:.0%} right with {report['mode']} calibration.",
        "",
        "Calibration   Accuracy   ECE     AUROC",
    ]
    for m in report["modes"]:
        auroc = "–" if m["auroc"] is None else f"{m['auroc']:.2f}"
        ece = "–" if m["ece"] is None else f"{m['ece']:.3f}"
        lines.append(f"{m['mode']:<13} {m['accuracy']:>8.0%}   {ece:<7} {auroc}")
    lines += [
        "",
        f"Chosen: {report['form_reason']} {report['mode_reason']}",
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
    flags = f" {report['run_flags']}" if report["run_flags"] else ""
    lines.append(
        f"Stored in {report['stored']}: 'hearth run classify{flags} --cloud auto' uses it for "
        "these labels with this model."
    )
    return lines


def _progress(done: int, total: int, started: float, form: str) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r… classifying {done}/{total} (options as {form})  {rate:.1f} texts/s")
    sys.stderr.flush()
