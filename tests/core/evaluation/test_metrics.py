"""The evaluation's figures on cases small enough to compute by hand."""

from __future__ import annotations

import pytest

from hearth.core.evaluation.calibration import (
    Scored,
    expected_calibration_error,
    reliability_table,
)
from hearth.core.evaluation.classification import evaluate, evaluate_mode
from hearth.core.evaluation.metrics import accuracy, auroc, confusion, coverage_curve, macro_f1


def test_accuracy_and_the_confusion_matrix() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    assert accuracy(gold, predicted) == pytest.approx(3 / 5)
    assert accuracy([], []) is None
    assert confusion(gold, predicted, ["a", "b", "c"]) == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_macro_f1_averages_the_labels_that_occur() -> None:
    # a: tp 1, fp 0, fn 1 -> 2/3; b: tp 2, fp 1, fn 0 -> 4/5
    assert macro_f1(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"]) == pytest.approx(
        (2 / 3 + 4 / 5) / 2
    )
    # c never true: left out; a never predicted: F1 0
    assert macro_f1(["a", "b"], ["b", "b"], ["a", "b", "c"]) == pytest.approx((0 + 2 / 3) / 2)


def test_ece_weighs_each_bins_gap_by_its_share() -> None:
    scored = [Scored(0.95, True), Scored(0.95, False), Scored(0.25, False), Scored(0.25, False)]
    # bin 0.9-1.0: accuracy 0.5, confidence 0.95; bin 0.2-0.3: accuracy 0, confidence 0.25
    assert expected_calibration_error(reliability_table(scored)) == pytest.approx(
        0.5 * 0.45 + 0.5 * 0.25
    )
    assert expected_calibration_error(reliability_table([])) is None


def test_auroc_counts_pairs_ranked_right_and_ties_as_half() -> None:
    right = [Scored(c, True) for c in (0.9, 0.8, 0.4)]
    wrong = [Scored(c, False) for c in (0.7, 0.4)]
    # pairs: 0.9 beats both, 0.8 beats both, 0.4 loses to 0.7 and ties 0.4: 4.5 of 6
    assert auroc(right + wrong) == pytest.approx(4.5 / 6)
    assert auroc(right) is None  # nothing wrong: nothing to rank


def test_the_coverage_curve_trades_local_answers_for_cloud_ones() -> None:
    scored = [Scored(0.9, True), Scored(0.6, False), Scored(0.3, True), Scored(0.3, False)]
    points = coverage_curve(scored)
    assert [p.share_on_device for p in points] == [0.0, 0.25, 0.5, 1.0]
    assert points[0].accuracy_with_cloud == 1.0  # everything to a cloud that is always right
    assert points[1].accuracy_with_cloud == pytest.approx(1.0)  # the one kept was right
    assert points[2].accuracy_on_device == pytest.approx(0.5)
    assert points[2].accuracy_with_cloud == pytest.approx(3 / 4)
    assert points[3].accuracy_with_cloud == pytest.approx(2 / 4)


def test_probabilities_all_on_one_label_are_said_in_the_report() -> None:
    gold = ["spam", "ham"] * 10
    stuck = [[0.8, 0.2]] * 20
    report = evaluate_mode("none", gold, stuck, ["spam", "ham"])
    assert report.accuracy == pytest.approx(0.5)
    assert report.predicted_counts == {"spam": 20, "ham": 0}
    (warning,) = report.warnings
    assert "'spam' for 20 of 20 texts" in warning
    varied = evaluate_mode("none", gold, [[0.8, 0.2], [0.3, 0.7]] * 10, ["spam", "ham"])
    assert varied.warnings == ()
    assert varied.accuracy == 1.0


def test_every_mode_is_reported_from_one_raw_pass() -> None:
    gold = ["a", "b"] * 6
    raws = [[0.7, 0.3], [0.6, 0.4]] * 6  # biased towards a: b is never on top uncalibrated
    reports = {r.mode: r for r in evaluate(gold, raws, ["a", "b"], [0.65, 0.35])}
    assert set(reports) == {"none", "batch", "contextual"}
    assert reports["none"].accuracy == pytest.approx(0.5)
    assert reports["contextual"].accuracy == pytest.approx(1.0)  # dividing out the bias
