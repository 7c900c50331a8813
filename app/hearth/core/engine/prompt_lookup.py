"""Prompt-lookup drafting: guess the next tokens by finding the latest n-gram in the text so far.

When the model proofreads or rewrites, its answer mostly copies the input: after the last few
tokens it wrote, the likeliest continuation is whatever followed the same tokens in the prompt
(or earlier in its own answer). Those guesses are verified by the model in one batch
(`speculative.SpeculativeDecoder`); this module only proposes them and decides how many to
propose, so it needs no model and is tested on plain lists.

How many: verifying k drafts costs more than decoding one token (each extra token in the pass
about 0.4 of a decoded one on this project's CPUs, `DRAFT_COST`), so a draft must be likely to
be kept. The drafter keeps a running estimate of how often a draft token is accepted and
proposes the length that maximizes the expected tokens per unit of cost; where drafting does
not pay it still probes with one token now and then, pausing longer after each wholly rejected
probe, so on an answer that does not copy it soon proposes almost nothing. At most `max_draft`
(see `kernels`: verification must stay on the single-token kernels).
"""

from __future__ import annotations

from collections.abc import Iterable

from hearth.core.engine.kernels import MAX_DRAFTS

# The cost of one more token in a verification pass, in decoded tokens (measured 0.34 on the 1B
# shape and 0.36 on SmolLM2 in the exact layout, passes of 1-7: docs/benchmarks.md; rounded up),
# the acceptance assumed before any draft, and how fast the estimate moves (these three were
# chosen by simulating SmolLM2's answers: the best of a 96-point grid within 0.5%).
DRAFT_COST = 0.4
PRIOR_ACCEPTANCE = 0.6
SMOOTHING = 0.3
MAX_PAUSE = 64


class PromptLookup:
    """The token history, an index of where each n-gram was last followed by a token, and the
    adaptive draft length."""

    def __init__(
        self,
        tokens: Iterable[int],
        *,
        min_ngram: int = 2,
        max_ngram: int = 4,
        max_draft: int = MAX_DRAFTS,
    ) -> None:
        if not 1 <= min_ngram <= max_ngram:
            raise ValueError("need 1 <= min_ngram <= max_ngram")
        self.min_ngram = min_ngram
        self.max_ngram = max_ngram
        self.max_draft = max_draft
        self._tokens: list[int] = []
        # n-gram -> index of the token that followed its latest occurrence
        self._next: dict[tuple[int, ...], int] = {}
        for token in tokens:
            self.append(token)
        self._acceptance = PRIOR_ACCEPTANCE  # per draft token, given the ones before it kept
        self._pause = 0
        self._misses = 0  # wholly rejected probes in a row

    def __len__(self) -> int:
        return len(self._tokens)

    def append(self, token: int) -> None:
        tokens = self._tokens
        tokens.append(token)
        end = len(tokens) - 1  # the new token follows the n-grams that end just before it
        for n in range(self.min_ngram, self.max_ngram + 1):
            if end >= n:
                self._next[tuple(tokens[end - n : end])] = end

    def extend(self, tokens: Iterable[int]) -> None:
        for token in tokens:
            self.append(token)

    def lookup(self, limit: int) -> list[int]:
        """Up to `limit` tokens that followed the longest n-gram matching the history's end."""
        tokens = self._tokens
        for n in range(min(self.max_ngram, len(tokens)), self.min_ngram - 1, -1):
            start = self._next.get(tuple(tokens[-n:]))
            if start is not None:
                return tokens[start : start + limit]
        return []

    def draft(self, room: int) -> list[int]:
        """The drafts to verify next (maybe none), at most `room` of them."""
        if self._pause > 0:
            self._pause -= 1
            return []
        return self.lookup(self._length(min(self.max_draft, room)))

    def _length(self, limit: int) -> int:
        """The length with the most expected tokens per unit of cost; 1 (a probe) when no
        length pays."""
        best, best_value = 1, 1.0
        expected, kept = 1.0, 1.0
        for k in range(1, limit + 1):
            kept *= self._acceptance
            expected += kept
            value = expected / (1 + DRAFT_COST * k)
            if value > best_value:
                best, best_value = k, value
        return min(best, limit)

    def record(self, proposed: int, accepted: int) -> None:
        """How the last drafts fared: updates the acceptance estimate and the pause."""
        if proposed == 0:
            return
        trials = accepted + (1 if accepted < proposed else 0)
        self._acceptance += SMOOTHING * (accepted / trials - self._acceptance)
        if accepted > 0:
            self._misses = 0
        elif self._acceptance < DRAFT_COST:
            self._misses += 1
            self._pause = min(2**self._misses, MAX_PAUSE)


__all__ = ["PromptLookup"]
