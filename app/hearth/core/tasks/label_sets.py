"""Saved label sets for classification, kept as one JSON file under the data dir.

A label set is a name and its labels (names, descriptions, examples), validated by the same
rules the classify task applies. Reading never fails: a damaged file is set aside beside the
real one and the starter sets are offered, with a message saying so. Writes are atomic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth.core.errors import HearthError, UsageError
from hearth.core.files.atomic_write import write_atomically
from hearth.core.tasks.labels import Label, parse_labels

FILE_NAME = "label_sets.json"
VERSION = 1


@dataclass(frozen=True)
class LabelSet:
    name: str
    labels: tuple[Label, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "labels": [
                {"name": lb.name, "description": lb.description, "examples": list(lb.examples)}
                for lb in self.labels
            ],
        }

    def as_option(self) -> list[dict[str, Any]]:
        """The value of the classify task's `labels` option."""
        return self.to_json()["labels"]  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: Any) -> LabelSet:
        if not isinstance(data, dict):
            raise UsageError(f"Not a label set: {data!r}")
        return make_label_set(data.get("name"), data.get("labels"))


def make_label_set(name: Any, labels: Any) -> LabelSet:
    """A validated label set: a non-empty one-line name and at least two distinct labels."""
    clean = " ".join(str(name or "").split())
    if not clean:
        raise UsageError("Give the label set a name.")
    return LabelSet(clean, tuple(parse_labels(labels)))


STARTER_SETS: tuple[LabelSet, ...] = (
    make_label_set(
        "Sentiment",
        [
            {"name": "positive", "description": "pleased, thankful or enthusiastic"},
            {"name": "neutral", "description": "factual, neither pleased nor displeased"},
            {"name": "negative", "description": "unhappy, critical or angry"},
        ],
    ),
    make_label_set(
        "Email triage",
        [
            {"name": "urgent", "description": "needs action today"},
            {"name": "needs reply", "description": "asks a question or a favour"},
            {"name": "FYI", "description": "information only, nothing to do"},
            {"name": "spam", "description": "unsolicited advertising or a scam"},
        ],
    ),
)


@dataclass(frozen=True)
class LoadedLabelSets:
    sets: tuple[LabelSet, ...]
    problems: tuple[str, ...] = ()


class LabelSetStore:
    """Reads and writes the saved label sets; the order of the file is the order shown."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_folder(cls, data_dir: Path) -> LabelSetStore:
        return cls(data_dir / FILE_NAME)

    def load(self) -> LoadedLabelSets:
        try:
            raw = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return LoadedLabelSets(STARTER_SETS)
        except OSError as exc:
            return LoadedLabelSets(STARTER_SETS, (f"Could not read {self.path} ({exc.strerror}).",))
        except (ValueError, RecursionError) as exc:
            return LoadedLabelSets(STARTER_SETS, (self._set_aside(f"not valid JSON ({exc})"),))
        if not isinstance(raw, dict) or not isinstance(raw.get("sets"), list):
            return LoadedLabelSets(STARTER_SETS, (self._set_aside("not a list of label sets"),))
        sets: list[LabelSet] = []
        problems: list[str] = []
        for position, item in enumerate(raw["sets"], 1):
            try:
                sets.append(LabelSet.from_json(item))
            except UsageError as exc:
                problems.append(f"Label set {position} in {self.path} was skipped: {exc.message}")
        return LoadedLabelSets(tuple(sets), tuple(problems))

    def save(self, sets: Sequence[LabelSet]) -> None:
        names = [s.name.casefold() for s in sets]
        duplicate = next((s.name for s in sets if names.count(s.name.casefold()) > 1), None)
        if duplicate is not None:
            raise UsageError(f"There are two label sets named '{duplicate}'; rename one.")
        data = {"version": VERSION, "sets": [s.to_json() for s in sets]}
        try:
            write_atomically(
                self.path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
            )
        except OSError as exc:
            raise HearthError(
                f"Could not save label sets to {self.path}: {exc.strerror or exc}. "
                "The saved sets are unchanged."
            ) from exc

    def put(self, label_set: LabelSet, replacing: str | None = None) -> tuple[LabelSet, ...]:
        """Add `label_set`, or replace the set named `replacing` (or of the same name)."""
        current = list(self.load().sets)
        old = {(replacing or label_set.name).casefold(), label_set.name.casefold()}
        index = next((i for i, s in enumerate(current) if s.name.casefold() in old), None)
        kept = [s for s in current if s.name.casefold() not in old]
        kept.insert(len(kept) if index is None else min(index, len(kept)), label_set)
        self.save(kept)
        return tuple(kept)

    def delete(self, name: str) -> tuple[LabelSet, ...]:
        kept = [s for s in self.load().sets if s.name.casefold() != name.casefold()]
        self.save(kept)
        return tuple(kept)

    def _set_aside(self, why: str) -> str:
        backup = self.path.with_name(self.path.name + ".bak")
        try:
            os.replace(self.path, backup)
            kept = f"it was kept as {backup}"
        except OSError as exc:
            kept = f"it could not be moved aside ({exc.strerror})"
        return f"Saved label sets in {self.path} were damaged ({why}); {kept}."


def label_lines(labels: Sequence[Label]) -> str:
    """Labels as editable text: `name: description` per line, examples as `  e.g. ...`."""
    lines: list[str] = []
    for label in labels:
        lines.append(f"{label.name}: {label.description}" if label.description else label.name)
        lines.extend(f"  e.g. {example}" for example in label.examples)
    return "\n".join(lines)


def parse_label_lines(text: str) -> list[Label]:
    """The inverse of `label_lines`: one label per line, indented `e.g.` lines its examples."""
    items: list[dict[str, Any]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if line[:1].isspace() or stripped.lower().startswith("e.g."):
            if not items:
                raise UsageError(f"The example '{stripped}' comes before any label.")
            example = stripped[4:] if stripped.lower().startswith("e.g.") else stripped
            items[-1]["examples"].append(example.strip())
            continue
        name, _, description = stripped.partition(":")
        items.append({"name": name, "description": description, "examples": []})
    return parse_labels(items)
