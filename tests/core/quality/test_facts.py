"""Facts in an answer that its source does not state: found as written, matched normalised."""

from __future__ import annotations

import pytest

from hearth.core.quality.facts import added_facts, find_facts

SOURCE = (
    "Hi, this is Anna Berg from Acme. My order 20431 arrived broken. Call me on 415-555-0134 "
    "or write to Anna.Berg@example.com before 12 March 2024. I paid $1,200.50 (see "
    "https://shop.example.com/orders/). I'm free at 3 pm with two colleagues."
)


@pytest.mark.parametrize(
    "restated",
    [
        "Call +1 415 555 0134.",
        "Phone: (415) 555-0134",
        "Phone 415.555.0134",
        "Write to anna.berg@EXAMPLE.com",
        "Deadline: March 12, 2024.",
        "Deadline: 2024-03-12",
        "Deadline 12/03/2024",
        "before 12th of March",
        "in March 2024",
        "in 2024",
        "She paid 1200.5 dollars.",
        "She paid $1200.50",
        "Order #20431",
        "see shop.example.com/orders",
        "see http://www.shop.example.com/orders",
        "at 15:00",
        "at 3pm",
        "with 2 colleagues",
        "1. Refund the order\n2. Call Anna",
    ],
)
def test_facts_the_source_states_in_another_form_are_not_added(restated: str) -> None:
    assert added_facts(SOURCE, restated) == []


@pytest.mark.parametrize(
    ("answer", "added"),
    [
        ("Call her on 555-867-5309.", ["555-867-5309"]),
        ("Call +44 20 7946 0958.", ["+44 20 7946 0958"]),
        ("Mail anna@acme.com", ["anna@acme.com"]),
        ("Before 13 March 2024.", ["13 March 2024"]),
        ("Before 12 March 2025.", ["12 March 2025"]),
        ("She paid $1,300.", ["$1,300"]),
        ("She paid 99 euros.", ["99 euros"]),
        ("Order 20432 arrived.", ["20432"]),
        ("See https://evil.example.org/pay.", ["https://evil.example.org/pay"]),
        ("Free at 4 pm.", ["4 pm"]),
        ("A 25% discount applies.", ["25%"]),
    ],
)
def test_facts_the_source_does_not_state_are_listed_as_written(
    answer: str, added: list[str]
) -> None:
    assert added_facts(SOURCE, answer) == added


def test_every_added_fact_is_listed_once_and_in_order() -> None:
    answer = "Call 555-867-5309 or 555-867-5309, mail bob@x.org, pay $7 by 1 May 2024."
    assert added_facts(SOURCE, answer) == ["bob@x.org", "1 May 2024", "555-867-5309", "$7"]


def test_a_short_digit_run_is_not_taken_for_a_phone_number() -> None:
    # Fewer than 7 digits cannot identify a phone; the number itself is still a fact.
    assert added_facts("Room 415.", "Room 555-01.") == ["555", "01"]


def test_each_span_is_one_fact_of_one_kind() -> None:
    kinds = [f.kind for f in find_facts("Call 415-555-0134 on 2024-03-12 at 10:30 for $5.")]
    assert kinds == ["date", "phone", "amount", "time"]


def test_text_without_facts_adds_none() -> None:
    assert added_facts("Thanks for the help.", "Thank you very much for your help!") == []
