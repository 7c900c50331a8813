"""Errors as the API answers them: an HTTP status and OpenAI's error object.

OpenAI's clients read `{"error": {"message", "type", "param", "code"}}` and raise typed
exceptions by status (400, 401, 404, 413, 429, 503...), so a caller's app shows Hearth's
message as it shows OpenAI's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth.core.errors import (
    CloudError,
    EngineCrashed,
    HearthError,
    ModelFileError,
    PrivacyRefused,
    UsageError,
)


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.code = code
        self.param = param
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, *, param: str | None = None) -> ApiError:
    return ApiError(400, message, param=param)


def from_hearth_error(exc: HearthError) -> ApiError:
    """The status that says whose problem it is: the request's (4xx) or the server's (5xx)."""
    if isinstance(exc, UsageError):
        return ApiError(400, exc.message)
    if isinstance(exc, PrivacyRefused):
        return ApiError(403, exc.message, kind="permission_error", code="privacy_refused")
    if isinstance(exc, CloudError):
        return ApiError(502, exc.message, kind="api_error", code="cloud_failed")
    if isinstance(exc, ModelFileError):
        return ApiError(503, exc.message, kind="server_error", code="model_unavailable")
    if isinstance(exc, EngineCrashed):
        return ApiError(500, exc.message, kind="server_error", code="engine_crashed")
    return ApiError(500, exc.message, kind="server_error")
