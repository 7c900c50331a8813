"""Labelled data for `hearth eval`: one JSON object a line, read with every problem named.

A line that is not a JSON object, or lacks its text, is skipped with a warning naming it; so
is a label not in the given label set. What cannot give a meaningful figure is an error:
fewer than `MIN_ROWS` usable rows, or (for classification) a single label.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth.core.errors import UsageError

MIN_ROWS = 10
_SHOWN = 8  # line numbers named in one warning
_SHAPES = {
    "text": '{"text": "..."}',
    "label": '{"text": "...", "label": "..."}',
    "expected": '{"text": "...", "expected": {...}}',
}


@dataclass(frozen=True)
class Row:
    line: int
    text: str
    label: str | None = None  # classify
    expected: Any = None  # extract: the object the text holds
    options: dict[str, Any] = field(default_factory=dict)  # per-row task options


@dataclass(frozen=True)
class DataSet:
    path: Path
    rows: tuple[Row, ...]
    labels: tuple[str, ...]  # classify: the label set, in the order given or first seen
    warnings: tuple[str, ...]


def read_rows(path: Path, *, need: str = "text") -> tuple[list[Row], list[str]]:
    """Every usable row and warnings naming the lines skipped. `need`: "label" or "expected"
    besides the text."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        raise UsageError(f"The data file {path} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read the data file {path}: {exc.strerror or exc}.") from None
    rows: list[Row] = []
    bad: list[int] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            bad.append(number)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            bad.append(number)
            continue
        if not item["text"].strip():
            bad.append(number)
            continue
        label = item.get("label")
        if need == "label" and not (isinstance(label, str) and label.strip()):
            bad.append(number)
            continue
        if need == "expected" and "expected" not in item:
            bad.append(number)
            continue
        options = item.get("options") if isinstance(item.get("options"), dict) else {}
        rows.append(
            Row(
                number,
                item["text"],
                " ".join(label.split()) if isinstance(label, str) else None,
                item.get("expected"),
                dict(options or {}),
            )
        )
    warnings = []
    if bad:
        shape = _SHAPES.get(need, _SHAPES["text"])
        warnings.append(f"{path}: skipped {len(bad)} line(s) that are not {shape}: {_lines(bad)}.")
    return rows, warnings


def read_labelled(path: Path, labels: Sequence[str] | None = None) -> DataSet:
    """Rows for classification. With `labels`, rows of another label are skipped (named);
    without, the labels are those of the data, in the order first seen."""
    rows, warnings = read_rows(path, need="label")
    if labels:
        by_key = {label.casefold(): label for label in labels}
        unknown = [row.line for row in rows if (row.label or "").casefold() not in by_key]
        if unknown:
            warnings.append(
                f"{path}: skipped {len(unknown)} line(s) whose label is not one of "
                f"{', '.join(labels)}: {_lines(unknown)}."
            )
        rows = [
            Row(row.line, row.text, by_key[(row.label or "").casefold()])
            for row in rows
            if (row.label or "").casefold() in by_key
        ]
        order = tuple(labels)
    else:
        seen: dict[str, str] = {}
        for row in rows:
            seen.setdefault((row.label or "").casefold(), row.label or "")
        rows = [Row(row.line, row.text, seen[(row.label or "").casefold()]) for row in rows]
        order = tuple(seen.values())
    _enough(path, rows)
    present = {row.label for row in rows}
    if len(present) < 2:
        raise UsageError(
            f"{path}: every usable row has the label '{next(iter(present))}'; accuracy on a "
            "single class says nothing about the classifier. Add rows of the other labels."
        )
    missing = [label for label in order if label not in present]
    if missing:
        warnings.append(f"{path}: no row has the label(s) {', '.join(missing)}.")
    return DataSet(path, tuple(rows), order, tuple(warnings))


def _enough(path: Path, rows: Sequence[Row]) -> None:
    if len(rows) < MIN_ROWS:
        raise UsageError(
            f"{path} has {len(rows)} usable row(s); an evaluation needs at least {MIN_ROWS} "
            "(and a few hundred for figures that are more than a rough guide)."
        )


def read_unlabelled(path: Path, *, need: str = "text") -> tuple[list[Row], list[str]]:
    rows, warnings = read_rows(path, need=need)
    _enough(path, rows)
    return rows, warnings


def _lines(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_SHOWN])
    more = f" and {len(numbers) - _SHOWN} more" if len(numbers) > _SHOWN else ""
    return f"line {shown}{more}" if len(numbers) == 1 else f"lines {shown}{more}"
