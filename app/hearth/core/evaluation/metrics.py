"""Figures of a classifier on labelled data: accuracy, macro-F1, the confusion matrix, AUROC of
the confidence for "the answer is right", and the coverage curve of auto mode.

Coverage: at each threshold, the share of texts auto mode keeps on the device (confidence at or
above the threshold), their accuracy, and the accuracy of all answers when a cloud that is
always right answers the rest: what a user trades by raising the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hearth.core.evaluation.calibration import Scored


@dataclass(frozen=True)
class CoveragePoint:
    threshold: float
    share_on_device: float
    accuracy_on_device: float | None  # None when nothing stays local
    accuracy_with_cloud: float  # device answers above the threshold, a perfect cloud below


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    if not gold:
        return None
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def confusion(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows: the true label; columns: the predicted one; in the order of `labels`."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float | None:
    """The mean F1 over the labels that occur in `gold` (a label never true has no recall)."""
    present = [label for label in labels if label in set(gold)]
    if not present:
        return None
    scores = []
    for label in present:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def auroc(scored: Sequence[Scored]) -> float | None:
    """The chance that a right answer has a higher confidence than a wrong one (ties count
    half); None when all answers are right or all wrong: there is nothing to rank."""
    right = [s.confidence for s in scored if s.correct]
    wrong = [s.confidence for s in scored if not s.correct]
    if not right or not wrong:
        return None
    # Rank-sum (Mann-Whitney U) with average ranks for ties: O(n log n).
    ordered = sorted((s.confidence, s.correct) for s in scored)
    rank_sum = 0.0
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2
        rank_sum += average_rank * sum(1 for k in range(i, j) if ordered[k][1])
        i = j
    u = rank_sum - len(right) * (len(right) + 1) / 2
    return u / (len(right) * len(wrong))


def coverage_curve(scored: Sequence[Scored]) -> list[CoveragePoint]:
    """One point per distinct confidence, from keeping everything to keeping the surest."""
    total = len(scored)
    if total == 0:
        return []
    ranked = sorted(scored, key=lambda s: s.confidence, reverse=True)
    points = [CoveragePoint(1.0 + 1e-9, 0.0, None, 1.0)]  # everything to the cloud
    kept = right = 0
    index = 0
    while index < total:
        level = ranked[index].confidence
        while index < total and ranked[index].confidence == level:
            kept += 1
            right += ranked[index].correct
            index += 1
        with_cloud = (right + (total - kept)) / total
        points.append(CoveragePoint(level, kept / total, right / kept, with_cloud))
    return points
