"""The cloud client against a real OpenAI-compatible server: llama-cpp-python's own, on
127.0.0.1, serving a generated model (its text is gibberish: the tests check structure)."""

from __future__ import annotations

import threading

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.cloud.client import CloudClient
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import ApiKey
from hearth.core.cloud.messages import CloudRequest
from hearth.core.errors import Cancelled
from hearth.core.routing.router import Message
from tests.core.cloud.llama_server import API_KEY, MODEL_ALIAS, LlamaServer

REQUEST = CloudRequest((Message("user", "Say something."),), max_tokens=16, temperature=0.0)


def client_for(server: LlamaServer, key: str | None = API_KEY) -> CloudClient:
    endpoint = CloudEndpoint(server.base_url, MODEL_ALIAS, read_timeout_s=30)
    return CloudClient(endpoint, ApiKey(key, "keychain") if key else None)


def test_streams_an_answer_from_a_real_server(llama: LlamaServer) -> None:
    pieces: list[str] = []

    with client_for(llama) as client:
        answer = client.complete(REQUEST, on_text=pieces.append)

    assert "".join(pieces) == answer.text
    assert len(pieces) >= 1
    assert answer.finish_reason in ("stop", "length")
    assert answer.completion_tokens >= 1
    assert answer.ttft_ms is not None
    assert answer.latency_ms >= answer.ttft_ms
    assert answer.model == MODEL_ALIAS


def test_a_whole_answer_reports_the_servers_usage(llama: LlamaServer) -> None:
    with client_for(llama) as client:
        answer = client.complete(REQUEST, stream=False)

    assert not answer.usage_estimated
    assert answer.prompt_tokens > 0
    assert 1 <= answer.completion_tokens <= 16


@pytest.mark.parametrize("key", [None, "sk-wrong-key-0000000000000000000000"])
def test_a_wrong_or_missing_key_is_refused_clearly(llama: LlamaServer, key: str | None) -> None:
    with client_for(llama, key) as client, pytest.raises(CloudFailure) as caught:
        client.complete(REQUEST)

    failure = caught.value
    assert failure.kind is FailureKind.BAD_KEY
    assert failure.status == 401
    assert "hearth cloud key" in failure.message
    assert API_KEY not in failure.message
    if key:
        assert key not in failure.message


def test_cancel_mid_stream_from_another_thread(llama: LlamaServer) -> None:
    cancel = CancelToken()
    long_request = CloudRequest((Message("user", "Go on."),), max_tokens=400, temperature=1.0)
    pieces: list[str] = []

    def on_text(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) == 3:
            threading.Thread(target=cancel.cancel).start()

    with client_for(llama) as client, pytest.raises(Cancelled):
        client.complete(long_request, on_text=on_text, cancel=cancel)

    assert 3 <= len(pieces) < 400
    # The server is still fine for the next request.
    with client_for(llama) as client:
        assert client.complete(REQUEST).completion_tokens >= 1
