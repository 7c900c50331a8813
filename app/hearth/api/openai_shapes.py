"""OpenAI's request and response shapes, read and written: what the official client sends to
/v1/chat/completions and /v1/completions, and what it expects back.

Reading is strict about types (a wrong type is a 400 naming the field) and lenient about
fields this server has no use for (`user`, `seed`, `logit_bias`...), which OpenAI-compatible
apps send as a matter of course. Every answer carries a `hearth` object saying where it was
answered and why.
"""

from __future__ import annotations

import dataclasses
import math
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hearth.api.errors import ApiError, bad_request
from hearth.core.answer import Answer
from hearth.core.errors import UsageError
from hearth.core.routing.policy import CloudPolicy
from hearth.core.tasks.chat import conversation, reply_schema

# Hearth's own request fields, inside `"hearth": {...}` (the client's `extra_body`).
HEARTH_FIELDS = ("cloud", "offline")
ALIAS = "hearth"  # the model id that means "whatever Hearth serves, routed as set up"


@dataclass(frozen=True)
class Routing:
    """How a caller asked this request to be routed; the settings decide the rest."""

    cloud: CloudPolicy | None = None
    offline: bool = False


@dataclass(frozen=True)
class Completion:
    """A chat (or legacy text) completion request, as the chat task's options."""

    model: str
    text: str  # every message's content: what history, the ledger and the checks read
    options: dict[str, Any]
    stream: bool
    include_usage: bool
    routing: Routing
    legacy: bool = False  # /v1/completions


def model_not_found(model: str, served: Sequence[str]) -> ApiError:
    return ApiError(
        404,
        f"The model '{model}' is not served here; use one of: {', '.join(served)} (GET "
        "/v1/models lists them).",
        code="model_not_found",
        param="model",
    )


def _model(body: Mapping[str, Any], served: Sequence[str]) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("'model' is required: a model id from GET /v1/models.", param="model")
    if model not in served:
        raise model_not_found(model, served)
    return model


def parse_routing(raw: Any) -> Routing:
    if raw is None:
        return Routing()
    if not isinstance(raw, Mapping):
        raise bad_request('\'hearth\' must be an object, e.g. {"cloud": "never"}.', param="hearth")
    unknown = sorted(set(raw) - set(HEARTH_FIELDS))
    if unknown:
        raise bad_request(
            f"Unknown hearth field(s): {', '.join(unknown)}; known: {', '.join(HEARTH_FIELDS)}.",
            param="hearth",
        )
    return Routing(cloud_policy(raw.get("cloud"), "hearth.cloud"), _flag(raw, "offline", "hearth."))


def cloud_policy(value: Any, param: str) -> CloudPolicy | None:
    if value is None:
        return None
    try:
        policy = CloudPolicy(value)
    except ValueError:
        raise bad_request(
            f"'{param}' must be one of {', '.join(CloudPolicy)}.", param=param
        ) from None
    # Nobody is there to ask: as the command line does headless, ask means never.
    return CloudPolicy.NEVER if policy is CloudPolicy.ASK else policy


def _flag(body: Mapping[str, Any], name: str, prefix: str = "") -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise bad_request(f"'{prefix}{name}' must be true or false.", param=prefix + name)
    return value


def _typed(body: Mapping[str, Any], name: str, kinds: tuple[type, ...], what: str) -> Any:
    value = body.get(name)
    if value is None:
        return None
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise bad_request(f"'{name}' must be {what}.", param=name)
    if isinstance(value, float) and not math.isfinite(value):
        raise bad_request(f"'{name}' must be {what}.", param=name)
    return value


def parse_chat(body: Mapping[str, Any], served: Sequence[str]) -> Completion:
    model = _model(body, served)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("'messages' must be a non-empty list.", param="messages")
    try:
        parsed = conversation("", messages)
    except UsageError as exc:
        raise bad_request(exc.message, param="messages") from None
    options = _sampling(body)
    options["messages"] = [m.as_dict() for m in parsed]
    options.update(_response_format(body.get("response_format")))
    _checked(options)
    return Completion(
        model=model,
        text="\n\n".join(m.content for m in parsed),
        options=options,
        stream=_flag(body, "stream"),
        include_usage=_include_usage(body),
        routing=parse_routing(body.get("hearth")),
    )


def parse_legacy(body: Mapping[str, Any], served: Sequence[str]) -> Completion:
    """/v1/completions: the prompt goes to the model as one user turn of its chat template
    (Hearth serves instruct models through their template, not raw continuation)."""
    model = _model(body, served)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str) or not prompt.strip():
        raise bad_request("'prompt' must be a non-empty string.", param="prompt")
    if body.get("echo") or body.get("suffix") or (body.get("best_of") or 1) != 1:
        raise bad_request("echo, suffix and best_of are not supported.")
    options = _sampling(body)
    options["messages"] = [{"role": "user", "content": prompt}]
    _checked(options)
    return Completion(
        model=model,
        text=prompt,
        options=options,
        stream=_flag(body, "stream"),
        include_usage=_include_usage(body),
        routing=parse_routing(body.get("hearth")),
        legacy=True,
    )


