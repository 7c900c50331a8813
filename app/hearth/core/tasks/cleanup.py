"""Remove the chatter small models wrap around an answer when told not to, and the echo of
the prompt some of them start with (`hearth.core.quality.echo` says how it is found)."""

from __future__ import annotations

from collections.abc import Sequence

from hearth.core.quality.echo import Echo, strip_echo


def strip_chatter(text: str) -> str:
    return strip_echo(text).text


def clean_answer(answer: str, source: str, instructions: Sequence[str]) -> Echo:
    """The answer without a preamble, a repeated prompt label or instruction, or a fence around
    it; and what was removed from its start, for the answer's flags (`details["echo_removed"]`).
    An opening the source text itself begins with is kept."""
    return strip_echo(answer, source=source, instructions=instructions)
