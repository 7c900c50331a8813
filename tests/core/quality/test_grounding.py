"""Extracted values the text does not contain, by JSON path; and --strict's nulls."""

from __future__ import annotations

from typing import Any

from hearth.core.quality.grounding import format_path, parse_path, strip_ungrounded, ungrounded

TEXT = (
    "From: Anna Berg <anna@acme.com>, Acme, Inc.\nPhone 415-555-0134.\n"
    "Invoice 77 over $120.50 is due on 12 March 2024."
)


def test_values_in_the_text_are_grounded_whatever_their_case_spacing_or_punctuation() -> None:
    value = {
        "name": "ANNA  berg",
        "organization": "Acme Inc",
        "email": "anna@acme.com",
        "phone": "+1 415 555 0134",
        "due": "2024-03-12",
        "total": 120.5,
        "invoice": 77,
        "paid": False,
        "note": "",
        "missing": None,
    }
    assert ungrounded(TEXT, value) == []


def test_every_value_not_in_the_text_is_listed_by_its_path() -> None:
    value: dict[str, Any] = {
        "name": "Anna Berg",
        "address": "12 Main Street, Springfield",
        "phone": "555-867-5309",
        "total": 130,
        "items": [{"description": "Consulting"}, {"description": "Acme"}],
        "tags": ["invoice", "urgent"],
        "odd key": "made up",
    }
    assert ungrounded(TEXT, value) == [
        "$.address",
        "$.phone",
        "$.total",
        "$.items[0].description",
        "$.tags[1]",
        '$["odd key"]',
    ]


def test_reordered_words_are_not_grounded() -> None:
    # Conservative on purpose (documented): a flag lowers confidence; a miss would not.
    assert ungrounded("Berg, Anna", {"name": "Anna Berg"}) == ["$.name"]


def test_a_top_level_string_has_the_root_path() -> None:
    assert ungrounded("hello", "goodbye") == ["$"]


def test_strict_sets_exactly_the_ungrounded_values_to_null() -> None:
    value = {"name": "Anna Berg", "address": "Nowhere 1", "tags": ["invoice", "urgent"]}
    stripped = strip_ungrounded(value, ungrounded(TEXT, value))
    assert stripped == {"name": "Anna Berg", "address": None, "tags": ["invoice", None]}
    assert value["address"] == "Nowhere 1"  # the original is not changed


def test_paths_round_trip_and_bad_paths_change_nothing() -> None:
    steps: list[str | int] = ["items", 3, "odd key", "ü"]
    assert parse_path(format_path(steps)) == steps
    assert strip_ungrounded({"a": 1}, ["a", "$.b", "$[0]", "$.a.b", "$..x"]) == {"a": 1}
