"""Confidence of generated text: exp(mean of the lowest ⌈0.1·n⌉ token log-probabilities)."""

from __future__ import annotations

import math
import random

import pytest

from hearth.core.tasks.confidence import LOW_SHARE, generation_confidence

UNLIKELY = math.log(1e-4)


def expected(logprobs: list[float]) -> float:
    k = math.ceil(0.1 * len(logprobs))
    lowest = sorted(logprobs)[:k]
    return math.exp(sum(lowest) / len(lowest))


def test_no_tokens_means_no_confidence() -> None:
    assert generation_confidence([]) is None


def test_only_non_finite_values_means_no_confidence() -> None:
    assert generation_confidence([math.nan, math.inf, -math.inf]) is None


def test_non_finite_values_are_ignored() -> None:
    clean = [-0.1, -2.0, -0.5]
    noisy = [math.nan, -0.1, -math.inf, -2.0, math.inf, -0.5, math.nan]
    assert generation_confidence(noisy) == generation_confidence(clean)


@pytest.mark.parametrize("n", [1, 5, 10, 100, 1000])
def test_tokens_the_model_was_certain_of_give_1(n: int) -> None:
    assert generation_confidence([0.0] * n) == 1.0


def test_one_unlikely_token_costs_less_in_a_long_answer() -> None:
    short = [0.0] * 4 + [UNLIKELY]
    long = [0.0] * 99 + [UNLIKELY]
    short_confidence = generation_confidence(short)
    long_confidence = generation_confidence(long)
    assert short_confidence is not None
    assert long_confidence is not None
    assert short_confidence < long_confidence < 1.0
    assert short_confidence == pytest.approx(1e-4)
    assert long_confidence == pytest.approx(math.exp(UNLIKELY / 10))


def test_more_unlikely_tokens_lower_it() -> None:
    one = generation_confidence([0.0] * 99 + [UNLIKELY])
    three = generation_confidence([0.0] * 97 + [UNLIKELY] * 3)
    assert one is not None
    assert three is not None
    assert three < one


def test_the_share_is_ten_percent() -> None:
    assert LOW_SHARE == 0.1


@pytest.mark.parametrize(
    ("logprobs", "k"),
    [
        ([-0.5], 1),
        ([-0.1, -3.0, -0.2, -0.05, -1.0], 1),  # short answers: their least likely token
        ([-0.1] * 9 + [-2.0], 1),
        ([-0.1] * 9 + [-2.0, -4.0], 2),  # n = 11: ⌈1.1⌉ = 2
        ([-0.01 * i for i in range(20)], 2),
        ([-0.3, -0.2, -5.0, -0.1] * 10 + [-7.0], 5),  # n = 41: ⌈4.1⌉ = 5
    ],
)
def test_it_is_the_geometric_mean_of_the_lowest_tenth(logprobs: list[float], k: int) -> None:
    assert math.ceil(0.1 * len(logprobs)) == k
    assert generation_confidence(logprobs) == pytest.approx(expected(logprobs))


def test_order_does_not_matter() -> None:
    rng = random.Random(7)
    logprobs = [-rng.expovariate(2.0) for _ in range(57)]
    shuffled = list(logprobs)
    rng.shuffle(shuffled)
    assert generation_confidence(shuffled) == generation_confidence(logprobs)


@pytest.mark.parametrize("seed", range(50))
def test_it_is_always_within_0_and_1(seed: int) -> None:
    rng = random.Random(seed)
    values = [
        rng.choice([0.0, -rng.expovariate(1.0), -rng.uniform(0, 1000), rng.uniform(0, 3)])
        for _ in range(rng.randint(1, 300))
    ]
    confidence = generation_confidence(values)
    assert confidence is not None
    assert 0.0 <= confidence <= 1.0
    if all(v <= 0 for v in values):
        assert confidence == pytest.approx(expected(values))


def test_positive_log_probabilities_are_clamped_to_1() -> None:
    assert generation_confidence([0.5, 0.2]) == 1.0


def test_extremely_unlikely_tokens_give_0_not_an_error() -> None:
    assert generation_confidence([-1e6, 0.0]) == 0.0
