"""Summarize and rewrite clean an echoed prompt off the answer and say what they removed
(`details["echo_removed"]`, which the Assistant turns into a flag); a summary's page and section
citations are not facts it made up."""

from __future__ import annotations

from hearth.core.engine.types import LoadOptions
from hearth.core.quality.facts import added_facts
from hearth.core.tasks.rewrite import Rewrite
from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import TaskSink
from tests.core.test_assistant import RecordingEngine

TICKET = "Hi, my order 4471 has not arrived. Please help. Ana"


def _engine(answer: str) -> RecordingEngine:
    engine = RecordingEngine(texts=(answer,))
    engine.load(LoadOptions("/models/recording.gguf", context_size=4096))
    return engine


def test_a_summary_that_echoes_the_prompt_label_is_cleaned_and_says_so() -> None:
    engine = _engine("Text to summarize:\nAna's order 4471 has not arrived.")
    result = Summarize().run(TICKET, {"style": "summary"}, engine, TaskSink())  # type: ignore[arg-type]
    assert result.output == "Ana's order 4471 has not arrived."
    assert result.details["echo_removed"] == "Text to summarize:"


def test_a_rewrite_that_repeats_its_instruction_is_cleaned_and_says_so() -> None:
    engine = _engine(
        "Rewrite the text to be as short as possible while keeping every fact:\n"
        "Order 4471 not arrived. Ana"
    )
    result = Rewrite().run(TICKET, {"style": "concise"}, engine, TaskSink())  # type: ignore[arg-type]
    assert result.output == "Order 4471 not arrived. Ana"
    assert result.details["echo_removed"].startswith("Rewrite the text to be as short")


def test_a_clean_answer_reports_nothing_removed() -> None:
    engine = _engine("Order 4471 has not arrived; Ana asks for help.")
    result = Rewrite().run(TICKET, {"style": "concise"}, engine, TaskSink())  # type: ignore[arg-type]
    assert "echo_removed" not in result.details
    summary = Summarize().run(TICKET, {}, _engine("Ana's order is late."), TaskSink())  # type: ignore[arg-type]
    assert "echo_removed" not in summary.details


def test_citations_of_pages_and_sections_are_not_added_facts() -> None:
    source = "Budget\nThe council spent 40 000 on roads.\n\fRepairs\nTwelve parks were repaired."
    summary = (
        "- Roads cost 40 000 (page 3)\n"
        "- 12 parks were repaired (section: Budget 2025)\n"
        "- Parks got 5 new benches (pages 3-4)\n"
        "- Roads were resurfaced (source not found on page 9; citation dropped)"
    )
    assert added_facts(source, summary) == ["5"]  # the benches were made up; the pages were not
    assert added_facts(source, "Spending rose 7% (p. 3).") == ["7%", "3"]  # not a citation form
