"""Prompt-lookup drafting and the per-token log-probability math, on plain values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hearth.core.engine.batch_scorer import shared_prefix
from hearth.core.engine.kernels import TILED_FROM_TOKENS
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


def test_longer_drafts_while_accepted_and_probes_that_pause_longer_when_not() -> None:
    lookup = PromptLookup([*range(40), 0, 1], max_draft=6)
    lengths = []
    for _ in range(8):
        drafted = lookup.draft(100)
        assert drafted == [2, 3, 4, 5, 6, 7][: len(drafted)]
        lengths.append(len(drafted))
        lookup.record(len(drafted), len(drafted))
    assert lengths == sorted(lengths)  # grows while kept
    assert lengths[0] < lengths[-1] == 6
    for _ in range(3):
        lookup.record(6, 0)  # wholly rejected, again and again
    probe = lookup.draft(100)
    assert len(probe) <= 1
    pauses = []
    for _ in range(4):
        lookup.record(1, 0)
        gap = 0
        while not lookup.draft(100):
            gap += 1
        pauses.append(gap)
    assert pauses == sorted(pauses)  # each miss pauses longer
    assert pauses[-1] > pauses[0]
    lookup.record(1, 1)  # a kept probe: drafting resumes at once
    assert lookup.draft(100) != []
    assert len(lookup.draft(3)) <= 3  # never past the room left in the context


def test_never_more_drafts_than_the_single_token_kernels_verify() -> None:
    lookup = PromptLookup([*range(100), 0, 1])
    for _ in range(20):
        drafted = lookup.draft(100)
        lookup.record(len(drafted), len(drafted))
    assert len(lookup.draft(100)) == TILED_FROM_TOKENS - 2  # a pass of 7: pending + 6


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
