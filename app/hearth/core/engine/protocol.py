"""The engine host's wire format: one JSON object per line, each way, over the host's pipes.

Requests carry `op` and an `id`; replies carry `ev` and the `id` they answer. JSON lines keep
the protocol debuggable by eye, and a token per line costs microseconds against the
tens of milliseconds a token takes to decode.
"""

from __future__ import annotations

import json
from typing import Any

PROTOCOL_VERSION = 1

# Requests (client -> host)
OP_HELLO = "hello"
OP_LOAD = "load"
OP_GENERATE = "generate"
OP_SCORE = "score"
OP_SCORE_BATCH = "score_batch"
OP_COUNT = "count"
OP_PREFILL = "prefill"  # read a prompt ahead of its request (while the user types)
OP_CANCEL = "cancel"
OP_SHUTDOWN = "shutdown"

# Events (host -> client)
EV_HELLO = "hello"
EV_LOAD_PROGRESS = "load_progress"
EV_LOADED = "loaded"
EV_PREFILL = "prefill"
EV_TOKEN = "token"
EV_DONE = "done"
EV_SCORED = "scored"
EV_SCORED_BATCH = "scored_batch"
EV_COUNTED = "counted"
EV_PREFILLED = "prefilled"
EV_ERROR = "error"

# Error kinds the host reports; the client maps each to a typed exception.
ERR_MODEL_FILE = "model_file"
ERR_TEMPLATE = "template"
ERR_NO_MODEL = "no_model"
ERR_BAD_REQUEST = "bad_request"
ERR_TOO_LONG = "too_long"
ERR_INTERNAL = "internal"


class ProtocolError(Exception):
    """A line that is not a protocol message."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except ValueError as exc:
        raise ProtocolError(f"not JSON: {line[:200]!r}") from exc
    if not isinstance(message, dict):
        raise ProtocolError(f"not an object: {line[:200]!r}")
    return message
