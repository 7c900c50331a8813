"""Every API request needs `Authorization: Bearer <token>`; anything else is a 401.

A pure ASGI middleware (not Starlette's BaseHTTPMiddleware, which buffers streamed responses
and hides client disconnects from the endpoint). The comparison takes the same time whatever
the token, so a caller cannot find it a character at a time.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Receive, Scope, Send

from hearth.api.errors import ApiError


class BearerAuth:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._authorized(scope):
            await self._app(scope, receive, send)
            return
        error = ApiError(
            401,
            "This Hearth API needs its token: send 'Authorization: Bearer <token>' (the token "
            "is shown by `hearth serve --print-token` and in Tools ▸ Local API).",
            code="invalid_api_key",
        )
        body = json.dumps(error.body()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer realm="hearth"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _authorized(self, scope: Scope) -> bool:
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                given = value
                break
        return hmac.compare_digest(given, self._expected)
