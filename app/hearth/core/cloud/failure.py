"""Cloud failures, typed by what the user must do about them."""

from __future__ import annotations

from enum import StrEnum

from hearth.core.errors import CloudError


class FailureKind(StrEnum):
    BAD_URL = "bad_url"  # the base URL is not an http(s) URL
    NOT_CONFIGURED = "not_configured"  # no provider or no model set
    NO_KEY = "no_key"  # the provider needs a key and none is stored
    KEYCHAIN = "keychain"  # the OS keychain cannot be used
    BAD_KEY = "bad_key"  # 401/403
    UNKNOWN_MODEL = "unknown_model"  # 404 or model_not_found
    NOT_FOUND = "not_found"  # no chat-completions API at that address
    RATE_LIMITED = "rate_limited"  # 429 after the retries, or a quota used up
    TIMEOUT = "timeout"
    TLS = "tls"  # the secure connection could not be set up
    UNREACHABLE = "unreachable"  # offline, unknown host, nothing listening
    BAD_RESPONSE = "bad_response"  # HTML, invalid JSON, not the expected shape
    STREAM_CUT = "stream_cut"  # the answer stopped part-way
    SERVER_ERROR = "server_error"  # 5xx after the retries
    REJECTED = "rejected"  # any other refusal of the request (400, 402, 413, content filter)


class CloudFailure(CloudError):
    """A cloud request that did not give an answer, with what arrived before it failed.

    `partial_text` is the part of a streamed answer received before the failure: shown to the
    user as cut, never silently passed off as the full answer.
    """

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        partial_text: str = "",
        retry_after_s: float | None = None,
        request_delivered: bool = True,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.partial_text = partial_text
        self.retry_after_s = retry_after_s
        # False only when the request certainly never reached a server (no key, bad URL, no
        # connection): the ledger then does not count it as having left the machine.
        self.request_delivered = request_delivered
        # A quota or credit used up: it will not come back in seconds, so no retry.
        self.quota_used_up = False
