"""The API server with a stand-in assistant: auth, OpenAI's shapes through the official
client, SSE, the queue (429, 503), cancellation on disconnect, bad input, binding."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import httpx
import openai
import pytest

from hearth.api.body import MAX_BODY_BYTES
from hearth.api.server import bind, check_bind
from hearth.core.errors import HearthError, UsageError
from hearth.core.settings import Settings
from tests.api.fake_assistant import PIECES, FakeAssistant
from tests.api.serving import TOKEN, Served, serving


@pytest.fixture
def fake() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def served(fake: FakeAssistant) -> Iterator[Served]:
    with serving(lambda: fake) as s:
        yield s


def client(served: Served, token: str = TOKEN) -> openai.OpenAI:
    return openai.OpenAI(base_url=served.base_url, api_key=token, max_retries=0, timeout=30)


def post(served: Served, path: str, body: object, token: str = TOKEN) -> httpx.Response:
    return httpx.post(
        served.base_url + path,
        content=body if isinstance(body, bytes) else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )


CHAT = {"model": "fake-model", "messages": [{"role": "user", "content": "Hi"}]}

# -- the official client -----------------------------------------------------------------------


def test_models_list_names_the_served_model(served: Served) -> None:
    ids = [m.id for m in client(served).models.list()]
    assert ids == ["fake-model", "hearth"]


def test_a_chat_completion_goes_through_the_assistant_as_an_api_request(
    served: Served, fake: FakeAssistant
) -> None:
    raw = client(served).chat.completions.with_raw_response.create(
        model="fake-model",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi there"},
        ],
        max_tokens=20,
        temperature=0.1,
        stop=["\n"],
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "".join(PIECES)
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == 12
    assert raw.headers["X-Hearth-Route"] == "local"
    assert completion.model_extra is not None
    assert completion.model_extra["hearth"]["route"] == "local"
    [request] = fake.requests
    assert (request.task, request.source) == ("chat", "api")
    assert request.options["messages"][0] == {"role": "system", "content": "Be brief."}
    assert request.options["max_tokens"] == 20
    assert request.options["stop"] == ["\n"]
    assert "Hi there" in request.text


def test_a_streamed_completion_arrives_in_pieces(served: Served) -> None:
    stream = client(served).chat.completions.create(
        model="hearth",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert texts == list(PIECES)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == len(PIECES)


def test_json_schema_reaches_the_task_as_its_schema(served: Served, fake: FakeAssistant) -> None:
    schema: dict[str, object] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    completion = client(served).chat.completions.create(
        model="fake-model",
        messages=[{"role": "user", "content": "Ada wrote."}],
        response_format={"type": "json_schema", "json_schema": {"name": "c", "schema": schema}},
    )
    assert json.loads(completion.choices[0].message.content or "") == {"name": "Ada"}
    assert fake.requests[0].options["json_schema"] == schema


def test_a_schema_the_grammar_cannot_enforce_is_a_400_naming_the_keyword(
    served: Served, fake: FakeAssistant
) -> None:
    schema: dict[str, object] = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    with pytest.raises(openai.BadRequestError) as caught:
        client(served).chat.completions.create(
            model="fake-model",
            messages=[{"role": "user", "content": "x"}],
            response_format={"type": "json_schema", "json_schema": {"name": "c", "schema": schema}},
        )
    assert "uniqueItems" in caught.value.message
    assert fake.requests == []


def test_legacy_completions(served: Served, fake: FakeAssistant) -> None:
    completion = client(served).completions.create(model="fake-model", prompt="Once", max_tokens=5)
    assert completion.choices[0].text == "".join(PIECES)
    assert fake.requests[0].options["messages"] == [{"role": "user", "content": "Once"}]


# -- auth and CORS -------------------------------------------------------------------------------


def test_no_token_or_a_wrong_one_is_401(served: Served, fake: FakeAssistant) -> None:
    with pytest.raises(openai.AuthenticationError):
        client(served, token="hearth-wrong").models.list()
    response = httpx.get(served.base_url + "/models", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert post(served, "/chat/completions", CHAT, token="x").status_code == 401
    assert fake.requests == []


def test_cors_is_off_unless_an_origin_is_listed(fake: FakeAssistant) -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    with serving(lambda: fake) as closed:
        response = httpx.options(closed.base_url + "/chat/completions", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    with serving(lambda: fake, cors=("https://app.example",)) as opened:
        response = httpx.options(opened.base_url + "/chat/completions", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        other = httpx.options(
            opened.base_url + "/chat/completions",
            headers={**preflight, "Origin": "https://evil.example"},
        )
        assert "access-control-allow-origin" not in other.headers


# -- bad input -----------------------------------------------------------------------------------


def test_malformed_json_is_400(served: Served) -> None:
    response = post(served, "/chat/completions", b'{"model": "fake-model", "messages": [')
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]
    assert post(served, "/chat/completions", b"[1, 2]").status_code == 400


def test_unknown_model_is_404_listing_the_served_ones(served: Served) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client(served).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "x"}]
        )
    assert "fake-model" in caught.value.message


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"temperature": "hot"}, "temperature"),
        ({"max_tokens": 1.5}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
        ({"messages": "Hi"}, "messages"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages"),
        ({"stream": "yes"}, "stream"),
        ({"response_format": {"type": "yaml"}}, "response_format"),
        ({"hearth": {"cloud": "sometimes"}}, "hearth.cloud"),
        ({"n": 3}, "n"),
    ],
)
def test_wrong_types_are_400_naming_the_field(
    served: Served, fake: FakeAssistant, change: dict[str, object], param: str
) -> None:
    response = post(served, "/chat/completions", {**CHAT, **change})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert fake.requests == []


def test_out_of_range_sampling_is_400(served: Served) -> None:
    response = post(served, "/chat/completions", {**CHAT, "temperature": 7})
    assert response.status_code == 400
    assert "temperature" in response.json()["error"]["message"]


def test_a_50_mb_body_is_refused_before_it_is_read(served: Served, fake: FakeAssistant) -> None:
    size = 50 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(
            (
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {size}\r\n\r\n"
            ).encode()
            + b'{"model": "'
        )
        # Only a few bytes of the 50 MB were sent: the answer cannot have waited for them.
        reply = sock.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413")
    assert fake.requests == []


def test_a_chunked_body_over_the_limit_is_413(served: Served) -> None:
    def body() -> Iterator[bytes]:
        block = b" " * (1024 * 1024)
        for _ in range(MAX_BODY_BYTES // len(block) + 2):
            yield block

    try:
        response = httpx.post(
            served.base_url + "/chat/completions",
            content=body(),
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
    except httpx.TransportError:
        return  # the server answered and closed while the client was still sending
    assert response.status_code == 413


def test_a_task_endpoint_never_reads_a_file(served: Served, fake: FakeAssistant) -> None:
    response = post(served, "/hearth/extract", {"text": "Ada", "schema": "/etc/passwd"})
    assert response.status_code == 400
    assert "does not read files" in response.json()["error"]["message"]
    assert fake.requests == []


# -- Hearth's task endpoints ---------------------------------------------------------------------


def test_task_endpoint_returns_the_run_json_object(served: Served, fake: FakeAssistant) -> None:
    response = post(
        served, "/hearth/summarize", {"text": "A long text.", "style": "key-points", "cloud": "ask"}
    )
    assert response.status_code == 200
    assert response.headers["X-Hearth-Route"] == "local"
    assert response.json()["task"] == "summarize"
    [request] = fake.requests
    assert request.options == {"style": "key-points"}
    assert request.cloud == "never"  # nobody is there to ask
    assert request.source == "api"


def test_task_endpoint_batch(served: Served, fake: FakeAssistant) -> None:
    response = post(
        served,
        "/hearth/classify",
        {"batch": ["one", {"text": "two"}, "bad option"], "labels": ["spam", "ham"]},
    )
    assert response.status_code == 200
    data = response.json()
    assert [r["index"] for r in data["results"]] == [0, 1, 2]
    assert data["results"][0]["label"] == "spam"
    assert "not a style" in data["results"][2]["error"]
    assert (data["done"], data["failed"]) == (2, 1)
    assert post(served, "/hearth/summarize", {"batch": ["a"]}).status_code == 400


def test_task_errors_are_400_and_unknown_tasks_404(served: Served) -> None:
    response = post(served, "/hearth/rewrite", {"text": "bad option"})
    assert response.status_code == 400
    assert "not a style" in response.json()["error"]["message"]
    assert post(served, "/hearth/ask", {"text": "x"}).status_code == 404
    assert post(served, "/hearth/rewrite", {"text": "x", "colour": "red"}).status_code == 400


# -- the queue -----------------------------------------------------------------------------------


def test_a_full_queue_is_429_with_retry_after() -> None:
    fake = FakeAssistant(hold=True)
    with serving(lambda: fake, capacity=1) as served:
        first = threading.Thread(target=post, args=(served, "/chat/completions", CHAT))
        first.start()
        assert fake.started.wait(30)
        response = post(served, "/chat/completions", CHAT)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) >= 1
        with pytest.raises(openai.RateLimitError):
            client(served).chat.completions.create(
                model="fake-model", messages=[{"role": "user", "content": "x"}]
            )
        fake.release.set()
        first.join(30)


def test_503_while_the_model_loads() -> None:
    gate = threading.Event()
    fake = FakeAssistant(warm_gate=gate)
    with serving(lambda: fake, wait_ready=False) as served:
        response = post(served, "/chat/completions", CHAT)
        assert response.status_code == 503
        assert "loading" in response.json()["error"]["message"]
        assert "Retry-After" in response.headers
        gate.set()
        assert served.queue.wait_ready(30)
        assert post(served, "/chat/completions", CHAT).status_code == 200


def test_a_client_leaving_mid_stream_cancels_its_request() -> None:
    fake = FakeAssistant(hold=True)
    with serving(lambda: fake) as served:
        with httpx.stream(
            "POST",
            served.base_url + "/chat/completions",
            json={**CHAT, "stream": True},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        ) as response:
            lines = response.iter_lines()
            assert next(lines).startswith("data: ")  # the stream has begun
            assert fake.started.wait(30)
        # The connection is closed with the answer unfinished: the engine must be told.
        assert fake.cancelled.wait(30)
        assert fake.requests[0].cancel.cancelled


def test_a_client_leaving_before_its_answer_cancels_it() -> None:
    fake = FakeAssistant(hold=True)
    with serving(lambda: fake) as served:
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        body = json.dumps(CHAT).encode()
        sock.sendall(
            (
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        assert fake.started.wait(30)
        sock.close()
        assert fake.cancelled.wait(30)


# -- binding -------------------------------------------------------------------------------------


def test_non_loopback_needs_allow_remote() -> None:
    assert check_bind("127.0.0.1", allow_remote=False) is None
    assert check_bind("::1", allow_remote=False) is None
    assert check_bind("localhost", allow_remote=False) is None
    with pytest.raises(UsageError, match="--allow-remote"):
        check_bind("0.0.0.0", allow_remote=False)
    warning = check_bind("0.0.0.0", allow_remote=True)
    assert warning is not None
    assert "token" in warning


def test_a_port_in_use_is_a_clear_error() -> None:
    first = bind("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        with pytest.raises(HearthError, match=f"Port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)
    finally:
        first.close()


def test_settings_of_the_server_are_read_per_request(fake: FakeAssistant) -> None:
    # With a cloud policy that may escalate, a stream starts only once the answer is known,
    # and its route header tells where it came from.
    settings = Settings(cloud_policy="auto")
    fake.route = "cloud"
    with serving(lambda: fake, settings=lambda: settings) as served:
        raw = client(served).chat.completions.with_raw_response.create(
            model="fake-model", messages=[{"role": "user", "content": "Hi"}], stream=True
        )
        assert raw.headers["X-Hearth-Route"] == "cloud"
        texts = [c.choices[0].delta.content for c in raw.parse() if c.choices]
        assert "".join(t or "" for t in texts) == "".join(PIECES)
