"""Classification without a model: the label arithmetic, and the prompt it scores."""

from __future__ import annotations

import math
import random

import pytest

from hearth.core.tasks.classify import SYSTEM, Classify, _divide_out, _normalise, form_for
from hearth.core.tasks.labels import Label, parse_labels

# -- normalising the letters' log-probabilities ------------------------------------------------


def test_normalised_probabilities_sum_to_1_and_keep_ratios() -> None:
    probs, mass = _normalise([math.log(0.5), math.log(0.25), math.log(0.125)])
    assert probs == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert sum(probs) == pytest.approx(1.0)
    assert mass == pytest.approx(0.875)


@pytest.mark.parametrize("seed", range(20))
def test_label_mass_is_the_sum_of_the_letters_probabilities(seed: int) -> None:
    rng = random.Random(seed)
    logprobs = [-rng.uniform(0, 12) for _ in range(rng.randint(2, 26))]
    probs, mass = _normalise(logprobs)
    assert sum(probs) == pytest.approx(1.0)
    assert mass == pytest.approx(sum(math.exp(x) for x in logprobs))
    assert all(p >= 0 for p in probs)
    ranked = sorted(range(len(logprobs)), key=lambda i: logprobs[i])
    assert sorted(range(len(probs)), key=lambda i: probs[i]) == ranked


def test_very_unlikely_letters_do_not_underflow() -> None:
    probs, mass = _normalise([-1000.0, -1000.0 - math.log(3)])
    assert probs == pytest.approx([0.75, 0.25])
    assert mass == 0.0 or mass < 1e-300


def test_a_letter_that_cannot_occur_gets_probability_0() -> None:
    probs, mass = _normalise([0.0, -math.inf])
    assert probs == [1.0, 0.0]
    assert mass == 1.0


# -- contextual calibration --------------------------------------------------------------------


def test_dividing_by_a_uniform_bias_changes_nothing() -> None:
    probs = [0.6, 0.3, 0.1]
    assert _divide_out(probs, [1 / 3, 1 / 3, 1 / 3]) == pytest.approx(probs)


def test_a_favoured_label_loses_probability() -> None:
    # The content-free prompt already leans to A: A's 0.5 is less than it looks.
    calibrated = _divide_out([0.5, 0.25, 0.25], [0.6, 0.2, 0.2])
    assert calibrated == pytest.approx([0.25, 0.375, 0.375])
    assert sum(calibrated) == pytest.approx(1.0)


def test_calibration_can_change_the_top_label() -> None:
    raw = [0.55, 0.45]
    calibrated = _divide_out(raw, [0.8, 0.2])
    assert raw.index(max(raw)) == 0
    assert calibrated.index(max(calibrated)) == 1


def test_a_zero_bias_entry_does_not_divide_by_zero() -> None:
    calibrated = _divide_out([0.5, 0.5], [0.0, 1.0])
    assert all(math.isfinite(p) for p in calibrated)
    assert sum(calibrated) == pytest.approx(1.0)
    assert calibrated[0] > 0.99


@pytest.mark.parametrize("seed", range(20))
def test_calibrated_probabilities_always_sum_to_1(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 26)
    probs, _ = _normalise([-rng.uniform(0, 10) for _ in range(n)])
    bias, _ = _normalise([-rng.uniform(0, 10) for _ in range(n)])
    calibrated = _divide_out(probs, bias)
    assert sum(calibrated) == pytest.approx(1.0)
    assert all(0.0 <= p <= 1.0 for p in calibrated)


# -- the prompt --------------------------------------------------------------------------------

LABELS = parse_labels(
    [
        {
            "name": "billing",
            "description": "questions about invoices and payments",
            "examples": ["Why was I charged twice?", "Can I pay by bank transfer?"],
        },
        {"name": "bug report", "description": "something in the product is broken"},
        {"name": "praise", "examples": ["Love the new update!"]},
    ]
)
TEXT = "The export button does nothing when I click it."


