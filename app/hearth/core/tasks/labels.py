"""Label sets for classification: names, optional one-line descriptions and examples."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hearth.core.errors import UsageError

MAX_LABELS = 26  # one capital letter each: every option is a distinct single token


@dataclass(frozen=True)
class Label:
    name: str
    description: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)


def parse_labels(value: Any) -> list[Label]:
    """Labels from a comma-separated string, a list of names, or a list of objects
    `{"name": ..., "description": ..., "examples": [...]}`; validated."""
    if isinstance(value, str):
        raw: Sequence[Any] = value.split(",") if value.strip() else []
    elif isinstance(value, Sequence):
        raw = value
    else:
        raise UsageError("Labels must be a list, e.g. --labels spam,ham")
    labels = [_one(item) for item in raw]
    for position, label in enumerate(labels, 1):
        if not label.name:
            # Not dropped silently: a nameless object may carry a description and examples,
            # and a stray comma is more likely a typo than intent.
            raise UsageError(
                f"Label {position} of {len(labels)} has no name; give every label a name, "
                "e.g. --labels spam,ham"
            )
    if len(labels) < 2:
        raise UsageError("Classification needs at least 2 labels, e.g. --labels spam,ham")
    if len(labels) > MAX_LABELS:
        raise UsageError(f"At most {MAX_LABELS} labels can be scored at once; got {len(labels)}.")
    seen: set[str] = set()
    for label in labels:
        key = label.name.casefold()
        if key in seen:
            raise UsageError(f"The label '{label.name}' appears twice; labels must be distinct.")
        seen.add(key)
    return labels


def _one(item: Any) -> Label:
    if isinstance(item, str):
        return Label(_clean(item))
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        examples = item.get("examples") or []
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise UsageError(f"Examples of label '{item['name']}' must be a list of texts.")
        return Label(
            _clean(item["name"]),
            _clean(str(item.get("description") or "")),
            tuple(e.strip() for e in examples if e.strip()),
        )
    raise UsageError(f"Not a label: {item!r}. Give a name, or an object with a 'name'.")


def _clean(text: str) -> str:
    return " ".join(text.split())


def fingerprint(labels: Sequence[Label]) -> str:
    data = json.dumps([[lb.name, lb.description, list(lb.examples)] for lb in labels])
    return hashlib.sha256(data.encode()).hexdigest()[:16]
