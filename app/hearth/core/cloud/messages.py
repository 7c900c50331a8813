"""What goes to a chat-completions endpoint and what comes back, as plain typed values."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Protocol


class ChatMessage(Protocol):
    """Anything with a role and a content: the engine's `Message` fits."""

    @property
    def role(self) -> str: ...

    @property
    def content(self) -> str: ...


@dataclass(frozen=True)
class CloudRequest:
    messages: tuple[ChatMessage, ...]
    max_tokens: int | None = 512
    temperature: float | None = 0.2
    # Passed through as the request's `response_format` (e.g. a JSON schema), when the task
    # needs structured output and the provider supports it.
    response_format: dict[str, Any] | None = None


@dataclass(frozen=True)
class CloudPayload:
    """The exact request body: what a preview shows is byte for byte what is sent."""

    body: bytes
    stream: bool

    @property
    def data(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value

    def preview(self) -> str:
        """The body as indented JSON, for people to read before it is sent."""
        return json.dumps(self.data, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class CloudAnswer:
    text: str
    model: str  # as the server named it (or as requested, when it did not say)
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    usage_estimated: bool  # the server did not report usage: counted as about 4 chars a token
    latency_ms: float  # request sent -> answer complete, retries and waits included
    ttft_ms: float | None  # request sent -> first text piece (streaming only)
    attempts: int


def build_payload(
    request: CloudRequest, model: str, *, stream: bool, stream_usage: bool
) -> CloudPayload:
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "stream": stream,
    }
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.response_format is not None:
        body["response_format"] = request.response_format
    if stream and stream_usage:
        body["stream_options"] = {"include_usage": True}
    return CloudPayload(json.dumps(body, ensure_ascii=False).encode(), stream)


def estimate_tokens(text: str) -> int:
    """A rough count for servers that report no usage: about four characters a token."""
    return math.ceil(len(text) / 4)
