"""The calibration mode is chosen by the issue's rule: never worse than none beyond the noise."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hearth.core.evaluation.classification import ModeReport, evaluate_mode
from hearth.core.evaluation.mode_choice import choose_form, choose_mode, noise_of


def _report(mode: str, accuracy: float, ece: float) -> ModeReport:
    base = evaluate_mode(mode, ["a", "b"], [[0.6, 0.4], [0.4, 0.6]], ["a", "b"])
    return replace(base, accuracy=accuracy, ece=ece)


def test_noise_is_a_standard_error_and_at_least_one_text() -> None:
    assert noise_of(0.75, 100) == pytest.approx((0.75 * 0.25 / 100) ** 0.5)
    assert noise_of(1.0, 50) == pytest.approx(1 / 50)


def test_a_real_gain_that_keeps_the_ece_wins() -> None:
    choice = choose_mode(
        [
            _report("none", 0.70, 0.08),
            _report("batch", 0.85, 0.09),
            _report("contextual", 0.84, 0.05),
        ],
        200,
    )
    assert choice.mode == "batch"
    assert "85%" in choice.reason
    assert "70%" in choice.reason


def test_a_gain_that_raises_the_ece_is_refused_and_said_so() -> None:
    choice = choose_mode([_report("none", 0.76, 0.08), _report("batch", 0.85, 0.19)], 80)
    assert choice.mode == "none"
    assert "batch raises the ECE (0.190 against 0.080)" in choice.reason


def test_within_the_noise_none_is_kept() -> None:
    choice = choose_mode(
        [
            _report("none", 0.70, 0.08),
            _report("batch", 0.72, 0.07),
            _report("contextual", 0.5, 0.1),
        ],
        60,
    )
    assert choice.mode == "none"
    assert "no more accurate beyond the noise" in choice.reason
    assert "contextual lowers the accuracy" in choice.reason


def test_the_form_changes_only_for_a_gain_beyond_the_noise() -> None:
    kept = choose_form({"names": ("none", 0.50), "letters": ("batch", 0.55)}, "names", 80)
    assert kept.form == "names"
    assert "not more accurate beyond the noise" in kept.reason
    moved = choose_form({"names": ("none", 0.50), "letters": ("none", 0.66)}, "names", 80)
    assert moved.form == "letters"
    assert "66%" in moved.reason
    assert "50%" in moved.reason
