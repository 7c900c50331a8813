"""`CloudClient`: one chat-completions request to an OpenAI-compatible endpoint, over httpx.

Streaming (SSE) with a callback per text piece; connect and read timeouts; retries with backoff
on 429 and 5xx that honour Retry-After, within bounds; cancellation from any thread through a
`CancelToken`; the system's proxy settings (httpx `trust_env`: HTTPS_PROXY, NO_PROXY, and the
platform's proxy configuration), except for servers on this machine, which no proxy can reach.

Every failure is a `CloudFailure` (a `CloudError`, exit status 5) saying what to do. The API key
goes into the Authorization header and nowhere else: messages quote server replies only after
scrubbing it out.

Not thread-safe except for cancellation: one request at a time per client.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from hearth.core.cancel import CancelToken
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import ApiKey, KeyStore
from hearth.core.cloud.messages import (
    CloudAnswer,
    CloudPayload,
    CloudRequest,
    build_payload,
    estimate_tokens,
)
from hearth.core.cloud.retry import (
    RETRY_STATUSES,
    RetryPolicy,
    Waiter,
    cancellable_wait,
    parse_retry_after,
)
from hearth.core.cloud.sse import iter_sse_data
from hearth.core.errors import Cancelled, HearthError, PrivacyRefused
from hearth.core.privacy.network_guard import NetworkRefused
from hearth.core.version import app_version

_MAX_BODY_BYTES = 16 * 1024 * 1024  # a chat answer is kilobytes; more is not an answer
_MAX_ERROR_BYTES = 64 * 1024
_QUOTE_CHARS = 240
# Long runs of key-like characters in a server's reply (some echo part of a key): hidden.
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{24,}")
_MODEL_WORDS = re.compile(
    r"model.*(not\s+(be\s+)?found|does\s?n[o']t\s+exist|unknown|invalid|not\s+supported|"
    r"no\s+such|not\s+available)|(unknown|invalid)\s+model",
    re.IGNORECASE,
)


class CloudClient:
    def __init__(
        self,
        endpoint: CloudEndpoint,
        api_key: ApiKey | None,
        *,
        retry: RetryPolicy | None = None,
        wait: Waiter = cancellable_wait,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        trust_env: bool = True,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.endpoint = endpoint
        self._key = api_key
        self._retry = retry or RetryPolicy()
        self._wait = wait
        self._rng = rng or random.Random()
        self._clock = clock
        timeout = httpx.Timeout(
            connect=endpoint.connect_timeout_s,
            read=endpoint.read_timeout_s,
            write=endpoint.read_timeout_s,
            pool=endpoint.connect_timeout_s,
        )
        self._http = httpx.Client(
            timeout=timeout,
            verify=verify,
            trust_env=trust_env,
            transport=transport,
            # No connection reuse: every request opens its own connection, so cancellation
            # always knows the socket to interrupt (see _Interrupter). A handshake per
            # escalated request is cheap next to the answer's own time.
            limits=httpx.Limits(max_keepalive_connections=0),
            # A proxy cannot reach this machine's loopback: local servers are always direct.
            mounts={"all://localhost": None, "all://127.0.0.1": None, "all://[::1]": None},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the request -----------------------------------------------------------------------

    def prepare(self, request: CloudRequest, *, stream: bool = True) -> CloudPayload:
        """The exact body that `send` will send: preview it, then send this same object."""
        return build_payload(
            request,
            self.endpoint.model,
            stream=stream,
            stream_usage=self.endpoint.stream_usage,
        )

    def complete(
        self,
        request: CloudRequest,
        *,
        on_text: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
        stream: bool = True,
    ) -> CloudAnswer:
        return self.send(self.prepare(request, stream=stream), on_text=on_text, cancel=cancel)

    def send(
        self,
        payload: CloudPayload,
        *,
        on_text: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> CloudAnswer:
        """Send `payload`; stream the answer's text pieces to `on_text` as they arrive."""
        cancel = cancel or CancelToken()
        if self.endpoint.needs_key and self._key is None:
            raise CloudFailure(
                FailureKind.NO_KEY,
                f"No API key is stored for {self.endpoint.host}: run 'hearth cloud key' and "
                "paste the key (or set HEARTH_CLOUD_API_KEY for this process).",
                request_delivered=False,
            )
        interrupter = _Interrupter(cancel)
        started = self._clock()
        try:
            return self._send_with_retries(payload, on_text, cancel, interrupter, started)
        finally:
            interrupter.close()

    def _headers(self, stream: bool) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
            "User-Agent": f"Hearth/{app_version()}",
        }
        if self._key is not None:
            headers["Authorization"] = f"Bearer {self._key.reveal()}"
        return headers

    def _send_with_retries(
        self,
        payload: CloudPayload,
        on_text: Callable[[str], None] | None,
        cancel: CancelToken,
        interrupter: _Interrupter,
        started: float,
    ) -> CloudAnswer:
        attempts = self._retry.max_attempts
        for attempt in range(1, attempts + 1):
            cancel.raise_if_cancelled()
            try:
                with self._http.stream(
                    "POST",
                    self.endpoint.chat_url,
                    content=payload.body,
                    headers=self._headers(payload.stream),
                    extensions={"trace": interrupter.trace},
                ) as response:
                    if response.is_success:
                        reader = _AnswerReader(self, response, on_text, cancel, started)
                        return reader.read(attempt)
                    failure, retryable = self._status_failure(response, attempt)
            except httpx.HTTPError as exc:
                if cancel.cancelled:
                    raise Cancelled() from None
                error = transport_failure(self.endpoint, exc)
                if isinstance(error, CloudFailure) and _before_sending(exc):
                    error.request_delivered = False
                raise error from None
            if not retryable or attempt == attempts:
                raise failure
            delay = self._retry.delay(attempt, failure.retry_after_s, self._rng)
            if delay > self._retry.max_retry_after_s:
                raise failure
            self._wait(delay, cancel)
        raise AssertionError("unreachable: the last attempt returns or raises")

    # -- failures ------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """A server's words, safe to show: one line, short, without the key or key-like runs."""
        if self._key is not None:
            text = text.replace(self._key.reveal(), "[key hidden]")
        text = _TOKENISH.sub("[hidden]", text)
        text = " ".join(text.split())
        return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"

    def _status_failure(self, response: httpx.Response, attempts: int) -> tuple[CloudFailure, bool]:
        """What an error status means for the user, and whether another try may help."""
        failure = self._describe_status(response, attempts)
        retryable = response.status_code in RETRY_STATUSES and not failure.quota_used_up
        return failure, retryable

    def _describe_status(self, response: httpx.Response, attempts: int) -> CloudFailure:
        status = response.status_code
        raw = _read_limited(response, _MAX_ERROR_BYTES)
        content_type = response.headers.get("content-type", "")
        message, code = _server_error(raw)
        said = f": {self.scrub(message)}" if message else ""
        html = _looks_like_html(raw, content_type)
        host = self.endpoint.host
        model = self.endpoint.model
        retry_after = parse_retry_after(response.headers)
        web_page = (
            " (the server answered with a web page, not the API: is the base URL right?)"
            if html
            else ""
        )

        def fail(kind: FailureKind, text: str) -> CloudFailure:
            return CloudFailure(kind, text, status=status, retry_after_s=retry_after)

        model_problem = code in ("model_not_found", "invalid_model") or bool(
            message and _MODEL_WORDS.search(message)
        )
        if status in (301, 302, 303, 307, 308):
            where = response.headers.get("location", "another address")
            return fail(
                FailureKind.NOT_FOUND,
                f"{host} redirects the API to {where}: set that as the base URL with "
                "'hearth cloud set --base-url URL'.",
            )
        if status == 401:
            if self._key is None:
                return fail(
                    FailureKind.BAD_KEY,
                    f"{host} needs an API key (HTTP 401{said}): store one with 'hearth cloud key'.",
                )
            return fail(
                FailureKind.BAD_KEY,
                f"{host} refused the API key (HTTP 401{said}): store a valid key with "
                "'hearth cloud key'.",
            )
        if status == 403 and not model_problem:
            return fail(
                FailureKind.BAD_KEY,
                f"{host} refused access (HTTP 403{said}): the key may not be allowed to use "
                f"'{model}', or the account is restricted. Check the key ('hearth cloud key') "
                "and the model.",
            )
        if model_problem and status in (400, 403, 404, 422):
            return fail(
                FailureKind.UNKNOWN_MODEL,
                f"{host} does not offer the model '{model}' (HTTP {status}{said}). Check the "
                "name in your provider's model list and set it with "
                "'hearth cloud set --model NAME'.",
            )
        if status == 404:
            return fail(
                FailureKind.NOT_FOUND,
                f"There is no chat-completions API at {self.endpoint.chat_url} (HTTP 404)"
                f"{web_page}. Check the base URL: for most providers it ends in /v1.",
            )
        if status == 429:
            if _is_quota_code(code, message):
                used_up = fail(
                    FailureKind.RATE_LIMITED,
                    f"The account at {host} has used up its quota or credit (HTTP 429{said}): "
                    "check the plan and billing with the provider.",
                )
                used_up.quota_used_up = True
                return used_up
            wait = f"; it asks to wait {retry_after:.0f} s" if retry_after is not None else ""
            return fail(
                FailureKind.RATE_LIMITED,
                f"{host} is rate limiting requests (HTTP 429, {attempts} attempt"
                f"{'s' if attempts != 1 else ''}{wait}). Wait a little and try again, or use a "
                "plan or model with higher limits.",
            )
        if status == 402:
            return fail(
                FailureKind.REJECTED,
                f"{host} wants payment (HTTP 402{said}): add credit to the account.",
            )
        if status == 413 or code == "context_length_exceeded":
            return fail(
                FailureKind.REJECTED,
                f"The text is too long for '{model}' at {host} (HTTP {status}{said}): shorten "
                "it or choose a model with a longer context.",
            )
        if status >= 500 or status in RETRY_STATUSES:
            return fail(
                FailureKind.SERVER_ERROR,
                f"{host} had a server error (HTTP {status}{said}{web_page}) on {attempts} "
                f"attempt{'s' if attempts != 1 else ''}: try again later.",
            )
        return fail(
            FailureKind.REJECTED,
            f"{host} rejected the request (HTTP {status}{said}){web_page}.",
        )


