"""Split a long text into parts that each fit a token budget, on natural boundaries.

Paragraphs first, then sentences, and only a single sentence longer than the budget is cut
between words. Nothing is dropped: the parts joined with blank lines hold every word. A single
"word" longer than the whole budget (a long URL, or a run of CJK text with no sentence end) is
not cut: it becomes a part of its own, over the budget.
Token counts of pieces are added up (plus a separator allowance) rather than re-counted for
every candidate join: one counting round trip per level instead of one per piece.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Counter = Callable[[Sequence[str]], list[int]]

# CJK sentence ends need no space after them ("。" then the next sentence); a closing quote
# or bracket right after one stays with its sentence.
_CJK_END = "。！？"
_CJK_CLOSE = "」』）”’"
_SENTENCE_END = re.compile(
    rf"(?<=[.!?])\s+|(?<=[{_CJK_END}])(?![{_CJK_CLOSE}])\s*|(?<=[{_CJK_END}][{_CJK_CLOSE}])\s*"
)


def split_to_fit(text: str, budget: int, count: Counter) -> list[str]:
    if budget < 8:
        raise ValueError("budget too small to split into")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    sized: list[tuple[str, int]] = []
    for paragraph, size in zip(paragraphs, count(paragraphs), strict=True):
        sized.extend(
            [(paragraph, size)] if size <= budget else _sentences(paragraph, budget, count)
        )
    return [part for part, _ in _join(sized, budget, "\n\n", 2)]


def _sentences(paragraph: str, budget: int, count: Counter) -> list[tuple[str, int]]:
    sentences = [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]
    sized: list[tuple[str, int]] = []
    for sentence, size in zip(sentences, count(sentences), strict=True):
        if size <= budget:
            sized.append((sentence, size))
        else:
            words = sentence.split()
            # A space may cost a token of its own (it does for a characters-based count):
            # assuming it is free could overfill a part by one token per word.
            sized.extend(_join(list(zip(words, count(words), strict=True)), budget, " ", 1))
    return _join(sized, budget, " ", 1)


def _join(
    pieces: list[tuple[str, int]], budget: int, separator: str, separator_tokens: int
) -> list[tuple[str, int]]:
    """Greedily join consecutive pieces while their summed size still fits."""
    joined: list[tuple[str, int]] = []
    text, size = "", 0
    for piece, n in pieces:
        if text and size + separator_tokens + n > budget:
            joined.append((text, size))
            text, size = piece, n
        elif text:
            text, size = f"{text}{_glue(text, separator)}{piece}", size + separator_tokens + n
        else:
            text, size = piece, n
    if text:
        joined.append((text, size))
    return joined


def _glue(before: str, separator: str) -> str:
    """No space is put after a CJK sentence end: the text had none there."""
    if separator == " " and before.rstrip(_CJK_CLOSE).endswith(tuple(_CJK_END)):
        return ""
    return separator
