"""Label sets for classification: the accepted forms, and every way a set can be wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hearth.core.errors import UsageError
from hearth.core.tasks.labels import MAX_LABELS, Label, fingerprint, parse_labels

# -- accepted forms ----------------------------------------------------------------------------


def test_a_comma_separated_string() -> None:
    assert parse_labels("spam,ham") == [Label("spam"), Label("ham")]


def test_a_comma_separated_string_with_spaces_is_normalised() -> None:
    labels = parse_labels("  spam ,  ham\n,  very    urgent   ")
    assert [label.name for label in labels] == ["spam", "ham", "very urgent"]


def test_a_list_of_names() -> None:
    labels = parse_labels(["bug report", " billing ", "praise\t"])
    assert labels == [Label("bug report"), Label("billing"), Label("praise")]


def test_a_tuple_of_names() -> None:
    assert parse_labels(("yes", "no")) == [Label("yes"), Label("no")]


def test_a_list_of_objects_with_descriptions_and_examples() -> None:
    labels = parse_labels(
        [
            {
                "name": "urgent",
                "description": "  needs an\nanswer   today ",
                "examples": [" The server is down! ", "", "   ", "Reply before noon"],
            },
            {"name": "later", "description": None, "examples": None},
            {"name": "spam"},
        ]
    )
    assert labels == [
        Label(
            "urgent",
            "needs an answer today",
            ("The server is down!", "Reply before noon"),
        ),
        Label("later"),
        Label("spam"),
    ]


def test_names_and_objects_can_be_mixed() -> None:
    labels = parse_labels(["yes", {"name": "no", "description": "a refusal"}])
    assert labels == [Label("yes"), Label("no", "a refusal")]


def test_the_order_is_kept() -> None:
    names = [f"label {i}" for i in range(10)]
    assert [label.name for label in parse_labels(names)] == names


def test_exactly_the_maximum_is_accepted() -> None:
    names = [f"l{i}" for i in range(MAX_LABELS)]
    assert len(parse_labels(names)) == MAX_LABELS == 26


def test_labels_that_differ_only_inside_are_distinct() -> None:
    assert len(parse_labels(["bug report", "bug reports"])) == 2


# -- refused sets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("spam", "at least 2"),
        ("", "at least 2"),
        ("   ", "at least 2"),
        ([], "at least 2"),
        (["only"], "at least 2"),
        ([{"name": "only", "description": "one"}], "at least 2"),
        ("spam,Spam", "appears twice"),
        (["Spam ", "spam"], "appears twice"),
        (["a", "b", "A"], "appears twice"),
        (["very urgent", "Very   Urgent"], "appears twice"),
        (["ÉTÉ", "été"], "appears twice"),
        ([f"l{i}" for i in range(MAX_LABELS + 1)], "At most 26"),
        (",".join(f"l{i}" for i in range(40)), "got 40"),
        ("spam,,ham", "has no name"),
        ("spam,ham,", "has no name"),
        (["a", "", "b"], "has no name"),
        (["a", "  \n ", "b"], "has no name"),
        ([{"name": "  ", "description": "lost"}, "a", "b"], "has no name"),
        ([{"name": "a", "examples": "not a list"}, "b"], "must be a list of texts"),
        ([{"name": "a", "examples": ["ok", 3]}, "b"], "must be a list of texts"),
        ([{"name": "a", "examples": {"x": "y"}}, "b"], "must be a list of texts"),
        ([{"description": "no name"}, "b"], "Not a label"),
        ([{"name": 5}, "b"], "Not a label"),
        ([3, "b"], "Not a label"),
        ([None, "b"], "Not a label"),
        (42, "must be a list"),
        (None, "must be a list"),
        ({"name": "a"}, "must be a list"),
    ],
)
def test_bad_label_sets_are_usage_errors_with_a_helpful_message(value: Any, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_labels(value)
    assert caught.value.exit_code == 2


def test_a_duplicate_is_named_in_the_message() -> None:
    with pytest.raises(UsageError, match="'Billing' appears twice"):
        parse_labels(["billing", "support", "Billing"])


def test_an_empty_name_says_which_label() -> None:
    with pytest.raises(UsageError, match="Label 2 of 3"):
        parse_labels("spam,,ham")


def test_messages_show_how_to_give_labels() -> None:
    with pytest.raises(UsageError, match="--labels spam,ham"):
        parse_labels(["only"])


# -- fingerprint -------------------------------------------------------------------------------

LABELS = [
    {"name": "urgent", "description": "needs an answer today", "examples": ["Server down!"]},
    {"name": "later", "description": "can wait", "examples": []},
]


def test_the_fingerprint_is_stable_for_equal_label_sets() -> None:
    first = fingerprint(parse_labels(LABELS))
    again = fingerprint(parse_labels([dict(item) for item in LABELS]))
    assert first == again
    assert len(first) == 16
    int(first, 16)


def test_the_fingerprint_ignores_whitespace_that_parsing_normalises() -> None:
    assert fingerprint(parse_labels("spam, ham")) == fingerprint(parse_labels([" spam", "ham "]))


def test_the_fingerprint_is_the_same_in_another_process() -> None:
    # Not Python's salted hash(): a calibration measured once must be found again.
    code = (
        "from hearth.core.tasks.labels import fingerprint, parse_labels\n"
        f"print(fingerprint(parse_labels({LABELS!r})))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    app = str(Path(__file__).resolve().parents[3] / "app")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [app, env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == fingerprint(parse_labels(LABELS))


@pytest.mark.parametrize(
    "change",
    [
        lambda ls: ls[0].update(description="needs an answer this week"),
        lambda ls: ls[1].update(description=""),
        lambda ls: ls[0].update(examples=["Server down!", "Site is slow"]),
        lambda ls: ls[0].update(examples=["Server is down!"]),
        lambda ls: ls[0].update(examples=[]),
        lambda ls: ls[1].update(name="eventually"),
        lambda ls: ls.reverse(),
        lambda ls: ls.append({"name": "spam"}),
    ],
)
def test_the_fingerprint_changes_with_names_descriptions_examples_and_order(change: Any) -> None:
    changed = [dict(item) for item in LABELS]
    change(changed)
    assert fingerprint(parse_labels(changed)) != fingerprint(parse_labels(LABELS))


def test_the_fingerprint_tells_a_description_from_an_example() -> None:
    as_description = [Label("a", "x"), Label("b")]
    as_example = [Label("a", "", ("x",)), Label("b")]
    assert fingerprint(as_description) != fingerprint(as_example)
