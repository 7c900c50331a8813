"""What a long job will take, said before it starts.

A 10 MB text for summarize began "part 1 of 621" and would have run for hours with no word
about it. `estimate_summary` gives the number of parts and a rough time from the text's size,
the context, and the machine's speed (measured ones when the caller has them, else the figures
of a 1B model on a two-core laptop), so a front end can say so up front and let the user stop.
The arithmetic mirrors Summarize's map-reduce: parts that fill the context beside the
instructions and the answer, each summarized to a third of its size, rounds until one fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Measured on a two-core laptop with a 1B Q4_K_M model (shared/field-notes.md).
PREFILL_TOKENS_PER_S = 88.0
DECODE_TOKENS_PER_S = 28.0
CHARS_PER_TOKEN = 4.0  # English prose with a real tokenizer
INSTRUCTION_TOKENS = 150  # the task's framing, around each part
MAX_SUMMARY_TOKENS = 400
PART_SHARE = 1 / 3
# Below this a job is not worth a warning.
WORTH_SAYING_S = 60.0


@dataclass(frozen=True)
class JobEstimate:
    parts: int  # pieces summarized in the first round (1: the text fits at once)
    rounds: int  # map rounds before the final summary
    seconds: float

    @property
    def long(self) -> bool:
        return self.seconds >= WORTH_SAYING_S

    def describe(self) -> str:
        """One line for the user, e.g. "621 parts in 3 rounds, roughly 4 h on this machine"."""
        if self.parts <= 1:
            return f"one pass, roughly {_duration(self.seconds)}"
        rounds = f" in {self.rounds} rounds" if self.rounds > 1 else ""
        return f"{self.parts} parts{rounds}, roughly {_duration(self.seconds)} on this machine"


def estimate_summary(
    chars: int,
    context_size: int,
    *,
    prefill_tokens_per_s: float = PREFILL_TOKENS_PER_S,
    decode_tokens_per_s: float = DECODE_TOKENS_PER_S,
    chars_per_token: float = CHARS_PER_TOKEN,
) -> JobEstimate:
    """Parts and rough time to summarize a text of `chars` characters."""
    answer = min(MAX_SUMMARY_TOKENS, context_size // 4)
    budget = max(64, context_size - INSTRUCTION_TOKENS - answer - 32)
    part_tokens = max(16, min(MAX_SUMMARY_TOKENS, int(budget * PART_SHARE)))
    size = math.ceil(chars / chars_per_token)
    seconds = 0.0
    first_parts = 0
    rounds = 0
    while size > budget and rounds < 8:
        rounds += 1
        parts = math.ceil(size / budget)
        first_parts = first_parts or parts
        seconds += parts * (
            (budget + INSTRUCTION_TOKENS) / prefill_tokens_per_s + part_tokens / decode_tokens_per_s
        )
        size = parts * part_tokens
    seconds += (size + INSTRUCTION_TOKENS) / prefill_tokens_per_s + answer / decode_tokens_per_s
    return JobEstimate(max(1, first_parts), rounds, seconds)


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 90:
        return f"{seconds / 60:.0f} min"
    return f"{max(1, round(seconds))} s"
