"""Calibrating a classifier's label probabilities against the bias of its prompt.

A prompt pushes a model towards some labels whatever the text. Three ways to deal with it:
- `none`: the raw probabilities over the labels.
- `contextual` (Zhao et al., 2021): the bias is the distribution the prompt gives to
  content-free inputs ("N/A", "[MASK]"); divide it out. It needs no data, but a small model's
  answer to "N/A" can be far from its bias on real texts, and then it hurts.
- `batch` (Zhou et al., ICLR 2024): the bias is the mean distribution over the texts seen so
  far with this label set; divide it out. Until many texts are seen the mean is shrunk towards
  uniform (`PRIOR_WEIGHT` pseudo-texts), so the first texts keep their raw ranking: dividing by
  a mix of a distribution and the uniform one never changes which label of that distribution
  is on top, only how sure it looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MODES = ("batch", "contextual", "none")
PRIOR_WEIGHT = 8.0  # pseudo-texts of the uniform distribution in the batch mean
_FLOOR = 1e-9  # a label the bias never picks must not divide by zero


def divide_out(probs: Sequence[float], bias: Sequence[float]) -> list[float]:
    weights = [p / max(b, _FLOOR) for p, b in zip(probs, bias, strict=True)]
    total = sum(weights)
    if total <= 0:
        return [1.0 / len(probs)] * len(probs)
    return [w / total for w in weights]


@dataclass
class BatchPrior:
    """The running mean of the raw distributions seen for one label set (and model)."""

    size: int
    sums: list[float] = field(default_factory=list)
    count: int = 0

    def __post_init__(self) -> None:
        if not self.sums:
            self.sums = [0.0] * self.size

    def add(self, probs: Sequence[float]) -> None:
        for i, p in enumerate(probs):
            self.sums[i] += p
        self.count += 1

    def estimate(self) -> list[float]:
        uniform = 1.0 / self.size
        total = self.count + PRIOR_WEIGHT
        return [(s + PRIOR_WEIGHT * uniform) / total for s in self.sums]


def calibrate_batch(raws: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each distribution calibrated by the batch prior of the texts up to and including it,
    in order: what the app shows when the texts arrive one after another."""
    if not raws:
        return []
    prior = BatchPrior(len(raws[0]))
    out = []
    for raw in raws:
        prior.add(raw)
        out.append(divide_out(raw, prior.estimate()))
    return out
