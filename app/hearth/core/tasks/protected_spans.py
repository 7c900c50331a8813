"""Spans of a text a rewrite must not change: code, quotations, URLs and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code block", re.compile(r"```.*?```", re.DOTALL)),
    ("inline code", re.compile(r"`[^`\n]+`")),
    ("URL", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")),
    ("quotation", re.compile(r"\"[^\"\n]{1,500}\"|“[^”\n]{1,500}”|«[^»\n]{1,500}»")),
    ("number", re.compile(r"(?<![\w.])[-+]?\d+(?:[.,:/-]\d+)*%?(?![\w])")),
)


# Kinds that a longer match can contain without keeping them (a number in a bigger number).
_WHOLE = {"URL", "number"}


@dataclass(frozen=True)
class ProtectedSpan:
    kind: str
    text: str


def find_protected(text: str) -> list[ProtectedSpan]:
    """Every protected span, outermost first: a number inside a URL is not listed twice."""
    taken: list[tuple[int, int]] = []
    found: list[ProtectedSpan] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s <= start and end <= e for s, e in taken):
                continue
            taken.append((start, end))
            found.append(ProtectedSpan(kind, match.group(0)))
    return found


def missing_spans(original: str, rewritten: str) -> list[ProtectedSpan]:
    """Protected spans of `original` that `rewritten` no longer contains, verbatim.

    A URL or number survives only as a whole URL or number: "5" is not kept by "15" or "5.5",
    nor "https://a.org/x" by "https://a.org/xyz". A span repeated in the original is checked
    once (a concise rewrite may say it once)."""
    whole = {
        kind: {match.group(0) for match in pattern.finditer(rewritten)}
        for kind, pattern in _PATTERNS
        if kind in _WHOLE
    }
    missing: list[ProtectedSpan] = []
    seen: set[str] = set()
    for span in find_protected(original):
        if span.text in seen:
            continue
        seen.add(span.text)
        kept = span.text in whole[span.kind] if span.kind in whole else span.text in rewritten
        if not kept:
            missing.append(span)
    return missing
