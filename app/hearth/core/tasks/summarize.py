"""Summarize a text as prose, key points, a numbered list or a table.

The list and table shapes are enforced with a grammar rather than asked for: small models
add preambles and fences when told not to. A text longer than the context is split on
paragraph and sentence boundaries, each part summarized, and the part summaries combined
(map-reduce, repeated while the combination is still too long): never silently truncated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.messages import CloudRequest
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest
from hearth.core.errors import InputTooLong
from hearth.core.tasks.citations import check_citations
from hearth.core.tasks.cleanup import clean_answer, strip_chatter
from hearth.core.tasks.cloud_form import CloudTask, read_text
from hearth.core.tasks.confidence import generation_confidence
from hearth.core.tasks.document_split import Part, citation_kind, marked_text, split_document
from hearth.core.tasks.task import (
    Capabilities,
    EnginePort,
    TaskOption,
    TaskResult,
    TaskSink,
    Usage,
    choice,
    clean_input,
    run_generation,
)
from hearth.core.tasks.text_split import split_to_fit

STYLES = {
    "summary": "Write a short summary of the text in a few sentences of plain prose.",
    "key-points": "List the key points of the text as a bullet list, one point per line, "
    "most important first.",
    "list": "Summarize the text as a numbered list of its main facts, in order.",
    "table": "Summarize the text as a Markdown table with a header row; choose columns "
    "that fit the content.",
}

SYSTEM = (
    "You summarize texts for the user. Stay faithful to the text: do not add facts, opinions "
    "or advice. Answer in the language of the text. Give only the summary, with no "
    "introduction and no closing remarks."
)

# Shapes as GBNF: the model can only produce what the style promises.
_LINE = r"[^\n|]+"
GRAMMARS = {
    "key-points": r"root ::= item+" + "\n" + r'item ::= "- " [^\n]+ "\n"',
    "list": r"root ::= item+" + "\n" + r'item ::= [1-9] [0-9]? ". " [^\n]+ "\n"',
    "table": "\n".join(
        [
            r"root ::= row sep row+",
            rf'row ::= "|" ({_LINE} "|")+ "\n"',
            r'sep ::= "|" ("-"+ "|")+ "\n"',
        ]
    ),
}

# A document's pages or sections are marked in the prompt ([page 3]); the points of these
# styles must end with the source they come from, and each citation is checked afterwards.
CITED_STYLES = ("key-points", "list")
CITE = {
    "page": "Parts of the text are marked with their page, like [page 3], or its points end "
    "with their page in brackets. End every point with the page it comes from, like (page 3).",
    "section": "Parts of the text are marked with their section, like [section: Costs], or "
    "its points end with their section in brackets. End every point with the section it "
    "comes from, like (section: Costs).",
}
_CITE_RULES = {
    "page": r'cite ::= "(page " [1-9] [0-9]* ")"',
    "section": r'cite ::= "(section: " [^\n()]+ ")"',
}
_CITED_ITEMS = {
    "key-points": r'item ::= "- " [^\n(]+ cite "\n"',
    "list": r'item ::= [1-9] [0-9]? ". " [^\n(]+ cite "\n"',
}

MAX_SUMMARY_TOKENS = 400
_MARGIN_TOKENS = 32  # template framing the count of the parts does not see
MAX_ROUNDS = 4


class Summarize:
    """`part_share`: a part's summary may be at most this share of the part (map stage)."""

    name = "summarize"
    title = "Summarize"
    options: tuple[TaskOption, ...] = (
        TaskOption("style", tuple(STYLES), "summary", "the shape of the summary"),
    )
    capabilities = Capabilities(
        streams_text=True,
        batchable=False,
        calibrated_threshold=False,
        answer_kind="text",
        splits_long_texts=True,
    )

    def __init__(self, part_share: float = 1 / 3) -> None:
        self._part_share = part_share

    def build_request(
        self, text: str, style: str, max_tokens: int = MAX_SUMMARY_TOKENS, cite: str | None = None
    ) -> GenerateRequest:
        """`cite`: "page" or "section" to have every point end with its source."""
        instructions = f"{SYSTEM}\n\n{STYLES[style]}"
        grammar = GRAMMARS.get(style)
        if cite is not None and style in CITED_STYLES:
            instructions = f"{instructions} {CITE[cite]}"
            grammar = "\n".join(["root ::= item+", _CITED_ITEMS[style], _CITE_RULES[cite]])
        return GenerateRequest(
            messages=(
                Message("system", instructions),
                Message("user", f"Text to summarize:\n\n{text}"),
            ),
            max_tokens=max_tokens,
            temperature=0.2,
            grammar=grammar,
            logprobs=True,
        )

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        """A cloud model has room for the whole text: no map-reduce; the list and table
        shapes are asked for in words (the grammar is the local engine's)."""
        text = clean_input(text)
        style = choice(self, options, "style")
        local = self.build_request(text, style)
        request = CloudRequest(local.messages, max_tokens=MAX_SUMMARY_TOKENS, temperature=0.2)
        return CloudTask(request, read_text)

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult:
        text = source = clean_input(text)
        style = choice(self, options, "style")
        usage = Usage()
        parts_summarized = 0
        rounds = 0
        # A document (pages from a PDF, headings from Word or a web page) is split on its own
        # structure, marked in the prompt, and its key points and list items cite their source.
        structure = citation_kind(text)
        cite = structure if style in CITED_STYLES else None
        if structure is not None:
            text = marked_text(text)
        size = engine.count_tokens([text], cancel=cancel)[0]
        while True:
            budget = self._text_budget(engine, style, cancel)
            if size <= budget:
                break
            rounds += 1
            if rounds > MAX_ROUNDS:
                raise InputTooLong(
                    "The text is too long to summarize even in parts with this context size. "
                    "Raise the context size in settings, or summarize it in pieces."
                )

            def count(t: Sequence[str]) -> list[int]:
                return engine.count_tokens(t, cancel=cancel)

            if structure is not None and rounds == 1:
                parts = split_document(source, budget, count)
            else:
                parts = [Part(piece, ()) for piece in split_to_fit(text, budget, count)]
            # Part summaries are a fraction of a part, so each round shrinks the text and the
            # rounds end even when the model rambles.
            part_tokens = max(16, min(MAX_SUMMARY_TOKENS, int(budget * self._part_share)))
            summaries = []
            for i, part in enumerate(parts, 1):
                where = f" ({part.describe()})" if part.labels else ""
                sink.progress(f"Summarizing part {i} of {len(parts)}{where}")
                quiet = TaskSink(on_progress=sink.on_progress)
                # Cited points, when the answer must cite: the combining step keeps them.
                request = (
                    self.build_request(part.text, "key-points", part_tokens, cite=cite)
                    if cite is not None
                    else self.build_request(part.text, "summary", part_tokens)
                )
                result = run_generation(engine, request, quiet, usage, cancel)
                summaries.append(strip_chatter(result.text))
            parts_summarized += len(parts)
            text = "\n\n".join(summaries)
            previous, size = size, engine.count_tokens([text], cancel=cancel)[0]
            if size >= previous:
                raise InputTooLong(
                    "The text is too long for the context, and the model's summaries of its "
                    "parts came out no shorter than the parts. Raise the context size in "
                    "settings, or use a stronger model."
                )
            sink.progress("Combining the parts")
        final_request = self.build_request(text, style, _answer_tokens(engine), cite=cite)
        final = run_generation(engine, final_request, sink, usage, cancel)
        # The echo cleaner says what it removed: the answer's flags (and confidence) show it.
        cleaned = clean_answer(final.text, source, instructions_of(style))
        output = cleaned.text
        details: dict[str, Any] = {"style": style}
        if cleaned.removed:
            details["echo_removed"] = cleaned.removed
        if parts_summarized:
            details["parts"] = parts_summarized
            details["rounds"] = rounds
        if cite is not None:
            output, checked = check_citations(output, source)
            details["citations"] = checked.to_json()
        return TaskResult(
            output=output,
            confidence=generation_confidence(final.token_logprobs),
            finish_reason=final.finish_reason,
            details=details,
            usage=usage,
        )

    def _text_budget(self, engine: EnginePort, style: str, cancel: CancelToken | None) -> int:
        """Tokens of user text that fit beside the instructions and the answer."""
        assert engine.loaded is not None
        framing = self.build_request("", style).messages
        overhead = sum(engine.count_tokens([m.content for m in framing], cancel=cancel))
        budget = engine.loaded.context_size - overhead - _answer_tokens(engine) - _MARGIN_TOKENS
        if budget < 64:
            raise InputTooLong(
                f"The context ({engine.loaded.context_size} tokens) is too small to summarize "
                "anything. Raise the context size in settings."
            )
        return budget


def instructions_of(style: str) -> tuple[str, ...]:
    """What the model is told, which an echoing answer repeats."""
    sentences = [s.strip() + "." for s in SYSTEM.split(". ") if s.strip()]
    return (STYLES.get(style, ""), *sentences)


def _answer_tokens(engine: EnginePort) -> int:
    """Room for the summary: up to MAX_SUMMARY_TOKENS, less in a small context."""
    assert engine.loaded is not None
    return min(MAX_SUMMARY_TOKENS, engine.loaded.context_size // 4)
