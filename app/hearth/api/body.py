"""Reading a request's JSON body, bounded: a huge body is refused before it is read."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request as HttpRequest

from hearth.api.errors import ApiError, bad_request

# Far above any text that fits a small model's context, with room for a batch.
MAX_BODY_BYTES = 8 * 1024 * 1024


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"The request body is larger than {limit // (1024 * 1024)} MiB. Send less text per "
        "request (or split a batch).",
        code="request_too_large",
    )


async def read_json(request: HttpRequest, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise too_large(limit)  # before reading a byte of it
        except ValueError:
            raise bad_request("The Content-Length header is not a number.") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # a chunked body that declared no length
            raise too_large(limit)
        chunks.append(chunk)
    try:
        value = json.loads(b"".join(chunks))
    except (ValueError, RecursionError) as exc:
        raise bad_request(f"The request body is not valid JSON ({exc}).") from None
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object.")
    return value
