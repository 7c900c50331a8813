"""How far the local model's confidence can be trusted, from labelled examples: pure maths.

Input: one `Scored` per example, the confidence the task reported (for classify: the margin
between the two most probable labels) and whether the local answer was right. Output:
- a reliability table: the examples in equal-width confidence bins, each with its accuracy;
- the expected calibration error (ECE): the bins' |accuracy - mean confidence|, weighted by
  their share of the examples. A margin is not a probability of being right (two labels at
  50/50 have margin 0, yet half of such guesses are right), so a margin shows a gap even when
  it ranks the answers well; the ECE of the top label's probability is the textbook figure;
- the threshold for auto mode: the lowest confidence such that the answers at or above it
  (the ones auto mode keeps on the device, since it escalates below the threshold) reach the
  target accuracy, and the share of requests that would then stay on the device. The lowest
  such threshold keeps the most requests local, and its accuracy is measured on the largest
  set of examples, so it is the least noisy choice too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_BINS = 10


@dataclass(frozen=True)
class Scored:
    confidence: float  # 0..1
    correct: bool


@dataclass(frozen=True)
class ReliabilityBin:
    lower: float
    upper: float  # exclusive, except for the last bin, which includes 1.0
    count: int
    accuracy: float | None  # None for an empty bin
    mean_confidence: float | None


@dataclass(frozen=True)
class ThresholdChoice:
    """The recommendation for auto mode at one target accuracy."""

    target: float
    threshold: float  # escalate below it; keep the answer at or above it
    reached: bool  # False: no threshold reaches the target; every request would escalate
    share_on_device: float  # of the examples, the share answered locally at this threshold
    accuracy_on_device: float | None  # their accuracy; None when none stay local
    kept: int  # how many examples stay local


def _clamped(value: float) -> float:
    if not math.isfinite(value):
        return 0.0  # as the policy treats it: a broken confidence is no confidence
    return min(1.0, max(0.0, value))


def reliability_table(scored: Sequence[Scored], bins: int = DEFAULT_BINS) -> list[ReliabilityBin]:
    if bins < 1:
        raise ValueError("bins must be at least 1")
    members: list[list[Scored]] = [[] for _ in range(bins)]
    for item in scored:
        # min(): a confidence of exactly 1.0 belongs to the last bin, not one past it.
        members[min(int(_clamped(item.confidence) * bins), bins - 1)].append(item)
    table = []
    for index, group in enumerate(members):
        count = len(group)
        table.append(
            ReliabilityBin(
                lower=index / bins,
                upper=(index + 1) / bins,
                count=count,
                accuracy=sum(s.correct for s in group) / count if count else None,
                mean_confidence=(
                    sum(_clamped(s.confidence) for s in group) / count if count else None
                ),
            )
        )
    return table


def expected_calibration_error(table: Sequence[ReliabilityBin]) -> float | None:
    """Weighted mean |accuracy - confidence| over the bins; None with no examples."""
    total = sum(b.count for b in table)
    if total == 0:
        return None
    gap = 0.0
    for b in table:
        if b.count and b.accuracy is not None and b.mean_confidence is not None:
            gap += b.count / total * abs(b.accuracy - b.mean_confidence)
    return gap


def recommend_threshold(scored: Sequence[Scored], target: float) -> ThresholdChoice:
    """The lowest threshold at which the answers kept on the device reach `target` accuracy."""
    if not 0.0 < target <= 1.0:
        raise ValueError("the target accuracy must be above 0 and at most 1")
    total = len(scored)
    if total == 0:
        raise ValueError("no examples")
    ranked = sorted(scored, key=lambda s: _clamped(s.confidence), reverse=True)
    best: ThresholdChoice | None = None
    kept = right = 0
    index = 0
    # Walk down from the most confident; a candidate threshold is each distinct confidence,
    # and every example with that same confidence is kept with it (the policy keeps >=).
    while index < total:
        level = _clamped(ranked[index].confidence)
        while index < total and _clamped(ranked[index].confidence) == level:
            kept += 1
            right += ranked[index].correct
            index += 1
        accuracy = right / kept
        # A tiny tolerance: 9 of 10 right must reach a 0.9 target despite binary fractions.
        if accuracy >= target - 1e-12:
            best = ThresholdChoice(target, level, True, kept / total, accuracy, kept)
    if best is not None:
        return best
    # Nothing reaches the target: keep only answers of full confidence (none, in practice).
    at_one = [s for s in scored if _clamped(s.confidence) >= 1.0]
    accuracy_at_one = sum(s.correct for s in at_one) / len(at_one) if at_one else None
    return ThresholdChoice(target, 1.0, False, len(at_one) / total, accuracy_at_one, len(at_one))


def accuracy(scored: Sequence[Scored]) -> float | None:
    return sum(s.correct for s in scored) / len(scored) if scored else None
