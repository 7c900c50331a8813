"""The changes between two versions of a text, word by word, for a proofreading view."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Change:
    kind: str  # "replace" | "insert" | "delete"
    before: str
    after: str
    start: int  # character offset of `before` in the original

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "before": self.before, "after": self.after, "start": self.start}


def word_changes(original: str, revised: str) -> list[Change]:
    a = _TOKEN.findall(original)
    b = _TOKEN.findall(revised)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    changes = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if not before.strip() and not after.strip():
            continue  # whitespace-only differences are not worth showing
        changes.append(Change(op, before, after, offsets[i1]))
    return changes
