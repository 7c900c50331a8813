"""Chat: the caller's own messages in, the model's reply out (the local API's chat completions).

Unlike the other tasks, chat brings no instructions of its own: the conversation is the
caller's, sent to the model (and, when escalated, to the cloud) as it is. What it adds is what
every task owes the user: sampling bounds checked, a JSON reply enforced by a grammar when one
is asked for (a schema the grammar converter cannot enforce is refused by keyword, as extract
does), and a confidence from the reply's token probabilities so auto mode can escalate.

Options (all optional):
- messages: [{"role": "system"|"user"|"assistant", "content": str}, ...]; without it the text
  is one user message;
- max_tokens, temperature, top_p, stop (a list of up to 4 strings);
- json_schema: a JSON Schema the reply must match; json_object: any JSON object.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudRequest
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest
from hearth.core.errors import HearthError, UsageError
from hearth.core.privacy.redaction import Redaction
from hearth.core.tasks.cloud_form import (
    CloudReading,
    CloudTask,
    json_value,
    read_text,
    response_format,
)
from hearth.core.tasks.confidence import generation_confidence
from hearth.core.tasks.schemas import check_schema, violations
from hearth.core.tasks.task import (
    Capabilities,
    EnginePort,
    TaskOption,
    TaskResult,
    TaskSink,
    Usage,
    run_generation,
)

ROLES = ("system", "user", "assistant")
DEFAULT_MAX_TOKENS = 1024
MAX_STOPS = 4  # as OpenAI allows
# Any JSON object: what `json_object` asks for, as a schema the grammar converter turns into
# a generic-object grammar.
ANY_OBJECT: dict[str, Any] = {"type": "object"}


class Chat:
    name = "chat"
    title = "Chat"
    options: tuple[TaskOption, ...] = (
        TaskOption("messages", (), None, "the conversation: a list of {role, content}"),
        TaskOption("max_tokens", (), None, "the longest reply, in tokens"),
        TaskOption("temperature", (), None, "sampling temperature, 0 to 2"),
        TaskOption("stop", (), None, "up to 4 strings that end the reply"),
        TaskOption("json_schema", (), None, "a JSON Schema the reply must match"),
        TaskOption("json_object", ("on", "off"), "off", "the reply is a JSON object"),
    )
    capabilities = Capabilities(
        streams_text=True,
        batchable=False,
        calibrated_threshold=False,
        answer_kind="text",
        in_window=False,
    )

    def build_request(self, text: str, options: Mapping[str, Any]) -> GenerateRequest:
        """The engine request for the options; raises UsageError for any that is wrong."""
        messages = conversation(text, options.get("messages"))
        schema = reply_schema(options)
        temperature = _number(options, "temperature", 0.0, 2.0)
        top_p = _number(options, "top_p", 0.0, 1.0)
        return GenerateRequest(
            messages=messages,
            max_tokens=_max_tokens(options),
            temperature=0.7 if temperature is None else temperature,
            top_p=0.95 if top_p is None else top_p,
            stop=_stops(options.get("stop")),
            json_schema=None if schema is None else dict(schema),
            logprobs=True,
        )

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult:
        request = self.build_request(text, options)
        usage = Usage()
        result = run_generation(engine, request, sink, usage, cancel)
        details: dict[str, Any] = {}
        if request.json_schema is not None:
            details = _json_details(result.text, request.json_schema, result.finish_reason)
        return TaskResult(
            output=result.text,
            confidence=generation_confidence(result.token_logprobs),
            finish_reason=result.finish_reason,
            details=details,
            usage=usage,
        )

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        """The conversation as the caller wrote it (the router redacts it), with the caller's
        bounds, and the schema in `response_format` where the provider enforces one."""
        local = self.build_request(text, options)
        form = (
            None
            if local.json_schema is None
            else response_format(local.json_schema, structured_output)
        )
        request = CloudRequest(
            local.messages,
            max_tokens=local.max_tokens,
            temperature=local.temperature,
            response_format=form,
        )
        schema = local.json_schema
        if schema is None:
            return CloudTask(request, read_text)

        def read(raw: str, redaction: Redaction) -> CloudReading:
            value = json_value(raw)
            if not isinstance(value, dict):
                raise CloudFailure(
                    FailureKind.BAD_RESPONSE,
                    "The cloud's answer was not the JSON object that was asked for.",
                    partial_text=raw,
                )
            restored = redaction.restore_data(value)
            problems = violations(restored, schema)
            return CloudReading(
                json.dumps(restored, ensure_ascii=False),
                {"valid": not problems, "violations": problems},
            )

        return CloudTask(request, read)


def conversation(text: str, raw: Any) -> tuple[Message, ...]:
    """The messages, checked: roles known, contents strings, at least one user message."""
    if raw is None:
        if not text.strip():
            raise UsageError("The conversation is empty: give at least one user message.")
        return (Message("user", text),)
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise UsageError("messages must be a non-empty list of {role, content} objects.")
    messages = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise UsageError(f"messages[{i}] must be an object with a role and a content.")
        role, content = item.get("role"), item.get("content")
        if role not in ROLES:
            raise UsageError(f"messages[{i}].role must be one of {', '.join(ROLES)}, not {role!r}.")
        messages.append(Message(str(role), _content(content, i)))
    if not any(m.role == "user" for m in messages):
        raise UsageError("The conversation has no user message: add one.")
    return tuple(messages)


def _content(content: Any, i: int) -> str:
    """A string, or OpenAI's list of text parts (other parts, e.g. images, are refused)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for part in content:
            if not isinstance(part, Mapping) or part.get("type") != "text":
                raise UsageError(
                    f"messages[{i}].content: only text parts are supported (this model reads "
                    "text, not images or audio)."
                )
            if not isinstance(part.get("text"), str):
                raise UsageError(f"messages[{i}].content: a text part needs a 'text' string.")
            pieces.append(part["text"])
        return "".join(pieces)
    raise UsageError(f"messages[{i}].content must be a string.")


def reply_schema(options: Mapping[str, Any]) -> dict[str, Any] | None:
    """The schema the reply must match (checked keyword by keyword), or None for free text."""
    schema = options.get("json_schema")
    if schema is not None:
        check_schema(schema)
        return dict(schema)
    if options.get("json_object") in ("on", True):
        return dict(ANY_OBJECT)
    return None


def _max_tokens(options: Mapping[str, Any]) -> int:
    value = options.get("max_tokens")
    if value is None:
        return DEFAULT_MAX_TOKENS
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError("max_tokens must be a whole number of at least 1.")
    return value


def _number(options: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = options.get(name)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise UsageError(f"{name} must be a number from {low:g} to {high:g}.")
    return float(value)


def _stops(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if (
        not isinstance(stops, list | tuple)
        or len(stops) > MAX_STOPS
        or not all(isinstance(s, str) and s for s in stops)
    ):
        raise UsageError(f"stop must be a string or a list of up to {MAX_STOPS} strings.")
    return tuple(stops)


def _json_details(text: str, schema: Mapping[str, Any], finish_reason: str) -> dict[str, Any]:
    if finish_reason == "length":
        # As OpenAI does: the cut reply is returned with finish_reason "length", not refused.
        return {"valid": False, "violations": ["(root): cut off by max_tokens"]}
    try:
        value = json.loads(text, strict=False)
    except ValueError as exc:
        raise HearthError(
            f"The model's reply was not valid JSON ({exc}) despite the grammar; this should "
            "not happen. Try again, or report it with the model's name."
        ) from exc
    problems = violations(value, schema)
    return {"valid": not problems, "violations": problems}
