"""Server-sent events as OpenAI streams them: `data: <json>` blocks, then `data: [DONE]`."""

from __future__ import annotations

import json
from typing import Any

DONE = b"data: [DONE]\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(data: Any) -> bytes:
    # ASCII-escaped: a raw U+2028 inside a line would split it for some readers.
    return b"data: " + json.dumps(data, ensure_ascii=True).encode() + b"\n\n"