def transport_failure(endpoint: CloudEndpoint, exc: httpx.HTTPError) -> HearthError:
    """What a connection-level failure means for the user."""
    host = endpoint.host
    refused = _find_cause(exc, NetworkRefused)
    if refused is not None:
        return PrivacyRefused(
            f"Hearth is air-gapped: the connection to {host} was refused and nothing was "
            "sent. Turn air-gapped mode off to use the cloud."
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return CloudFailure(
            FailureKind.BAD_URL,
            f"The base URL {endpoint.base_url} is not usable: it must start with "
            "http:// or https://.",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return CloudFailure(
            FailureKind.TIMEOUT,
            f"Could not connect to {host} within {endpoint.connect_timeout_s:g} s: "
            "check that you are online, the address is right, and no firewall blocks it.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return CloudFailure(
            FailureKind.TIMEOUT,
            f"{host} did not answer within {endpoint.read_timeout_s:g} s: it may be "
            "overloaded; try again, or raise the read timeout in the settings.",
        )
    if isinstance(exc, httpx.ProxyError):
        return CloudFailure(
            FailureKind.UNREACHABLE,
            f"The proxy refused the connection to {host} ({exc}): check the proxy "
            "settings (HTTPS_PROXY, NO_PROXY, or the system's).",
        )
    tls = _find_cause(exc, ssl.SSLError)
    if tls is not None:
        return CloudFailure(FailureKind.TLS, _tls_message(host, tls, endpoint))
    if _find_cause(exc, socket.gaierror) is not None:
        return CloudFailure(
            FailureKind.UNREACHABLE,
            f"Could not find the host {endpoint.base_url}: check that you are "
            "online and the address is spelled right.",
        )
    if _find_cause(exc, ConnectionRefusedError) is not None:
        return CloudFailure(
            FailureKind.UNREACHABLE,
            f"Nothing is listening at {host} (connection refused): is the server running, "
            "and is the port right?",
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return CloudFailure(
            FailureKind.BAD_RESPONSE,
            f"{host} closed the connection without a proper HTTP answer: check the base "
            "URL, and whether it should be http:// or https://.",
        )
    if isinstance(exc, httpx.ConnectError):
        return CloudFailure(
            FailureKind.UNREACHABLE,
            f"Could not reach {host} ({_reason(exc)}): check that you are online.",
        )
    return CloudFailure(
        FailureKind.UNREACHABLE,
        f"The connection to {host} failed ({_reason(exc)}): check that you are online and "
        "try again.",
    )


class _AnswerReader:
    """Reads one successful response: an SSE stream, or a whole JSON completion."""

    def __init__(
        self,
        client: CloudClient,
        response: httpx.Response,
        on_text: Callable[[str], None] | None,
        cancel: CancelToken,
        started: float,
    ) -> None:
        self._client = client
        self._response = response
        self._on_text = on_text
        self._cancel = cancel
        self._started = started
        self._parts: list[str] = []
        self._ttft_ms: float | None = None
        self._host = client.endpoint.host

    @property
    def _partial(self) -> str:
        return "".join(self._parts)

    def _emit(self, piece: str) -> None:
        if not piece:
            return
        if self._ttft_ms is None:
            self._ttft_ms = (self._client._clock() - self._started) * 1000
        self._parts.append(piece)
        if self._on_text is not None:
            self._on_text(piece)

    def _fail(self, kind: FailureKind, message: str) -> CloudFailure:
        partial = self._partial
        if partial:
            message += f" {len(partial)} characters had arrived; they are kept."
        return CloudFailure(kind, message, partial_text=partial)

    def read(self, attempts: int) -> CloudAnswer:
        content_type = self._response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if content_type.lower() == "text/event-stream":
                answer = self._read_stream(attempts)
            else:
                answer = self._read_whole(attempts, content_type)
            # A cancel may end the stream as if the server had closed it: cancelled it is.
            self._cancel.raise_if_cancelled()
            return answer
        except CloudFailure:
            self._cancel.raise_if_cancelled()
            raise
        except httpx.HTTPError as exc:
            if self._cancel.cancelled:
                raise Cancelled() from None
            if isinstance(exc, httpx.TimeoutException):
                raise self._fail(
                    FailureKind.TIMEOUT,
                    f"{self._host} stopped answering part-way (nothing for "
                    f"{self._client.endpoint.read_timeout_s:g} s): the answer is incomplete.",
                ) from None
            raise self._fail(
                FailureKind.STREAM_CUT,
                f"The answer from {self._host} was cut off ({_reason(exc)}): it is incomplete.",
            ) from None

    def _read_stream(self, attempts: int) -> CloudAnswer:
        model: str | None = None
        finish: str | None = None
        usage: dict[str, Any] | None = None
        done = False
        for data in iter_sse_data(self._response.iter_bytes()):
            if data.strip() == "[DONE]":
                done = True
                break
            try:
                chunk = json.loads(data)
            except ValueError:
                raise self._fail(
                    FailureKind.BAD_RESPONSE,
                    f"{self._host} sent a piece of the answer that is not valid JSON.",
                ) from None
            if not isinstance(chunk, dict):
                raise self._fail(
                    FailureKind.BAD_RESPONSE, f"{self._host} sent an unexpected stream piece."
                )
            if "error" in chunk:
                message, _ = _server_error(json.dumps(chunk).encode())
                raise self._fail(
                    FailureKind.SERVER_ERROR,
                    f"{self._host} reported an error mid-answer: "
                    f"{self._client.scrub(message or 'no details')}.",
                )
            model = _str(chunk.get("model")) or model
            if isinstance(chunk.get("usage"), dict):
                usage = chunk["usage"]
            choices = chunk.get("choices")
            if isinstance(choices, list) and choices and isinstance(choices[0], dict):
                choice = choices[0]
                delta = choice.get("delta")
                if isinstance(delta, dict):
                    self._emit(_str(delta.get("content")) or "")
                finish = _str(choice.get("finish_reason")) or finish
        if not done and finish is None:
            raise self._fail(
                FailureKind.STREAM_CUT,
                f"The answer from {self._host} stopped before its end: it is incomplete.",
            )
        return self._answer(model, finish, usage, attempts)

    def _read_whole(self, attempts: int, content_type: str) -> CloudAnswer:
        raw = _read_limited(self._response, _MAX_BODY_BYTES)
        if _looks_like_html(raw, content_type):
            raise self._fail(
                FailureKind.BAD_RESPONSE,
                f"{self._host} answered with a web page, not the API: check the base URL (for "
                "most providers it ends in /v1). A network login page or a proxy can also do "
                "this.",
            )
        try:
            data = json.loads(raw)
        except ValueError:
            raise self._fail(
                FailureKind.BAD_RESPONSE,
                f"{self._host} answered with something that is not valid JSON: check the base "
                "URL; the server may not be an OpenAI-compatible API.",
            ) from None
        if isinstance(data, dict) and "error" in data:
            message, _ = _server_error(raw)
            raise self._fail(
                FailureKind.SERVER_ERROR,
                f"{self._host} reported an error: {self._client.scrub(message or 'no details')}.",
            )
        try:
            choice = data["choices"][0]
            message_obj = choice["message"]
            content = message_obj.get("content")
        except (KeyError, IndexError, TypeError, AttributeError):
            raise self._fail(
                FailureKind.BAD_RESPONSE,
                f"{self._host} answered in a shape that is not a chat completion.",
            ) from None
        if not isinstance(content, str):
            refusal = _str(message_obj.get("refusal"))
            if refusal:
                raise self._fail(
                    FailureKind.REJECTED,
                    f"The model at {self._host} refused: {self._client.scrub(refusal)}",
                )
            content = ""
        self._emit(content)
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else None
        return self._answer(
            _str(data.get("model")), _str(choice.get("finish_reason")), usage, attempts
        )

    def _answer(
        self,
        model: str | None,
        finish: str | None,
        usage: dict[str, Any] | None,
        attempts: int,
    ) -> CloudAnswer:
        text = self._partial
        prompt = _count(usage, "prompt_tokens")
        completion = _count(usage, "completion_tokens")
        estimated = prompt is None or completion is None
        if prompt is None:
            sent = self._response.request.content.decode("utf-8", errors="replace")
            prompt = estimate_tokens(sent)
        if completion is None:
            completion = estimate_tokens(text)
        return CloudAnswer(
            text=text,
            model=model or self._client.endpoint.model,
            finish_reason=finish,
            prompt_tokens=prompt,
            completion_tokens=completion,
            usage_estimated=estimated,
            latency_ms=(self._client._clock() - self._started) * 1000,
            ttft_ms=self._ttft_ms,
            attempts=attempts,
        )


class _Interrupter:
    """Interrupts the request's socket when the token is cancelled, from whichever thread.

    Closing a socket does not wake a thread blocked reading it (on Linux the read just goes
    on); shutting it down does, and the reader then sees the connection end at once. httpx's
    `trace` extension hands over each new connection's socket; connections are never reused
    (see CloudClient), so every request's socket passes through here.
    """

    def __init__(self, cancel: CancelToken) -> None:
        self._cancel = cancel
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._unregister = cancel.on_cancel(self._interrupt)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if not event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
        if self._cancel.cancelled:
            _shut(sock)

    def _interrupt(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def close(self) -> None:
        self._unregister()
        with self._lock:
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: its override would tear down the
    # TLS state under the reading thread's feet; the plain one just ends the connection.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


# -- helpers ---------------------------------------------------------------------------------


def _before_sending(exc: httpx.HTTPError) -> bool:
    """Whether the error came before any of the request could reach a server."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.UnsupportedProtocol):
        return True
    if isinstance(exc, httpx.ProxyError):
        return True
    return _find_cause(exc, ssl.SSLError) is not None


def _read_limited(response: httpx.Response, limit: int) -> bytes:
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > limit:
            break
    return bytes(data[:limit])


def _looks_like_html(raw: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = raw[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def _server_error(raw: bytes) -> tuple[str, str | None]:
    """The message and code of an error body in any of the usual shapes."""
    try:
        data = json.loads(raw)
    except ValueError:
        return "", None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]  # some gateways wrap the error in a list
    if not isinstance(data, dict):
        return "", None
    error = data.get("error", data)
    if isinstance(error, str):
        return error, _str(data.get("code"))
    if not isinstance(error, dict):
        return "", None
    message = error.get("message") or error.get("detail") or error.get("msg") or ""
    if isinstance(message, list | dict):
        message = json.dumps(message)
    code = _str(error.get("code")) or _str(error.get("type"))
    return str(message), code


def _is_quota_code(code: str | None, message: str) -> bool:
    return code == "insufficient_quota" or "quota" in message.lower()


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(usage: dict[str, Any] | None, name: str) -> int | None:
    if usage is None:
        return None
    value = usage.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _tls_message(host: str, error: BaseException, endpoint: CloudEndpoint) -> str:
    reason = getattr(error, "reason", None) or _reason(error)
    text = str(reason)
    message = f"Could not set up a secure (TLS) connection to {host} ({text})."
    upper = f"{text} {error}".upper()
    if "CERTIFICATE_VERIFY_FAILED" in upper or "CERTIFICATE" in upper:
        message += (
            " The server's certificate is not trusted. If your network inspects secure "
            "connections (a company proxy), point SSL_CERT_FILE at its certificate bundle."
        )
    elif endpoint.base_url.startswith("https://"):
        message += (
            " The server may not speak https on that port: for a server on your own network "
            "try http:// instead."
        )
    return message


def open_client(endpoint: CloudEndpoint, keys: KeyStore) -> CloudClient:
    """A client for `endpoint` with its key from the environment or the keychain."""
    return CloudClient(endpoint, keys.load(endpoint.key_account))
