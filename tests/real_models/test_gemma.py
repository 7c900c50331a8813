"""Gemma 3 270M (base, no chat template, Gemma vocabulary): Hearth's fallback renders for it.

Kept to four cheap tests: a base model rambles, and its 262k-token vocabulary makes every
grammar-constrained token slow, so the tier stays a few minutes."""

from __future__ import annotations

import math

from hearth.core.engine.client import EngineClient
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, GenerationResult
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.task import TaskSink

# A one-field schema: the bounded grammar (tasks/grammar_bounds.py) ends it within ~170 tokens.
NAME_ONLY = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 40}},
    "required": ["name"],
    "additionalProperties": False,
}


def test_a_model_without_a_chat_template_still_answers(gemma: EngineClient) -> None:
    result = task_catalog()["extract"].run(
        "Call Ravi Patel at ravi@example.net.", {"schema": NAME_ONLY}, gemma, TaskSink()
    )
    assert result.finish_reason == "stop"
    assert isinstance(result.output, dict)
    assert isinstance(result.output["name"], str)
    assert result.details["valid"]


def test_label_probabilities_of_a_base_model_are_a_distribution(gemma: EngineClient) -> None:
    result = task_catalog()["classify"].run(
        "The food was cold and the waiter was rude.",
        {"labels": "positive,negative"},
        gemma,
        TaskSink(),
    )
    probabilities = result.details["labels"]
    assert math.isclose(sum(probabilities.values()), 1.0, abs_tol=1e-4)
    assert result.output in probabilities
    assert result.details["form"] == "names"  # the default for labels with distinct first words


def test_speculative_decoding_gives_the_plain_text_on_a_sliding_window_k_quant_model(
    gemma: EngineClient,
) -> None:
    # Gemma 3 (Q4_K_M, sliding-window attention): verification passes of up to 7 tokens stay
    # on the kernels a single token gets; with longer passes this diverged at the first token.
    text = "The cat sat on the mat. The cat sat on the mat. The dog sat on the mat."
    messages = (Message("user", f"Repeat this text exactly:\n\n{text}"),)

    def ask(speculative: bool) -> GenerationResult:
        request = GenerateRequest(
            messages, max_tokens=40, temperature=0.0, speculative=speculative, logprobs=True
        )
        return gemma.complete(request)

    plain, fast = ask(False), ask(True)
    assert fast.text == plain.text
    assert fast.token_logprobs == plain.token_logprobs
    assert fast.stats.draft_tokens > 0  # speculation ran, not the plain path


def test_the_same_request_twice_gives_the_same_answer(gemma: EngineClient) -> None:
    # The second time its prompt is cached: a pass of its last token alone ran on other
    # kernels than the first time's long pass on K-quant weights (log-probabilities up to 0.14
    # apart) until the host kept every pass at 8+ tokens (engine/kernels.py).
    request = GenerateRequest(
        (
            Message(
                "user",
                "Their going to the libary tomorow to returne the books they borrowed last "
                "week. The opening hours is from nine to five, exept on sundays. Me and my "
                "sister has been there many time, and we always finds something intresting "
                "to read. The librarian are very kind and she help us find the books what we "
                "need.",
            ),
        ),
        max_tokens=16,
        temperature=0.0,
        logprobs=True,
    )
    first, second = gemma.complete(request), gemma.complete(request)
    assert second.stats.cached_prompt_tokens > 0
    assert second.text == first.text
    assert second.token_logprobs == first.token_logprobs
