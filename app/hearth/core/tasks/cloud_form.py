"""What every task's cloud form shares: the request plus its reader, and reading JSON back.

The local model and a cloud model need different things. Locally, classify scores lettered
options from logits and extract decodes under a grammar; a chat-completions endpoint gets text
instructions, plus a JSON Schema in `response_format` where the server is known to enforce one
(`CloudEndpoint.structured_output`). Each task module builds its own cloud request
(`Task.cloud_request`) from the options it parsed, so a refinement or a custom instruction
goes out as the local model saw it.

Reading an answer happens before the router records the request: an answer that is no answer
(a label that is not in the set, text that is not JSON) is a failed escalation, the local
answer stands, and the ledger says so. Readers receive the text with the placeholders still in
and restore them themselves: parsed JSON is restored value by value (`restore_data`), so a
restored quote or line break cannot break the JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudRequest
from hearth.core.privacy.redaction import Redaction

JSON_SCHEMA = "json_schema"  # OpenAI's response_format shape
JSON_OBJECT_SCHEMA = "json_object_schema"  # llama.cpp's

_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


@dataclass(frozen=True)
class CloudReading:
    """The task's answer from the cloud, in the shape the local answer has."""

    output: Any  # text, a label name, or the extracted object
    details: dict[str, Any]  # replaces the local answer's task details that it contradicts


@dataclass(frozen=True)
class CloudTask:
    request: CloudRequest
    read: Callable[[str, Redaction], CloudReading]


def response_format(
    schema: Mapping[str, Any], structured_output: str | None
) -> dict[str, Any] | None:
    if structured_output == JSON_SCHEMA:
        # strict off: a strict schema must list every property as required, which the user's
        # schemas need not; the answer is validated after it arrives either way.
        return {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": dict(schema), "strict": False},
        }
    if structured_output == JSON_OBJECT_SCHEMA:
        return {"type": "json_object", "schema": dict(schema)}
    return None


def read_text(raw: str, redaction: Redaction) -> CloudReading:
    text = redaction.restore(raw).strip()
    if not text:
        raise CloudFailure(FailureKind.BAD_RESPONSE, "The cloud's answer was empty.")
    return CloudReading(text, {})


def unfenced(raw: str) -> str:
    """Models outside a grammar like to wrap JSON in a Markdown code fence."""
    match = _FENCE.match(raw)
    return match.group(1) if match else raw


def json_value(raw: str) -> Any:
    """The JSON value of the answer (inside a code fence, or the outermost {...}), or None."""
    text = unfenced(raw).strip()
    candidates = [text]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            # strict=False: a control character inside a string is kept, as the task does.
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None
