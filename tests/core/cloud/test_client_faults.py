"""The cloud client against a misbehaving server: every failure clear, nothing that arrived lost."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from hearth.core.cancel import CancelToken
from hearth.core.cloud.client import CloudClient, transport_failure
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import ApiKey
from hearth.core.cloud.messages import CloudRequest
from hearth.core.cloud.presets import find_preset
from hearth.core.cloud.retry import RetryPolicy
from hearth.core.errors import Cancelled, CloudError
from hearth.core.privacy.network_guard import NetworkGuard
from hearth.core.routing.router import Message
from tests.core.cloud.fake_provider import (
    FakeProvider,
    Reply,
    completion,
    error,
    sse_events,
    stream,
)

KEY = ApiKey("sk-test-0123456789abcdefghijklmnopqrstuv", "keychain")
REQUEST = CloudRequest((Message("system", "Be brief."), Message("user", "Say hello.")))
FAST = RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.002, max_retry_after_s=5)


class Waits:
    """Records the pauses asked for instead of sleeping through them."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float, cancel: CancelToken | None) -> None:
        self.seconds.append(seconds)


def make_client(
    provider: FakeProvider,
    *,
    key: ApiKey | None = KEY,
    read_timeout_s: float = 5.0,
    base_url: str | None = None,
    retry: RetryPolicy = FAST,
    wait: Callable[[float, CancelToken | None], None] | None = None,
    model: str = "fake-model",
) -> CloudClient:
    endpoint = CloudEndpoint(
        base_url or provider.base_url,
        model,
        connect_timeout_s=2.0,
        read_timeout_s=read_timeout_s,
    )
    if wait is None:
        return CloudClient(endpoint, key, retry=retry)
    return CloudClient(endpoint, key, retry=retry, wait=wait)


def fails(client: CloudClient, **kwargs: object) -> CloudFailure:
    with pytest.raises(CloudFailure) as caught:
        client.complete(REQUEST, **kwargs)  # type: ignore[arg-type]
    failure = caught.value
    assert isinstance(failure, CloudError)
    assert failure.exit_code == 5
    assert KEY.reveal() not in failure.message
    return failure


# --- answers --------------------------------------------------------------------------------


