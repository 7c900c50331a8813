"""A classifier's figures on labelled data, for each calibration mode, from one pass.

The model is run once per text without calibration (the raw label distribution); every mode
is then computed from those: `none` as is, `contextual` divided by the content-free bias,
`batch` divided by the running mean of the texts before and including it, in file order (as
the app sees texts arrive). The confidence is the app's: the margin between the top two labels.
The ECE is reported for the top label's probability (the textbook figure) and for the margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hearth.core.evaluation.calibration import (
    ReliabilityBin,
    Scored,
    expected_calibration_error,
    recommend_threshold,
    reliability_table,
)
from hearth.core.evaluation.metrics import (
    CoveragePoint,
    accuracy,
    auroc,
    confusion,
    coverage_curve,
    macro_f1,
)
from hearth.core.tasks.label_calibration import calibrate_batch, divide_out

# One label for this share of the texts or more: the report says the model is stuck on it.
DOMINANT_SHARE = 0.9


@dataclass(frozen=True)
class ModeReport:
    mode: str
    accuracy: float
    macro_f1: float | None
    confusion: list[list[int]]
    ece: float | None  # of the top label's probability
    ece_margin: float | None
    auroc: float | None  # of the margin, for "the answer is right"
    reliability: list[ReliabilityBin]  # of the top label's probability
    coverage: list[CoveragePoint]  # of the margin
    threshold_90: float | None  # the lowest threshold keeping 90 % right on the device
    share_on_device_90: float
    predicted_counts: dict[str, int]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "accuracy": _r(self.accuracy),
            "macro_f1": _r(self.macro_f1),
            "ece": _r(self.ece),
            "ece_margin": _r(self.ece_margin),
            "auroc": _r(self.auroc),
            "confusion": self.confusion,
            "predicted": self.predicted_counts,
            "threshold_for_90": _r(self.threshold_90),
            "share_on_device_at_90": _r(self.share_on_device_90),
            "reliability": [
                {
                    "lower": _r(b.lower),
                    "upper": _r(b.upper),
                    "count": b.count,
                    "accuracy": _r(b.accuracy),
                    "mean_confidence": _r(b.mean_confidence),
                }
                for b in self.reliability
            ],
            "coverage": [
                {
                    "threshold": _r(min(p.threshold, 1.0)),
                    "share_on_device": _r(p.share_on_device),
                    "accuracy_on_device": _r(p.accuracy_on_device),
                    "accuracy_with_cloud": _r(p.accuracy_with_cloud),
                }
                for p in self.coverage
            ],
            "warnings": list(self.warnings),
        }


def calibrated_modes(
    raws: Sequence[Sequence[float]], bias: Sequence[float] | None
) -> dict[str, list[list[float]]]:
    modes = {"none": [list(r) for r in raws], "batch": calibrate_batch(raws)}
    if bias is not None:
        modes["contextual"] = [divide_out(r, bias) for r in raws]
    return modes


def evaluate_mode(
    mode: str, gold: Sequence[str], probs: Sequence[Sequence[float]], labels: Sequence[str]
) -> ModeReport:
    predicted = [labels[max(range(len(p)), key=p.__getitem__)] for p in probs]
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    top = [Scored(max(p), c) for p, c in zip(probs, correct, strict=True)]
    margins = [Scored(_margin(p), c) for p, c in zip(probs, correct, strict=True)]
    table = reliability_table(top)
    choice = recommend_threshold(margins, 0.9)
    counts = {label: predicted.count(label) for label in labels}
    warnings = []
    most = max(counts, key=counts.__getitem__)
    if counts[most] >= DOMINANT_SHARE * len(predicted):
        warnings.append(
            f"{mode}: the answer is '{most}' for {counts[most]} of {len(predicted)} texts; the "
            "model's probabilities sit on one label, so its accuracy is mostly that label's "
            "share of the data."
        )
    return ModeReport(
        mode=mode,
        accuracy=accuracy(gold, predicted) or 0.0,
        macro_f1=macro_f1(gold, predicted, labels),
        confusion=confusion(gold, predicted, labels),
        ece=expected_calibration_error(table),
        ece_margin=expected_calibration_error(reliability_table(margins)),
        auroc=auroc(margins),
        reliability=table,
        coverage=coverage_curve(margins),
        threshold_90=choice.threshold if choice.reached else None,
        share_on_device_90=choice.share_on_device if choice.reached else 0.0,
        predicted_counts=counts,
        warnings=tuple(warnings),
    )


def evaluate(
    gold: Sequence[str],
    raws: Sequence[Sequence[float]],
    labels: Sequence[str],
    bias: Sequence[float] | None,
) -> list[ModeReport]:
    return [
        evaluate_mode(mode, gold, probs, labels)
        for mode, probs in calibrated_modes(raws, bias).items()
    ]


def _margin(probs: Sequence[float]) -> float:
    ranked = sorted(probs, reverse=True)
    return ranked[0] - ranked[1] if len(ranked) > 1 else ranked[0]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
