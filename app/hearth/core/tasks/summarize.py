"""Summarize a text in one of several shapes."""

from __future__ import annotations

from collections.abc import Mapping

from hearth.core.engine.chat_template import Message
from hearth.core.engine.types import GenerateRequest
from hearth.core.tasks.task import TaskOption, option_value

_STYLES = {
    "summary": "Write a short summary of the text in a few sentences of plain prose.",
    "key-points": "List the key points of the text as a Markdown bullet list, one point per "
    "line, most important first.",
    "list": "Summarize the text as a numbered Markdown list of its main facts, in order.",
    "table": "Summarize the text as a Markdown table with a header row; choose columns "
    "that fit the content.",
}

_SYSTEM = (
    "You summarize texts for the user. Stay faithful to the text: do not add facts, opinions "
    "or advice. Answer in the language of the text. Give only the summary, with no "
    "introduction and no closing remarks."
)


class Summarize:
    name = "summarize"
    title = "Summarize"
    options: tuple[TaskOption, ...] = (
        TaskOption("style", tuple(_STYLES), "summary", "the shape of the summary"),
    )

    def build_request(self, text: str, options: Mapping[str, str]) -> GenerateRequest:
        style = option_value(self, options, "style")
        return GenerateRequest(
            messages=(
                Message("system", f"{_SYSTEM}\n\n{_STYLES[style]}"),
                Message("user", f"Text to summarize:\n\n{text.strip()}"),
            ),
            max_tokens=400,
            temperature=0.2,
        )