def test_the_request_is_instructions_then_the_text() -> None:
    request = Classify().build_request(TEXT, LABELS)
    assert [m.role for m in request.messages] == ["system", "user"]
    system, user = (m.content for m in request.messages)
    assert system.startswith(SYSTEM)
    assert TEXT in user
    assert TEXT not in system


def test_every_label_appears_with_its_letter_and_description() -> None:
    system = Classify().build_request(TEXT, LABELS, "letters").messages[0].content
    lines = system.splitlines()
    assert "A. billing: questions about invoices and payments" in lines
    assert "B. bug report: something in the product is broken" in lines
    assert "C. praise" in lines
    assert lines.index("A. billing: questions about invoices and payments") < lines.index(
        "B. bug report: something in the product is broken"
    )


def test_examples_are_shown_with_the_letter_they_answer() -> None:
    system = Classify().build_request(TEXT, LABELS, "letters").messages[0].content
    for example, letter in [
        ("Why was I charged twice?", "A"),
        ("Can I pay by bank transfer?", "A"),
        ("Love the new update!", "C"),
    ]:
        assert f"Text: {example}\nAnswer: {letter}" in system


def test_the_answer_instruction_comes_last_in_the_instructions() -> None:
    system = Classify().build_request(TEXT, LABELS, "letters").messages[0].content
    assert system.rstrip().endswith("Answer with the letter of the category only.")


def test_the_candidates_are_one_letter_per_label_with_and_without_a_space() -> None:
    request = Classify().build_request(TEXT, LABELS, "letters")
    assert request.candidates == (("A", " A"), ("B", " B"), ("C", " C"))


def test_twenty_six_labels_use_the_whole_alphabet() -> None:
    labels = parse_labels([f"label {i}" for i in range(26)])
    request = Classify().build_request(TEXT, labels)
    assert [c[0] for c in request.candidates] == [chr(ord("A") + i) for i in range(26)]
    assert "Z. label 25" in request.messages[0].content.splitlines()


def test_only_the_last_message_carries_the_text() -> None:
    text = "A very distinctive sentence about marmalade."
    request = Classify().build_request(text, LABELS)
    assert text in request.messages[-1].content
    assert all(text not in m.content for m in request.messages[:-1])


def test_different_texts_share_an_identical_system_message() -> None:
    classify = Classify()
    first = classify.build_request("Please reset my password.", LABELS)
    second = classify.build_request("Win a free cruise now", LABELS)
    assert first.messages[0] == second.messages[0]
    assert first.messages[-1] != second.messages[-1]
    assert first.candidates == second.candidates


def test_a_different_label_set_gives_a_different_system_message() -> None:
    classify = Classify()
    other = [Label("billing", "money things"), *LABELS[1:]]
    assert (
        classify.build_request(TEXT, LABELS).messages[0]
        != classify.build_request(TEXT, other).messages[0]
    )


def test_the_default_scores_names_unless_two_could_share_a_first_token() -> None:
    request = Classify().build_request(TEXT, LABELS)  # billing, bug report, praise
    assert [c[0] for c in request.candidates] == ["billing", "bug report", "praise"]
    assert form_for(LABELS) == "names"
    for clash in ("card arrival,card linking", "card,cardholder", "Spam,spam mail"):
        labels = parse_labels(clash)
        assert form_for(labels) == "letters"
        assert Classify().build_request(TEXT, labels).candidates[0] == ("A", " A")


def test_labels_without_extras_have_no_examples_section() -> None:
    system = Classify().build_request(TEXT, parse_labels("spam,ham"), "letters").messages[0].content
    assert "A. spam" in system.splitlines()
    assert "B. ham" in system.splitlines()
    assert "Examples:" not in system


def test_all_options_impossible_is_a_clear_error() -> None:
    from hearth.core.errors import EngineError
    from hearth.core.tasks.classify import _normalise

    with pytest.raises(EngineError, match="no probability"):
        _normalise([float("-inf"), float("-inf")])
