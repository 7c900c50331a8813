"""Echoed instructions, prompt labels and preambles are cleaned off and reported."""

from __future__ import annotations

import pytest

from hearth.core.quality.assess import task_instructions
from hearth.core.quality.echo import strip_echo

CONCISE = task_instructions("rewrite", {"style": "concise"})
SUMMARY = task_instructions("summarize", {"style": "summary"})


@pytest.mark.parametrize(
    ("answer", "instructions", "clean", "removed"),
    [
        (
            "Rewrite the text to be as short and concise: My printer is broken.",
            CONCISE,
            "My printer is broken.",
            "Rewrite the text to be as short and concise:",
        ),
        (
            "Rewrite the text to be as short as possible.\nMy printer is broken.",
            CONCISE,
            "My printer is broken.",
            "Rewrite the text to be as short as possible.",
        ),
        ("Text to summarize:\n\nThe meeting moved.", SUMMARY, "The meeting moved.", None),
        ("Summary: The meeting moved.", SUMMARY, "The meeting moved.", "Summary:"),
        ("**Summary:** The meeting moved.", SUMMARY, "The meeting moved.", "**Summary:**"),
        (
            "Sure! Here is the summary:\nSummary: The meeting moved.",
            SUMMARY,
            "The meeting moved.",
            "Sure! Here is the summary: Summary:",
        ),
    ],
)
def test_an_echoed_opening_is_removed_and_reported(
    answer: str, instructions: tuple[str, ...], clean: str, removed: str | None
) -> None:
    echo = strip_echo(answer, source="My printer is broken.", instructions=instructions)
    assert echo.text == clean
    assert echo.removed == (removed or answer[: answer.index(clean)].strip())


@pytest.mark.parametrize(
    "answer",
    [
        "The text describes a broken printer and asks for a refund within a week.",
        "Rewriting the budget is the team's main task this week.",
        "Short and sweet: the meeting moved to Monday.",
        "Dear Anna,\nthe printer works again.",
    ],
)
def test_answers_that_do_not_echo_are_left_alone(answer: str) -> None:
    echo = strip_echo(answer, source="x", instructions=(*CONCISE, *SUMMARY))
    assert echo == type(echo)(answer, None)


def test_an_opening_the_source_starts_with_is_kept() -> None:
    source = "Summary: we won the bid.\nDetails follow."
    echo = strip_echo("Summary: We won the bid.\nDetails follow.", source=source)
    assert echo.removed is None
    assert echo.text.startswith("Summary:")


def test_an_answer_that_is_only_echo_is_kept_whole() -> None:
    echo = strip_echo("Text to summarize:", instructions=SUMMARY)
    assert echo.text == "Text to summarize:"
    assert echo.removed is None


def test_a_closing_comment_on_the_answer_is_removed_and_said() -> None:
    """SmolLM2 proofreading (seen in the popup): the corrected text, then a paragraph about it."""
    answer = (
        "Their going to the meeting tomorrow, and they want you to bring the reports.\n\n"
        "The original text was edited for grammar and punctuation but not for spelling."
    )
    echo = strip_echo(answer, source="Their going to the meeting tomorow, and they wants you.")
    assert echo.text == (
        "Their going to the meeting tomorrow, and they want you to bring the reports."
    )
    assert echo.removed is not None
    assert echo.removed.startswith("The original text was edited")


def test_a_closing_paragraph_of_the_source_itself_is_kept() -> None:
    text = "Dear all,\n\nThe meeting is moved.\n\nThe text was long, sorry."
    assert strip_echo(text, source=text).text == text
    only = "The summary is short."  # nothing would be left: the answer stays as it is
    assert strip_echo(only).text == only
