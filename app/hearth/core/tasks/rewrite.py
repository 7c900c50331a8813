"""Rewrite a text: proofread it, change its tone, shorten it, or follow an instruction.

Follow-up refinement ("warmer", "shorter") continues the conversation with the previous
result. What must not change (code, quotations, URLs, numbers) is named in the instructions
and checked afterwards; the result says which spans did not survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.messages import CloudRequest, estimate_tokens
from hearth.core.engine.messages import Message
from hearth.core.engine.types import SPECULATIVE_BY_DEFAULT, GenerateRequest
from hearth.core.errors import UsageError
from hearth.core.tasks.cleanup import clean_answer
from hearth.core.tasks.cloud_form import CloudTask, read_text
from hearth.core.tasks.confidence import generation_confidence
from hearth.core.tasks.protected_spans import missing_spans
from hearth.core.tasks.task import (
    Capabilities,
    EnginePort,
    TaskOption,
    TaskResult,
    TaskSink,
    Usage,
    clean_input,
    run_generation,
)
from hearth.core.tasks.text_diff import word_changes

STYLES = {
    "proofread": "Correct the spelling, grammar and punctuation of the text. Change nothing "
    "else: keep its wording, tone, structure and line breaks.",
    "friendly": "Rewrite the text in a warm, friendly tone, keeping its meaning.",
    "professional": "Rewrite the text in a clear, professional tone, keeping its meaning.",
    "concise": "Rewrite the text to be as short as possible while keeping every fact.",
}
CUSTOM = "custom"

SYSTEM = (
    "You rewrite texts for the user. Keep code, quoted text, URLs and numbers exactly as "
    "they are. Answer in the language of the text. Give only the rewritten text, with no "
    "introduction, explanation or quotation marks around it."
)

MIN_ANSWER_TOKENS = 64
# An instruction says what to do; material to work on belongs in the text. A 100 KB
# instruction would otherwise be reported as "the text is too long".
MAX_INSTRUCTION_CHARS = 2000
# A proofread is a correction: the most likely one, the same on every run. Other styles may
# vary a little.
TEMPERATURE = {"proofread": 0.0}
DEFAULT_TEMPERATURE = 0.3


class Rewrite:
    name = "rewrite"
    title = "Rewrite"
    options: tuple[TaskOption, ...] = (
        TaskOption("style", (*STYLES, CUSTOM), "proofread", "what kind of rewrite"),
        TaskOption("instruction", (), None, "custom: what to do with the text"),
        TaskOption("previous", (), None, "refine: the previous result to change further"),
        TaskOption("follow_up", (), None, "refine: how to change it (e.g. 'warmer')"),
    )
    capabilities = Capabilities(
        streams_text=True,
        batchable=False,
        calibrated_threshold=False,
        answer_kind="text",
        refinable=True,
    )

    def build_request(
        self,
        text: str,
        instruction: str,
        *,
        previous: str | None = None,
        follow_up: str | None = None,
        max_tokens: int = 1024,
        temperature: float = DEFAULT_TEMPERATURE,
        speculative: bool = SPECULATIVE_BY_DEFAULT,
    ) -> GenerateRequest:
        messages = [
            Message("system", f"{SYSTEM}\n\n{instruction}"),
            Message("user", f"Text:\n\n{text}"),
        ]
        if previous is not None and follow_up is not None:
            messages += [
                Message("assistant", previous),
                Message("user", f"{follow_up.strip()} Give only the rewritten text."),
            ]
        return GenerateRequest(
            messages=tuple(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            logprobs=True,
            speculative=speculative,  # used at temperature 0 only (proofread)
        )

    def prompt(self, text: str, options: Mapping[str, Any]) -> GenerateRequest:
        """The request `run` sends, but for its length limit: for reading its prompt into the
        model's cache while the user is still typing (`Assistant.read_ahead`)."""
        _style, instruction = self._instruction(options)
        previous, follow_up = _refinement(options)
        return self.build_request(
            clean_input(text), instruction, previous=previous, follow_up=follow_up
        )

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult:
        lead = len(text) - len(text.lstrip())
        text = clean_input(text)
        style, instruction = self._instruction(options)
        previous, follow_up = _refinement(options)
        # Room for an answer a little longer than the text (friendlier usually means longer).
        input_tokens = engine.count_tokens([previous or text], cancel=cancel)[0]
        request = self.build_request(
            text,
            instruction,
            previous=previous,
            follow_up=follow_up,
            max_tokens=max(MIN_ANSWER_TOKENS, 2 * input_tokens),
            temperature=TEMPERATURE.get(style, DEFAULT_TEMPERATURE),
            # --no-speculative: plain decoding, for users and for the byte-identity check.
            speculative=bool(options.get("speculative", SPECULATIVE_BY_DEFAULT)),
        )
        usage = Usage()
        result = run_generation(engine, request, sink, usage, cancel)
        # The echo cleaner says what it removed: the answer's flags (and confidence) show it.
        told = (instruction, follow_up or "", *_sentences(SYSTEM))
        cleaned = clean_answer(result.text, previous or text, tuple(t for t in told if t))
        output = cleaned.text
        missing = missing_spans(previous or text, output)
        details: dict[str, Any] = {
            "style": style,
            "protected_ok": not missing,
            "protected_missing": [{"kind": m.kind, "text": m.text} for m in missing],
        }
        if cleaned.removed:
            details["echo_removed"] = cleaned.removed
        if style == "proofread" and previous is None:
            details["changes"] = [
                {**c.as_dict(), "start": c.start + lead} for c in word_changes(text, output)
            ]
        if missing:
            details["warnings"] = [
                f"The rewrite changed or dropped {len(missing)} protected span(s) "
                f"(code, quotations, URLs or numbers): "
                + ", ".join(repr(m.text[:40]) for m in missing[:5])
            ]
        return TaskResult(
            output=output,
            confidence=generation_confidence(result.token_logprobs),
            finish_reason=result.finish_reason,
            details=details,
            usage=usage,
        )

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        """The rewrite as the local model gets it, refinement included: a Refine sent to the
        cloud carries the previous answer and the follow-up."""
        text = clean_input(text)
        style, instruction = self._instruction(options)
        previous, follow_up = _refinement(options)
        local = self.build_request(text, instruction, previous=previous, follow_up=follow_up)
        # As the local task allows: room for an answer somewhat longer than the text.
        room = max(256, 2 * estimate_tokens(previous or text) + 64)
        request = CloudRequest(
            local.messages,
            max_tokens=room,
            temperature=TEMPERATURE.get(style, DEFAULT_TEMPERATURE),
        )
        return CloudTask(request, read_text)

    def _instruction(self, options: Mapping[str, Any]) -> tuple[str, str]:
        custom = str(options.get("instruction") or "").strip()
        _check_length("instruction", custom)
        style = str(options.get("style") or (CUSTOM if custom else "proofread"))
        if style == CUSTOM:
            if not custom:
                raise UsageError("A custom rewrite needs an instruction (--instruction TEXT).")
            return style, custom
        if style not in STYLES:
            raise UsageError(
                f"rewrite: '{style}' is not a style; choose one of: " + ", ".join((*STYLES, CUSTOM))
            )
        if custom:
            return style, f"{STYLES[style]} Also: {custom}"
        return style, STYLES[style]


def _check_length(what: str, value: str) -> None:
    if len(value) > MAX_INSTRUCTION_CHARS:
        raise UsageError(
            f"The {what} is {len(value):,} characters long; it can be at most "
            f"{MAX_INSTRUCTION_CHARS:,}. Say what to do in a few sentences, and put the material "
            "to work on in the text itself."
        )


def _refinement(options: Mapping[str, Any]) -> tuple[str | None, str | None]:
    previous, follow_up = options.get("previous"), options.get("follow_up")
    if (previous is None) != (follow_up is None):
        raise UsageError("To refine a rewrite, give both the previous result and a follow-up.")
    if previous is not None and not str(previous).strip():
        raise UsageError("The previous result to refine is empty.")
    if follow_up is not None and not str(follow_up).strip():
        raise UsageError("Say how to change the previous result (the follow-up is empty).")
    _check_length("follow-up", str(follow_up or ""))
    return (None, None) if previous is None else (str(previous), str(follow_up))


def _without_chatter(answer: str, source: str) -> str:
    """Strip a preamble, unless the source text itself begins with that line."""
    return clean_answer(answer, source, ()).text


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.split(". ") if s.strip()]