def _sampling(body: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    max_tokens = _typed(body, "max_completion_tokens", (int,), "a whole number")
    if max_tokens is None:
        max_tokens = _typed(body, "max_tokens", (int,), "a whole number")
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    for name in ("temperature", "top_p"):
        value = _typed(body, name, (int, float), "a number")
        if value is not None:
            options[name] = value
    stop = body.get("stop")
    if stop is not None:
        options["stop"] = stop
    n = _typed(body, "n", (int,), "a whole number")
    if n not in (None, 1):
        raise bad_request("Only n=1 is supported: one model, one answer.", param="n")
    if body.get("tools") or body.get("functions"):
        raise bad_request("Tools and function calling are not supported by Hearth.", param="tools")
    return options


def _checked(options: Mapping[str, Any]) -> None:
    """The chat task's own checks, run now, so a bad value is a 400 before the queue."""
    from hearth.core.tasks.chat import Chat

    try:
        Chat().build_request("", options)
    except UsageError as exc:
        raise bad_request(exc.message) from None


def _include_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    if options is None:
        return False
    if not isinstance(options, Mapping):
        raise bad_request("'stream_options' must be an object.", param="stream_options")
    return _flag(options, "include_usage", "stream_options.")


def _response_format(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    kind = raw.get("type") if isinstance(raw, Mapping) else None
    if kind == "text":
        return {}
    if kind == "json_object":
        return {"json_object": "on"}
    if kind == "json_schema":
        spec = raw.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        if not isinstance(schema, dict):
            raise bad_request(
                "response_format json_schema needs {'json_schema': {'name': ..., 'schema': "
                "{...}}} with the schema inline.",
                param="response_format",
            )
        try:
            reply_schema({"json_schema": schema})  # refuses what the grammar cannot enforce
        except UsageError as exc:
            raise bad_request(exc.message, param="response_format") from None
        return {"json_schema": schema}
    raise bad_request(
        "response_format.type must be text, json_object or json_schema.", param="response_format"
    )


# -- answers ---------------------------------------------------------------------------------


def completion_id(legacy: bool = False) -> str:
    return ("cmpl-" if legacy else "chatcmpl-") + uuid.uuid4().hex[:24]


def where(answer: Answer) -> dict[str, Any]:
    """The `hearth` object: where the answer came from, and why."""
    data = answer.data
    return {
        "route": answer.route,
        "model": answer.model,
        "confidence": answer.confidence,
        "reason": data.get("escalation_reason"),
        "explanation": data.get("routing_explanation"),
        "escalation": None if answer.escalation is None else dataclasses.asdict(answer.escalation),
        "problems": list(answer.problems),
    }


def usage(answer: Answer) -> dict[str, int]:
    prompt, completion = answer.timings.prompt_tokens, answer.timings.output_tokens
    cloud = answer.data.get("cloud")
    if answer.route == "cloud" and isinstance(cloud, Mapping):
        prompt = int(cloud.get("prompt_tokens") or 0)
        completion = int(cloud.get("completion_tokens") or 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _finish(answer: Answer) -> str:
    return "length" if answer.finish_reason == "length" else "stop"


def completion_body(call: Completion, answer: Answer, ident: str) -> dict[str, Any]:
    created = int(time.time())
    if call.legacy:
        choice: dict[str, Any] = {
            "index": 0,
            "text": answer.text,
            "logprobs": None,
            "finish_reason": _finish(answer),
        }
        kind = "text_completion"
    else:
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": answer.text, "refusal": None},
            "logprobs": None,
            "finish_reason": _finish(answer),
        }
        kind = "chat.completion"
    return {
        "id": ident,
        "object": kind,
        "created": created,
        "model": call.model,
        "choices": [choice],
        "usage": usage(answer),
        "hearth": where(answer),
    }


def chunk(
    call: Completion,
    ident: str,
    *,
    text: str | None = None,
    first: bool = False,
    answer: Answer | None = None,
) -> dict[str, Any]:
    """One streamed piece; the last one (with `answer`) has the finish reason and `hearth`."""
    finish = None if answer is None else _finish(answer)
    if call.legacy:
        choice: dict[str, Any] = {
            "index": 0,
            "text": text or "",
            "logprobs": None,
            "finish_reason": finish,
        }
        kind = "text_completion"
    else:
        delta: dict[str, Any] = {}
        if first:
            delta["role"] = "assistant"
        if text is not None:
            delta["content"] = text
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        kind = "chat.completion.chunk"
    data: dict[str, Any] = {
        "id": ident,
        "object": kind,
        "created": int(time.time()),
        "model": call.model,
        "choices": [choice],
    }
    if answer is not None:
        data["hearth"] = where(answer)
    return data


def usage_chunk(call: Completion, ident: str, answer: Answer) -> dict[str, Any]:
    return {
        "id": ident,
        "object": "text_completion" if call.legacy else "chat.completion.chunk",
        "created": int(time.time()),
        "model": call.model,
        "choices": [],
        "usage": usage(answer),
    }


def models_body(served: Sequence[str], created: int) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {"id": model, "object": "model", "created": created, "owned_by": "hearth"}
            for model in served
        ],
    }