def test_streams_pieces_to_the_callback_and_sends_the_key(provider: FakeProvider) -> None:
    provider.reply(stream(["Hel", "lo", " there"]))
    pieces: list[str] = []

    with make_client(provider) as client:
        answer = client.complete(REQUEST, on_text=pieces.append)

    assert pieces == ["Hel", "lo", " there"]
    assert answer.text == "Hello there"
    assert answer.finish_reason == "stop"
    assert answer.attempts == 1
    assert answer.usage_estimated  # the stream reported no usage
    assert answer.ttft_ms is not None
    assert answer.ttft_ms <= answer.latency_ms
    seen = provider.seen[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["Authorization"] == f"Bearer {KEY.reveal()}"
    assert seen.json["model"] == "fake-model"
    assert seen.json["stream"] is True
    assert seen.json["messages"][1] == {"role": "user", "content": "Say hello."}
    assert "stream_options" not in seen.json  # only for presets known to accept it


def test_a_preset_that_reports_stream_usage_asks_for_it(provider: FakeProvider) -> None:
    preset = find_preset("vllm")
    endpoint = CloudEndpoint(provider.base_url, "m", preset=preset)
    provider.reply(stream(["x"]))

    with CloudClient(endpoint, None, retry=FAST) as client:
        client.complete(REQUEST)

    assert provider.seen[0].json["stream_options"] == {"include_usage": True}


def test_the_prepared_payload_is_exactly_what_is_sent(provider: FakeProvider) -> None:
    provider.reply(stream(["ok"]))
    with make_client(provider) as client:
        payload = client.prepare(REQUEST)
        client.send(payload)

    assert provider.seen[0].body == payload.body
    assert "Say hello." in payload.preview()


def test_a_whole_json_answer_is_accepted(provider: FakeProvider) -> None:
    provider.reply(completion("Whole answer"))
    pieces: list[str] = []

    with make_client(provider) as client:
        answer = client.complete(REQUEST, on_text=pieces.append, stream=False)

    assert answer.text == "Whole answer"
    assert pieces == ["Whole answer"]
    assert (answer.prompt_tokens, answer.completion_tokens) == (11, 7)
    assert not answer.usage_estimated


def test_a_server_that_ignores_stream_true_still_works(provider: FakeProvider) -> None:
    provider.reply(completion("Not streamed"))
    with make_client(provider) as client:
        assert client.complete(REQUEST).text == "Not streamed"


def test_no_key_is_sent_when_none_is_stored(provider: FakeProvider) -> None:
    provider.reply(stream(["ok"]))
    with make_client(provider, key=None) as client:
        client.complete(REQUEST)
    assert "Authorization" not in provider.seen[0].headers


def test_a_hosted_preset_without_a_key_fails_before_sending() -> None:
    # TEST-NET, behind the network guard: even a bug here could not reach anything.
    endpoint = CloudEndpoint("https://192.0.2.1/v1", "m", preset=find_preset("openai"))
    with (
        NetworkGuard() as guard,
        CloudClient(endpoint, None) as client,
        pytest.raises(CloudFailure) as caught,
    ):
        client.complete(REQUEST)
    assert caught.value.kind is FailureKind.NO_KEY
    assert "hearth cloud key" in caught.value.message
    assert not caught.value.request_delivered
    assert guard.attempts == ()


# --- refusals -------------------------------------------------------------------------------


def test_401_says_the_key_is_bad_without_quoting_it(provider: FakeProvider) -> None:
    provider.reply(
        error(401, f"Incorrect API key provided: {KEY.reveal()}", code="invalid_api_key")
    )

    failure = fails(make_client(provider))

    assert failure.kind is FailureKind.BAD_KEY
    assert failure.status == 401
    assert "hearth cloud key" in failure.message
    assert "[key hidden]" in failure.message
    assert len(provider.seen) == 1  # a bad key is not retried


def test_401_without_a_key_says_one_is_needed(provider: FakeProvider) -> None:
    provider.reply(error(401, "Missing bearer token"))
    failure = fails(make_client(provider, key=None))
    assert failure.kind is FailureKind.BAD_KEY
    assert "needs an API key" in failure.message


def test_403_is_a_key_problem(provider: FakeProvider) -> None:
    provider.reply(error(403, "Project does not have access"))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.BAD_KEY
    assert "403" in failure.message


def test_404_with_model_not_found_names_the_model(provider: FakeProvider) -> None:
    provider.reply(
        error(404, "The model `gpt-9` does not exist or you do not have access to it.",
              code="model_not_found")
    )  # fmt: skip

    failure = fails(make_client(provider, model="gpt-9"))

    assert failure.kind is FailureKind.UNKNOWN_MODEL
    assert "'gpt-9'" in failure.message
    assert "hearth cloud set --model" in failure.message


def test_400_invalid_model_is_an_unknown_model(provider: FakeProvider) -> None:
    provider.reply(error(400, "Invalid model: mistral-huge"))
    assert fails(make_client(provider)).kind is FailureKind.UNKNOWN_MODEL


def test_a_plain_404_points_at_the_base_url(provider: FakeProvider) -> None:
    provider.reply(
        Reply(404, {"Content-Type": "text/html"}, b"<html><body>Not Found</body></html>")
    )

    failure = fails(make_client(provider))

    assert failure.kind is FailureKind.NOT_FOUND
    assert "/v1" in failure.message
    assert "web page" in failure.message


def test_a_redirect_says_where_to(provider: FakeProvider) -> None:
    provider.reply(Reply(301, {"Location": "https://api.example.test/v1/chat/completions"}))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.NOT_FOUND
    assert "https://api.example.test/v1/chat/completions" in failure.message


def test_a_long_text_is_rejected_with_what_to_do(provider: FakeProvider) -> None:
    provider.reply(error(400, "This model's maximum context length is 8192 tokens",
                         code="context_length_exceeded"))  # fmt: skip
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.REJECTED
    assert "too long" in failure.message


# --- retries --------------------------------------------------------------------------------


def test_500s_then_success_is_retried_with_backoff(provider: FakeProvider) -> None:
    provider.reply(error(500, "boom"), error(502, "bad gateway"), stream(["finally"]))
    waits = Waits()

    with make_client(provider, wait=waits) as client:
        answer = client.complete(REQUEST)

    assert answer.text == "finally"
    assert answer.attempts == 3
    assert len(provider.seen) == 3
    assert len(waits.seconds) == 2
    assert all(0 <= s <= FAST.max_delay_s for s in waits.seconds)


def test_a_429_storm_honours_retry_after_then_gives_up(provider: FakeProvider) -> None:
    provider.reply(error(429, "Rate limit reached", **{"Retry-After": "2"}))
    waits = Waits()

    failure = fails(make_client(provider, wait=waits))

    assert failure.kind is FailureKind.RATE_LIMITED
    assert failure.status == 429
    assert len(provider.seen) == FAST.max_attempts
    assert waits.seconds == [2.0] * (FAST.max_attempts - 1)
    assert "4 attempts" in failure.message
    assert "wait 2 s" in failure.message


def test_retry_after_in_milliseconds_is_honoured(provider: FakeProvider) -> None:
    provider.reply(error(429, "slow down", **{"retry-after-ms": "1500"}), stream(["ok"]))
    waits = Waits()
    with make_client(provider, wait=waits) as client:
        assert client.complete(REQUEST).text == "ok"
    assert waits.seconds == [1.5]


def test_a_retry_after_beyond_the_bound_is_not_waited_for(provider: FakeProvider) -> None:
    provider.reply(error(429, "come back tomorrow", **{"Retry-After": "86400"}))
    waits = Waits()

    failure = fails(make_client(provider, wait=waits))

    assert waits.seconds == []
    assert len(provider.seen) == 1
    assert failure.retry_after_s == 86400


def test_a_used_up_quota_is_not_retried(provider: FakeProvider) -> None:
    provider.reply(error(429, "You exceeded your current quota", code="insufficient_quota"))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.RATE_LIMITED
    assert "quota" in failure.message
    assert len(provider.seen) == 1


def test_the_real_wait_honours_retry_after_and_cancel(provider: FakeProvider) -> None:
    provider.reply(error(503, "busy", **{"Retry-After": "0.3"}), stream(["ok"]))
    started = time.monotonic()
    with make_client(provider) as client:
        assert client.complete(REQUEST).text == "ok"
    assert time.monotonic() - started >= 0.3

    provider.reply(error(503, "busy", **{"Retry-After": "4"}))
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    started = time.monotonic()
    with make_client(provider) as client, pytest.raises(Cancelled):
        client.complete(REQUEST, cancel=cancel)
    assert time.monotonic() - started < 2


# --- bad answers ----------------------------------------------------------------------------


def test_an_html_answer_says_check_the_base_url(provider: FakeProvider) -> None:
    provider.reply(Reply(200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>Login</html>"))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert "web page" in failure.message
    assert "base URL" in failure.message


def test_invalid_json_is_a_bad_response(provider: FakeProvider) -> None:
    provider.reply(Reply(200, {"Content-Type": "application/json"}, b'{"choices": [oops'))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert "not valid JSON" in failure.message


def test_json_of_the_wrong_shape_is_a_bad_response(provider: FakeProvider) -> None:
    provider.reply(Reply(200, {"Content-Type": "application/json"}, b'{"data": []}'))
    assert fails(make_client(provider)).kind is FailureKind.BAD_RESPONSE


def test_invalid_json_mid_stream_keeps_what_arrived(provider: FakeProvider) -> None:
    events = [*sse_events(["first "], done=False, finish=False), b"data: {broken\n\n"]
    provider.reply(Reply(200, {"Content-Type": "text/event-stream"}, events=events))

    failure = fails(make_client(provider))

    assert failure.kind is FailureKind.BAD_RESPONSE
    assert failure.partial_text == "first "


def test_an_error_event_mid_stream_keeps_what_arrived(provider: FakeProvider) -> None:
    events = [
        *sse_events(["Once upon"], done=False, finish=False),
        b'data: {"error": {"message": "overloaded"}}\n\n',
    ]
    provider.reply(Reply(200, {"Content-Type": "text/event-stream"}, events=events))

    failure = fails(make_client(provider))

    assert failure.kind is FailureKind.SERVER_ERROR
    assert "overloaded" in failure.message
    assert failure.partial_text == "Once upon"


def test_a_stream_cut_mid_answer_keeps_the_partial_text(provider: FakeProvider) -> None:
    events = sse_events(["The answer ", "is for"], done=False, finish=False)
    provider.reply(Reply(200, {"Content-Type": "text/event-stream"}, events=events, cut=True))
    pieces: list[str] = []

    failure = fails(make_client(provider), on_text=pieces.append)

    assert failure.kind is FailureKind.STREAM_CUT
    assert failure.partial_text == "The answer is for"
    assert pieces == ["The answer ", "is for"]
    assert "cut off" in failure.message
    assert "17 characters had arrived" in failure.message
    assert len(provider.seen) == 1  # never retried: the text so far was already shown


def test_a_stream_that_ends_without_its_end_is_cut(provider: FakeProvider) -> None:
    provider.reply(stream(["half"], done=False, finish=False))
    failure = fails(make_client(provider))
    assert failure.kind is FailureKind.STREAM_CUT
    assert failure.partial_text == "half"


def test_a_stream_with_a_finish_reason_but_no_done_is_complete(provider: FakeProvider) -> None:
    provider.reply(stream(["whole"], done=False, finish=True))
    with make_client(provider) as client:
        assert client.complete(REQUEST).text == "whole"


# --- hangs, cancel, connections -------------------------------------------------------------


def test_a_hung_server_is_bounded_by_the_read_timeout(provider: FakeProvider) -> None:
    provider.reply(Reply(hang=True))
    started = time.monotonic()

    failure = fails(make_client(provider, read_timeout_s=0.5))

    assert failure.kind is FailureKind.TIMEOUT
    assert 0.4 < time.monotonic() - started < 4
    assert "0.5 s" in failure.message


def test_a_stream_that_goes_silent_times_out_with_its_partial_text(
    provider: FakeProvider,
) -> None:
    events = sse_events(["so far"], done=False, finish=False)
    provider.reply(
        Reply(200, {"Content-Type": "text/event-stream"}, events=events, hang_after_events=True)
    )
    failure = fails(make_client(provider, read_timeout_s=0.5))
    assert failure.kind is FailureKind.TIMEOUT
    assert failure.partial_text == "so far"


@pytest.mark.parametrize("when", ["waiting-for-headers", "mid-stream"])
def test_cancel_from_another_thread_interrupts_a_hung_request(
    provider: FakeProvider, when: str
) -> None:
    if when == "waiting-for-headers":
        provider.reply(Reply(hang=True))
    else:
        events = sse_events(["partial"], done=False, finish=False)
        provider.reply(
            Reply(200, {"Content-Type": "text/event-stream"}, events=events, hang_after_events=True)
        )
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()

    with make_client(provider, read_timeout_s=30) as client, pytest.raises(Cancelled):
        client.complete(REQUEST, cancel=cancel)

    assert time.monotonic() - started < 3  # not the 30 s read timeout


def test_cancelled_before_start_sends_nothing(provider: FakeProvider) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with make_client(provider) as client, pytest.raises(Cancelled):
        client.complete(REQUEST, cancel=cancel)
    assert provider.seen == []


def test_nothing_listening_says_so(provider: FakeProvider) -> None:
    port = provider.port
    provider.__exit__(None, None, None)

    failure = fails(make_client(provider, base_url=f"http://127.0.0.1:{port}/v1"))

    assert failure.kind is FailureKind.UNREACHABLE
    assert "Nothing is listening" in failure.message
    assert not failure.request_delivered


def test_https_to_a_plain_http_port_is_a_tls_failure(provider: FakeProvider) -> None:
    failure = fails(make_client(provider, base_url=f"https://127.0.0.1:{provider.port}/v1"))

    assert failure.kind is FailureKind.TLS
    assert "secure (TLS) connection" in failure.message
    assert "http://" in failure.message
    assert not failure.request_delivered


@pytest.mark.parametrize(
    ("cause", "kind", "words"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
         FailureKind.UNREACHABLE, "Could not find the host"),
        (OSError(101, "Network is unreachable"), FailureKind.UNREACHABLE, "online"),
        (ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed"),
         FailureKind.TLS, "SSL_CERT_FILE"),
    ],
)  # fmt: skip
def test_connection_failures_that_cannot_be_staged_on_loopback(
    cause: OSError, kind: FailureKind, words: str
) -> None:
    # An unknown host or a missing network would need outside traffic to stage (a DNS query),
    # which tests never send: the OS errors are made here and classified as httpx raises them.
    endpoint = CloudEndpoint("https://api.example.test/v1", "m")
    exc = httpx.ConnectError(str(cause))
    exc.__cause__ = cause

    failure = transport_failure(endpoint, exc)

    assert isinstance(failure, CloudFailure)
    assert failure.kind is kind
    assert words in failure.message


def test_the_key_stays_out_of_debug_logs(
    provider: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    provider.reply(error(500, "boom"), stream(["ok"]))
    with caplog.at_level(logging.DEBUG), make_client(provider) as client:
        client.complete(REQUEST)
    assert "httpcore" in caplog.text  # the libraries did log the request at this level
    assert KEY.reveal() not in caplog.text
