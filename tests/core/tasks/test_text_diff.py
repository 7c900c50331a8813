"""Word-level changes between a text and its proofread version, with offsets into the original."""

from __future__ import annotations

import pytest

from hearth.core.tasks.text_diff import Change, word_changes


def apply(original: str, changes: list[Change]) -> str:
    """The original with every change applied: what the GUI would show as the result."""
    result = original
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        end = change.start + len(change.before)
        result = result[: change.start] + change.after + result[end:]
    return result


def assert_offsets_point_at_before(original: str, changes: list[Change]) -> None:
    for change in changes:
        assert original[change.start : change.start + len(change.before)] == change.before


def test_a_fixed_typo_is_one_replacement() -> None:
    original = "I recieve your mail."
    changes = word_changes(original, "I receive your mail.")
    assert changes == [Change("replace", "recieve", "receive", 2)]
    assert_offsets_point_at_before(original, changes)


def test_two_fixed_typos_are_two_replacements_in_order() -> None:
    original = "Teh cat sat on teh mat."
    changes = word_changes(original, "The cat sat on the mat.")
    assert changes == [
        Change("replace", "Teh", "The", 0),
        Change("replace", "teh", "the", 15),
    ]
    assert_offsets_point_at_before(original, changes)


def test_an_inserted_word() -> None:
    original = "She went to store."
    revised = "She went to the store."
    changes = word_changes(original, revised)
    assert len(changes) == 1
    (change,) = changes
    assert change.kind == "insert"
    assert change.before == ""
    assert change.after.strip() == "the"
    assert change.start in (11, 12)  # before or after the space it brings along
    assert apply(original, changes) == revised


def test_a_deleted_word() -> None:
    original = "It was was a long day."
    revised = "It was a long day."
    changes = word_changes(original, revised)
    assert len(changes) == 1
    (change,) = changes
    assert change.kind == "delete"
    assert change.before.strip() == "was"
    assert change.after == ""
    assert_offsets_point_at_before(original, changes)
    assert apply(original, changes) == revised


def test_changed_punctuation() -> None:
    original = "Is this right."
    changes = word_changes(original, "Is this right?")
    assert changes == [Change("replace", ".", "?", 13)]
    assert_offsets_point_at_before(original, changes)


def test_an_inserted_comma() -> None:
    original = "Hello Anna how are you?"
    changes = word_changes(original, "Hello Anna, how are you?")
    assert changes == [Change("insert", "", ",", 10)]


def test_a_removed_apostrophe_and_a_fixed_word_in_one_text() -> None:
    original = "The dog's wagged it's tail alot."
    revised = "The dogs wagged its tail a lot."
    changes = word_changes(original, revised)
    assert {c.kind for c in changes} <= {"replace", "insert", "delete"}
    assert len(changes) >= 3
    assert_offsets_point_at_before(original, changes)
    assert apply(original, changes) == revised
    assert [c.start for c in changes] == sorted(c.start for c in changes)


@pytest.mark.parametrize(
    ("original", "revised"),
    [
        ("Hello  world", "Hello world"),
        ("Hello world\n", "Hello world"),
        ("Line one.\nLine two.", "Line one.\n\nLine two."),
        ("\ta\tb", "a b"),
        ("a b", "a  b  "),
    ],
)
def test_whitespace_only_differences_are_ignored(original: str, revised: str) -> None:
    assert word_changes(original, revised) == []


@pytest.mark.parametrize("text", ["", "Same text.", "Multi\n\nparagraph text, with 3 numbers."])
def test_identical_texts_give_no_changes(text: str) -> None:
    assert word_changes(text, text) == []


def test_offsets_count_characters_not_bytes() -> None:
    original = "Ein schöner Tag für Rüben mit Fehlr."
    changes = word_changes(original, "Ein schöner Tag für Rüben mit Fehler.")
    assert changes == [Change("replace", "Fehlr", "Fehler", 30)]
    assert_offsets_point_at_before(original, changes)


def test_a_whole_rewrite_is_still_consistent() -> None:
    original = "The quick brown fox jumps over the lazy dog. It was fun!"
    revised = "A slow red fox walked past a sleepy cat; it was not fun?"
    changes = word_changes(original, revised)
    assert changes
    assert_offsets_point_at_before(original, changes)
    assert " ".join(apply(original, changes).split()) == " ".join(revised.split())


def test_from_and_to_empty() -> None:
    assert word_changes("", "New text.") == [Change("insert", "", "New text.", 0)]
    assert word_changes("Old text.", "") == [Change("delete", "Old text.", "", 0)]


def test_as_dict_is_json_ready() -> None:
    change = Change("replace", "teh", "the", 4)
    assert change.as_dict() == {"kind": "replace", "before": "teh", "after": "the", "start": 4}
