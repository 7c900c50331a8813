"""Removing the chatter small models put around an answer, and leaving real text alone."""

from __future__ import annotations

import pytest

from hearth.core.tasks.cleanup import strip_chatter


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        ("Here is the summary:\nThe meeting moved to Monday.", "The meeting moved to Monday."),
        ("Here's the summary:\n\nThe meeting moved.", "The meeting moved."),
        ("Here’s the summary:\nThe meeting moved.", "The meeting moved."),
        ("Here are the key points:\n- one\n- two", "- one\n- two"),
        ("Sure! Here's the rewritten text:\n\nDear Anna,", "Dear Anna,"),
        ("Sure, here is a friendlier version:  \nHi there!", "Hi there!"),
        ("Certainly! Here is the table:\n| a | b |\n|---|---|", "| a | b |\n|---|---|"),
        ("Of course. Here is your list:\n1. eggs", "1. eggs"),
        ("OK, here it is:\nDone.", "Done."),
        ("Okay, here's the corrected text:\nI receive mail.", "I receive mail."),
        ("  \nHERE IS THE SUMMARY:\nShouting.", "Shouting."),
    ],
)
def test_a_chatty_first_line_is_removed(answer: str, clean: str) -> None:
    assert strip_chatter(answer) == clean


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        ("```\nplain body\n```", "plain body"),
        ("```markdown\n# Title\n\nText.\n```", "# Title\n\nText."),
        ('```json\n{"a": 1}\n```\n', '{"a": 1}'),
        ("```c++\nint x;\n```", "int x;"),
        ("\n```text\nline 1\nline 2\n```  \n", "line 1\nline 2"),
        ("Here is the summary:\n```\nShort.\n```", "Short."),
    ],
)
def test_a_fence_around_the_whole_answer_is_removed(answer: str, clean: str) -> None:
    assert strip_chatter(answer) == clean


@pytest.mark.parametrize(
    "text",
    [
        "Ingredients:\n- 2 eggs\n- flour",
        "Agenda:\n1. Budget\n2. Hiring",
        "Note: the meeting moved to Monday.",
        "The plan for today:\nwrite tests.",
        "Dear team:\nplease read this.",
        "Surely the tests pass:\nthey do.",
        "Heretics:\na history.",
        "Here is a sentence that says nothing else.",
        "Sure enough, it rained.",
        "Okay is a word too.",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "- one\n- two",
    ],
)
def test_normal_text_is_left_alone(text: str) -> None:
    assert strip_chatter(text) == text


def test_only_the_first_line_is_treated_as_chatter() -> None:
    answer = "Here is the summary:\nPart one.\nHere is the rest:\nPart two."
    assert strip_chatter(answer) == "Part one.\nHere is the rest:\nPart two."


def test_a_long_first_line_is_not_taken_for_chatter() -> None:
    text = "Okay " + "so " * 60 + "this is the actual content:\nand more."
    assert strip_chatter(text) == text


def test_code_inside_the_answer_is_kept() -> None:
    text = "Run this:\n```\nmake test\n```\nthen deploy."
    assert strip_chatter(text) == text


def test_an_answer_that_starts_and_ends_with_code_keeps_all_its_fences() -> None:
    text = "```\nfirst()\n```\nand then\n```\nsecond()\n```"
    assert strip_chatter(text) == text


def test_surrounding_whitespace_is_trimmed() -> None:
    assert strip_chatter("\n\n  Hello.  \n") == "Hello."
