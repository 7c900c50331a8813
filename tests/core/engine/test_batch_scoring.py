"""Batched scoring (`score_batch`): several sequences per forward pass in the engine host, the
same answers as one request at a time, on a real generated model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions, ScoreRequest
from hearth.core.errors import HearthError
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.labels import parse_labels

TEXTS = [
    "I was charged twice for my subscription this month.",
    "The app crashes when I open the settings.",
    "I forgot my password.",
    "Thank you, your support team was great!",
    "Do you have an office in Lisbon?",
    "Export to PDF does nothing since the update, and it did work before it.",
    "N/A",
]


@pytest.fixture(params=["tiny_q4_model", "small_q4k_model"])
def engine(hearth_home: Path, request: pytest.FixtureRequest) -> Iterator[EngineClient]:
    # Q4_1, and Q4_K_M (whose weights llama.cpp multiplies with another kernel from 8 tokens on)
    model: Path = request.getfixturevalue(request.param)
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(model), context_size=1024, threads=1))
    yield client
    client.close()


def requests() -> list[ScoreRequest]:
    labels = parse_labels(["billing", "technical", "account", "feedback", "other"])
    return [Classify().build_request(text, labels) for text in TEXTS]


@pytest.mark.parametrize("parallel", [1, 3, 8])
def test_batch_gives_the_one_at_a_time_probabilities(engine: EngineClient, parallel: int) -> None:
    batch = requests()
    alone = [engine.score(r).logprobs for r in batch]
    together = engine.score_batch(batch, parallel=parallel)
    assert len(together) == len(batch)
    for one, many in zip(alone, together, strict=True):
        assert len(many.logprobs) == 5
        assert max(range(5), key=lambda i: many.logprobs[i]) == max(range(5), key=lambda i: one[i])
        # The exact layout, and passes of 8+ tokens: the same logits to the bit.
        assert many.logprobs == one
        # The label list was computed once, for every text.
        assert 0 < many.stats.cached_prompt_tokens < many.stats.prompt_tokens


def test_a_second_batch_reuses_the_cached_prefix_and_a_new_one_replaces_it(
    engine: EngineClient,
) -> None:
    first = engine.score_batch(requests()[:4], parallel=2)
    again = engine.score_batch(requests()[4:], parallel=2)
    assert [r.logprobs for r in again] == [r.logprobs for r in engine.score_batch(requests()[4:])]
    other = parse_labels(["spam", "ham"])
    spam = [Classify().build_request(t, other) for t in TEXTS[:3]]
    for many, one in zip(engine.score_batch(spam, parallel=3), spam, strict=True):
        assert many.logprobs == pytest.approx(engine.score(one).logprobs, abs=1e-3)
    assert len(first) == 4


def test_a_text_longer_than_one_batch_is_scored_alone(engine: EngineClient) -> None:
    labels = parse_labels(["a", "b"])
    long_text = " ".join(f"w{i % 10}" for i in range(220))  # > 512 byte-level tokens
    batch = [Classify().build_request(t, labels) for t in ("short", long_text, "also short")]
    together = engine.score_batch(batch, parallel=3)
    for one, many in zip(batch, together, strict=True):
        assert many.logprobs == pytest.approx(engine.score(one).logprobs, abs=1e-3)


def test_an_empty_batch_and_a_bad_parallel(engine: EngineClient) -> None:
    assert engine.score_batch([], parallel=4) == []
    with pytest.raises(HearthError, match="parallel"):
        engine.score_batch(requests()[:2], parallel=0)


def test_f16_weights_are_scored_one_at_a_time(hearth_home: Path, tiny_model: Path) -> None:
    # llama.cpp multiplies a batch by F16 weights with another kernel than one token, so the
    # host does not batch them; the answers are the one-text ones (up to prefix caching).
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    try:
        client.load(LoadOptions(str(tiny_model), context_size=1024, threads=1))
        batch = requests()
        together = client.score_batch(batch, parallel=4)
        for many, request in zip(together, batch, strict=True):
            assert many.logprobs == pytest.approx(client.score(request).logprobs, abs=1e-3)
    finally:
        client.close()


def test_a_text_scored_again_from_the_cache_gets_the_same_probabilities(
    engine: EngineClient,
) -> None:
    # The second time the whole prompt is cached: a 1-token pass, which on K-quant weights
    # llama.cpp multiplies with another kernel than a longer one (0.05 apart on the 1B shape)
    # unless the scorer recomputes enough cached tokens (batch_scorer.MIN_PASS).
    first, other = requests()[0], requests()[1]
    cold = engine.score(first).logprobs
    assert engine.score(first).logprobs == cold
    engine.score(other)
    assert engine.score_batch([other, first], parallel=2)[1].logprobs == cold
