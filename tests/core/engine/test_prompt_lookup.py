"""Prompt-lookup drafting and the per-token log-probability math, on plain values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hearth.core.engine.batch_scorer import shared_prefix
from hearth.core.engine.log_probs import LogNormalizer, NonFiniteLogits
from hearth.core.engine.prompt_lookup import PromptLookup


def test_drafts_what_followed_the_longest_matching_ngram() -> None:
    # "a b c d e" in the prompt; the answer so far ends with "b c": the draft is "d e".
    lookup = PromptLookup([1, 2, 3, 4, 5, 9, 2, 7], min_ngram=2)
    lookup.extend([2, 3])
    assert lookup.lookup(5) == [4, 5, 9, 2, 7][:5]
    assert lookup.lookup(2) == [4, 5]


def test_prefers_the_longer_match() -> None:
    # "x 2 3" is followed by 8, plain "2 3" last by 4: the 3-gram wins.
    lookup = PromptLookup([7, 2, 3, 8, 1, 2, 3, 4], min_ngram=2, max_ngram=3)
    lookup.extend([7, 2, 3])
    assert lookup.lookup(1) == [8]


def test_no_match_no_draft() -> None:
    lookup = PromptLookup([1, 2, 3, 4])
    lookup.extend([9, 8])
    assert lookup.draft(10) == []


def test_backs_off_after_rejections_and_grows_after_acceptance() -> None:
    lookup = PromptLookup([*range(40), 0, 1], max_draft=10)
    first = lookup.draft(100)
    assert first == [2, 3, 4, 5]
    lookup.record(len(first), len(first))
    assert len(lookup.draft(100)) == 8  # doubled
    lookup.record(8, 0)  # wholly rejected: pause one draft
    assert lookup.draft(100) == []
    assert lookup.draft(100) != []
    lookup.record(4, 0)  # rejected again: the pause doubles
    assert [lookup.draft(100) for _ in range(2)] == [[], []]
    assert lookup.draft(100) != []
    assert len(lookup.draft(3)) <= 3  # never past the room left in the context


def test_log_norm_matches_logaddexp_and_catches_nan_and_inf() -> None:
    rng = np.random.default_rng(1)
    row = (rng.normal(size=5000) * 8).astype(np.float32)
    norm = LogNormalizer(5000)
    expected = float(np.logaddexp.reduce(row.astype(np.float64)))
    assert norm.log_norm(row) == pytest.approx(expected, abs=1e-5)
    assert norm.token_logprob(row, 3) == pytest.approx(float(row[3]) - expected, abs=1e-5)
    (pair,) = norm.group_logprobs(row, [[3, 4]])
    assert pair == pytest.approx(math.log(math.exp(row[3]) + math.exp(row[4])) - expected, 1e-5)
    for bad in (math.nan, math.inf):
        broken = row.copy()
        broken[17] = bad
        with pytest.raises(NonFiniteLogits):
            norm.log_norm(broken)


def test_shared_prefix_leaves_each_prompt_a_token_of_its_own() -> None:
    assert shared_prefix([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 3, 6, 7]]) == 3
    assert shared_prefix([[1, 2, 3], [1, 2, 3, 4]]) == 2
    assert shared_prefix([[5, 6]]) == 1
    assert shared_prefix([[1], [2]]) == 0
