"""`hearth eval TASK --data FILE.jsonl`: how good the local model's answers are, on labelled
data, as JSON (`--json`), a Markdown table, and with `--out DIR` the files report.json,
report.md and (classify) report.png.

- classify: one raw pass over the texts, then every calibration mode (none, batch,
  contextual): accuracy, macro-F1, confusion matrix, ECE, AUROC of the confidence for "the
  answer is right", the coverage curve (share kept on the device against accuracy, with an
  answer-perfect cloud taking the rest), and the threshold that keeps 90 % right locally.
- extract: rows `{"text", "expected": {...}}`: field-level match and the grounded share.
- summarize / rewrite: rows `{"text"}`: added-fact rate, echo rate, length ratio, language
  kept (and for proofread, the rewrote rate). No references are needed.

Rows may carry `"options"` (e.g. a style or a schema) that override the command's.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.cli.run_command import warn
from hearth.core.errors import HearthError
from hearth.core.evaluation.classification import ModeReport, evaluate
from hearth.core.evaluation.dataset import DataSet, Row, read_labelled, read_unlabelled
from hearth.core.evaluation.picture import report_png
from hearth.core.files.atomic_write import write_atomically
from hearth.core.models.locate import resolve_model
from hearth.core.quality.assess import task_instructions
from hearth.core.quality.echo import strip_echo
from hearth.core.quality.facts import added_facts, normalise_text
from hearth.core.quality.grounding import ungrounded
from hearth.core.quality.language import same_language
from hearth.core.quality.rewriting import rewrote
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.classify import (
    CONTENT_FREE,
    DEFAULT_CALIBRATION,
    FORM_CHOICES,
    Classify,
    form_for,
    label_probabilities,
)
from hearth.core.tasks.labels import parse_labels
from hearth.core.tasks.task import TaskSink

TASKS = ("classify", "extract", "summarize", "rewrite")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    cmd: argparse.ArgumentParser = sub.add_parser(
        "eval", help="measure the local model on labelled data (accuracy, ECE, AUROC, coverage)"
    )
    cmd.add_argument("task", choices=TASKS)
    cmd.add_argument("--data", required=True, help="a JSONL file, one object a line")
    cmd.add_argument("--labels", help="classify: the labels, comma-separated (default: the data's)")
    cmd.add_argument("--model", help="a .gguf path or model id (default: the model in settings)")
    cmd.add_argument("--style", help="summarize/rewrite: the style for rows that name none")
    cmd.add_argument("--schema", help="extract: the schema for rows that name none")
    cmd.add_argument(
        "--form",
        choices=FORM_CHOICES,
        default="auto",
        help="classify: options as letters or names (auto: as classify chooses)",
    )
    cmd.add_argument("--limit", type=int, help="only the first N usable rows")
    cmd.add_argument("--out", help="a folder for report.json, report.md and report.png")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    return cmd


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    settings = context.loaded.settings
    context.guard_network(air_gapped=settings.air_gapped)  # everything here is local
    path = Path(args.data)
    # The data first: a file that cannot give a figure is said before a model is loaded.
    if args.task == "classify":
        given = [label.name for label in parse_labels(args.labels)] if args.labels else None
        labelled = read_labelled(path, given)
    else:
        need = "expected" if args.task == "extract" else "text"
        unlabelled = read_unlabelled(path, need=need)
    model_path = resolve_model(args.model or settings.model)
    runner = context.assistant.runner  # adapters included, as requests are answered
    info, _ = runner.load(model_path, settings, task=args.task)
    started = time.perf_counter()
    if args.task == "classify":
        report, modes = _classify(args, labelled, context)
    else:
        report, modes = _generative(args, path, unlabelled, context), []
    report = {
        "task": args.task,
        "data": str(path),
        "model": info.model_name,
        "model_path": str(model_path),
        "seconds": round(time.perf_counter() - started, 1),
        **report,
    }
    for warning in report.get("warnings", []):
        warn(warning)
    markdown = format_markdown(report)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        write_atomically(
            out / "report.json", json.dumps(report, indent=2, ensure_ascii=False).encode()
        )
        write_atomically(out / "report.md", markdown.encode())
        if modes:
            write_atomically(out / "report.png", report_png(modes))
    if args.json:
        print_json(report)
    else:
        print(markdown)
    return 0


def _classify(
    args: argparse.Namespace, data: DataSet, context: CommandContext
) -> tuple[dict[str, Any], list[ModeReport]]:
    path = data.path
    rows = list(data.rows[: args.limit] if args.limit else data.rows)
    labels = parse_labels(list(data.labels))
    form = form_for(labels) if args.form == "auto" else args.form
    task = Classify()
    engine = context.engine
    raws: list[list[float]] = []
    gold: list[str] = []
    masses: list[float] = []
    warnings = list(data.warnings)
    for done, row in enumerate(rows, 1):
        try:
            scored = engine.score(task.build_request(row.text.strip(), labels, form))
        except HearthError as exc:
            warnings.append(f"{path}, line {row.line}: not classified ({exc.message}).")
            continue
        raws.append(label_probabilities(scored.logprobs))
        masses.append(sum(_exp(x) for x in scored.logprobs))
        gold.append(row.label or "")
        _progress(done, len(rows))
    sys.stderr.write("\n")
    if len(set(gold)) < 2:
        raise HearthError("Fewer than 2 labels among the texts that could be classified.")
    bias_rows = [
        label_probabilities(engine.score(task.build_request(cf, labels, form)).logprobs)
        for cf in CONTENT_FREE
    ]
    bias = [sum(r[i] for r in bias_rows) / len(bias_rows) for i in range(len(labels))]
    names = [label.name for label in labels]
    modes = evaluate(gold, raws, names, bias)
    for mode in modes:
        warnings.extend(mode.warnings)
    best = _best_mode(modes)
    return {
        "rows": len(gold),
        "labels": names,
        "form": form,
        "label_mass": round(sum(masses) / len(masses), 4),
        "default_mode": DEFAULT_CALIBRATION,
        "best_mode": best,
        "content_free_bias": [round(b, 4) for b in bias],
        "modes": [mode.to_json() for mode in modes],
        "warnings": warnings,
    }, modes


def _best_mode(modes: Sequence[ModeReport]) -> str:
    """The most accurate mode; ties (within one text) go to the lower ECE."""
    top = max(m.accuracy for m in modes)
    close = [m for m in modes if top - m.accuracy < 1e-9 + 1 / 200]
    return min(close, key=lambda m: m.ece if m.ece is not None else 1.0).mode


def _generative(
    args: argparse.Namespace,
    path: Path,
    data: tuple[list[Row], list[str]],
    context: CommandContext,
) -> dict[str, Any]:
    rows, warnings = data
    rows = rows[: args.limit] if args.limit else rows
    task = task_catalog()[args.task]
    results: list[dict[str, Any]] = []
    for done, row in enumerate(rows, 1):
        options = _options(args, row)
        try:
            result = task.run(row.text, options, context.engine, TaskSink())
        except HearthError as exc:
            warnings.append(f"{path}, line {row.line}: no answer ({exc.message}).")
            continue
        if args.task == "extract":
            results.append(_extract_row(row, result.output))
        else:
            results.append(_text_row(args.task, row, options, result.output, result.details))
        _progress(done, len(rows))
    sys.stderr.write("\n")
    if not results:
        raise HearthError(f"No row of {path} could be answered; see the warnings above.")
    summary = _summarise(args.task, results)
    return {"rows": len(results), **summary, "per_row": results, "warnings": warnings}


def _options(args: argparse.Namespace, row: Row) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.style:
        options["style"] = args.style
    if args.schema:
        options["schema"] = args.schema
    options.update(row.options)
    return options


def _text_row(
    task: str, row: Row, options: Mapping[str, Any], output: Any, details: Mapping[str, Any]
) -> dict[str, Any]:
    text = str(output)
    found = strip_echo(text, source=row.text, instructions=task_instructions(task, options))
    style = str(options.get("style") or ("summary" if task == "summarize" else "proofread"))
    return {
        "line": row.line,
        "added_facts": added_facts(row.text, text),
        "echo": details.get("echo_removed") or found.removed,
        "length_ratio": round(len(text) / max(1, len(row.text.strip())), 3),
        "language_kept": same_language(row.text, text),
        "rewrote": task == "rewrite" and style == "proofread" and rewrote(row.text, text),
    }


def _extract_row(row: Row, output: Any) -> dict[str, Any]:
    expected = row.expected if isinstance(row.expected, dict) else {}
    got = output if isinstance(output, dict) else {}
    matched = [key for key, value in expected.items() if _same(value, got.get(key))]
    paths = ungrounded(row.text, output)
    leaves = _count_values(output)
    return {
        "line": row.line,
        "fields": len(expected),
        "matched": len(matched),
        "missed": sorted(set(expected) - set(matched)),
        "ungrounded": paths,
        "values": leaves,
    }


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return normalise_text(expected) == normalise_text(got)
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return abs(float(expected) - float(got)) < 1e-9
    return bool(expected == got)


def _count_values(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_values(v) for v in value)
    if isinstance(value, str):
        return 1 if value.strip() else 0
    return 1 if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _summarise(task: str, results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(results)
    if task == "extract":
        fields = sum(r["fields"] for r in results)
        values = sum(r["values"] for r in results)
        return {
            "field_accuracy": round(sum(r["matched"] for r in results) / fields, 4)
            if fields
            else None,
            "grounded_share": round(1 - sum(len(r["ungrounded"]) for r in results) / values, 4)
            if values
            else None,
            "answers_with_ungrounded": round(sum(bool(r["ungrounded"]) for r in results) / n, 4),
        }
    told = [r["language_kept"] for r in results if r["language_kept"] is not None]
    return {
        "added_fact_rate": round(sum(bool(r["added_facts"]) for r in results) / n, 4),
        "echo_rate": round(sum(bool(r["echo"]) for r in results) / n, 4),
        "length_ratio": round(sum(r["length_ratio"] for r in results) / n, 4),
        "language_kept": round(sum(told) / len(told), 4) if told else None,
        "language_told": len(told),
        "rewrote_rate": round(sum(bool(r["rewrote"]) for r in results) / n, 4),
    }


def format_markdown(report: Mapping[str, Any]) -> str:
    lines = [
        f"# hearth eval {report['task']}: {report['data']}",
        "",
        f"Model: {report['model']}; {report['rows']} rows; {report['seconds']} s.",
        "",
    ]
    if report["task"] == "classify":
        lines += [
            f"Labels: {', '.join(report['labels'])}; options as {report['form']}; "
            f"default calibration: {report['default_mode']}; best here: {report['best_mode']}.",
            "",
            "| calibration | accuracy | macro-F1 | ECE | ECE (margin) | AUROC | threshold for 90 % "
            "| share on device at 90 % |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for m in report["modes"]:
            lines.append(
                f"| {m['mode']} | {_f(m['accuracy'])} | {_f(m['macro_f1'])} | {_f(m['ece'])} | "
                f"{_f(m['ece_margin'])} | {_f(m['auroc'])} | {_f(m['threshold_for_90'])} | "
                f"{_f(m['share_on_device_at_90'])} |"
            )
        for m in report["modes"]:
            lines += ["", f"Confusion ({m['mode']}; rows true, columns predicted):", ""]
            lines.append("| | " + " | ".join(report["labels"]) + " |")
            lines.append("| --- " * (len(report["labels"]) + 1) + "|")
            for label, row in zip(report["labels"], m["confusion"], strict=True):
                lines.append(f"| {label} | " + " | ".join(str(c) for c in row) + " |")
    else:
        keys = [k for k in report if k not in _NOT_FIGURES]
        lines += ["| figure | value |", "| --- | --- |"]
        lines += [f"| {key} | {_f(report[key])} |" for key in keys]
    if report.get("warnings"):
        lines += ["", "Warnings:", ""] + [f"- {w}" for w in report["warnings"]]
    return "\n".join(lines) + "\n"


_NOT_FIGURES = {"task", "data", "model", "model_path", "seconds", "rows", "per_row", "warnings"}


def _f(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _exp(x: float) -> float:
    return math.exp(x) if x > -700 else 0.0


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r… {done}/{total}")
        sys.stderr.flush()
