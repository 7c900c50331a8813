"""Extract structured data from a text into a JSON Schema, by constrained decoding.

The schema becomes a grammar, so the model can only produce JSON of that shape; the result is
still validated against the schema and any violation is reported (a grammar cannot enforce
every detail, e.g. formats). Greedy decoding: extraction wants the most likely reading.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudRequest
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest
from hearth.core.errors import HearthError, InputTooLong, UsageError
from hearth.core.privacy.redaction import Redaction
from hearth.core.tasks.cloud_form import CloudReading, CloudTask, json_value, response_format
from hearth.core.tasks.confidence import generation_confidence
from hearth.core.tasks.grammar_bounds import fit
from hearth.core.tasks.schemas import BUILT_IN, check_schema, load_schema, violations
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

SYSTEM = (
    "You extract information from texts into JSON. Use only what the text says: leave out "
    "optional fields the text does not mention, and never invent values. The JSON must match "
    "this JSON Schema:"
)
MAX_TOKENS = 2048  # for a schema whose length cannot be bounded (grammar_bounds says which)
_TEMPLATE_TOKENS = 64  # the chat template's framing, which counting the messages misses


class Extract:
    name = "extract"
    title = "Extract"
    options: tuple[TaskOption, ...] = (
        TaskOption(
            "schema",
            tuple(BUILT_IN),
            "contact",
            "a built-in schema, a JSON Schema file, or a schema object",
        ),
    )
    capabilities = Capabilities(
        streams_text=False, batchable=True, calibrated_threshold=False, answer_kind="object"
    )

    def build_request(
        self,
        text: str,
        schema: Mapping[str, Any],
        *,
        grammar_schema: Mapping[str, Any] | None = None,
        max_tokens: int = MAX_TOKENS,
    ) -> GenerateRequest:
        """The model is shown the user's schema; decoding follows `grammar_schema` (the bounded
        one from `grammar_bounds.fit`) when given."""
        return GenerateRequest(
            messages=(
                Message("system", f"{SYSTEM}\n{json.dumps(schema, ensure_ascii=False)}"),
                Message("user", f"Text:\n{text}"),
            ),
            max_tokens=max_tokens,
            temperature=0.0,
            json_schema=dict(grammar_schema if grammar_schema is not None else schema),
            logprobs=True,
        )

    def bounded_request(
        self, text: str, schema: Mapping[str, Any], engine: EnginePort, cancel: CancelToken | None
    ) -> GenerateRequest:
        """A request whose grammar ends within the tokens left in the context, so even a model
        that loops gives complete JSON (hearth.core.tasks.grammar_bounds)."""
        plain = self.build_request(text, schema)
        if engine.loaded is None:
            return plain
        prompt = sum(engine.count_tokens([m.content for m in plain.messages], cancel=cancel))
        room = engine.loaded.context_size - prompt - _TEMPLATE_TOKENS
        try:
            fitted = fit(schema, room - 1)
        except ValueError:
            raise InputTooLong(
                f"The text is too long to leave room for an answer of this schema in the context "
                f"({engine.loaded.context_size} tokens). Use a shorter text, a schema with fewer "
                "fields, or raise the context size in settings."
            ) from None
        if fitted is None:
            return plain
        grammar_schema, worst = fitted
        # One more than the longest answer: the end-of-text token then always fits.
        return self.build_request(text, schema, grammar_schema=grammar_schema, max_tokens=worst + 1)

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult:
        text = clean_input(text)
        schema = self.schema(options.get("schema"))
        usage = Usage()
        request = self.bounded_request(text, schema, engine, cancel)
        result = run_generation(engine, request, sink, usage, cancel)
        if result.finish_reason == "length":
            raise HearthError(
                f"The extracted JSON was cut off after {result.stats.output_tokens} tokens, "
                "before it was complete. Use a schema with fewer or shorter fields, or a "
                "shorter text."
            )
        try:
            # strict=False: a control character inside a string is kept, not fatal.
            value = json.loads(result.text, strict=False)
        except ValueError as exc:
            raise HearthError(
                f"The model's answer was not valid JSON ({exc}) despite the grammar; this "
                "should not happen. Try again, or report it with the model's name."
            ) from exc
        # "1e999" is JSON the grammar allows, but no reader can take Infinity: it is null, and
        # the schema's check says so where a number was required.
        value, overflowed = _finite(value)
        problems = violations(value, schema)
        text = json.dumps(value, ensure_ascii=False) if overflowed else result.text
        return TaskResult(
            output=value,
            confidence=generation_confidence(result.token_logprobs),
            finish_reason=result.finish_reason,
            details={"valid": not problems, "violations": problems, "json": text},
            usage=usage,
        )

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        text = clean_input(text)
        schema = self.schema(options.get("schema"))
        local = self.build_request(text, schema)
        request = CloudRequest(
            local.messages,
            max_tokens=MAX_TOKENS,
            temperature=0.0,
            response_format=response_format(schema, structured_output),
        )

        def read(raw: str, redaction: Redaction) -> CloudReading:
            value = json_value(raw)
            if value is None:
                raise CloudFailure(
                    FailureKind.BAD_RESPONSE,
                    "The cloud's answer was not the JSON that was asked for.",
                    partial_text=raw,
                )
            restored = redaction.restore_data(value)
            problems = violations(restored, schema)
            return CloudReading(
                restored,
                {
                    "valid": not problems,
                    "violations": problems,
                    "json": json.dumps(restored, ensure_ascii=False),
                },
            )

        return CloudTask(request, read)

    @staticmethod
    def schema(spec: Any) -> dict[str, Any]:
        """The schema the option names: built-in, a file, or an object; checked."""
        if spec is None:
            return BUILT_IN["contact"]
        if isinstance(spec, str):
            return load_schema(spec)
        if isinstance(spec, dict):
            check_schema(spec)
            return spec
        raise UsageError("The schema must be a built-in name, a file, or a JSON object.")


def _finite(value: Any) -> tuple[Any, int]:
    """`value` with every non-finite number (what "1e999" parses to) replaced by None, and
    how many there were."""
    if isinstance(value, float) and not math.isfinite(value):
        return None, 1
    if isinstance(value, list):
        items = [_finite(item) for item in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        pairs = {key: _finite(item) for key, item in value.items()}
        return {key: v for key, (v, _) in pairs.items()}, sum(n for _, n in pairs.values())
    return value, 0
