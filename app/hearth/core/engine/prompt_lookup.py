"""Prompt-lookup drafting: guess the next tokens by finding the latest n-gram in the text so far.

When the model proofreads or rewrites, its answer mostly copies the input: after the last few
tokens it wrote, the likeliest continuation is whatever followed the same tokens in the prompt
(or earlier in its own answer). Those guesses are verified by the model in one batch
(`speculative.SpeculativeDecoder`); this module only proposes them and decides how many to
propose, so it needs no model and is tested on plain lists.

How many: a batch of k+1 tokens costs more than one token (on a CPU about an eighth of a
decoded token per extra position), so rejected drafts are not free. The draft length grows
while drafts are accepted and the drafter pauses, for exponentially longer, after drafts that
were wholly rejected: on a prompt the answer does not copy, it soon proposes almost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable


class PromptLookup:
    """The token history and an index of where each n-gram was last followed by a token."""

    def __init__(
        self, tokens: Iterable[int], *, min_ngram: int = 2, max_ngram: int = 4, max_draft: int = 10
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
        # Adaptive draft length and back-off (see the module's docstring).
        self._length = 4
        self._pause = 0
        self._penalty = 0

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
        return self.lookup(min(self._length, self.max_draft, room))

    def record(self, proposed: int, accepted: int) -> None:
        """How the last drafts fared: adapts the length and the pause."""
        if proposed == 0:
            return
        if accepted == proposed:
            self._length = min(self._length * 2, self.max_draft)
            self._penalty = 0
        elif accepted > 0:
            self._length = max(2, accepted + 1)
            self._penalty = 0
        else:
            self._length = max(1, self._length // 2)
            self._penalty = min(self._penalty * 2 or 1, 64)
            self._pause = self._penalty


__all__ = ["PromptLookup"]
