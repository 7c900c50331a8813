"""The API on the real assistant and the real engine: the generated GGUF for structure, the
cloud side through a loopback OpenAI-compatible server that records what it received."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest

from hearth.core.assistant import Assistant
from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV
from hearth.core.cloud.keys import KEY_ENV
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.core.settings import Settings
from tests.api.serving import TOKEN, Served, serving
from tests.core.cloud.fake_provider import FakeProvider, completion


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def real(hearth_home: Path) -> Iterator[Callable[..., Any]]:
    """Serve with the real Assistant on a real engine host, under the given settings."""
    paths = Paths.under(hearth_home)
    engines: list[EngineClient] = []

    def serve(settings: Settings, model: Path) -> Any:
        def make() -> Assistant:
            engine = EngineClient(host_command(), log_dir=paths.log_dir)
            engines.append(engine)
            return Assistant(paths, lambda: settings, engine)

        return serving(
            make, settings=lambda: settings, model=str(model), model_ids=("tiny", "hearth")
        )

    yield serve
    for engine in engines:
        engine.close()


def client(served: Served) -> openai.OpenAI:
    return openai.OpenAI(base_url=served.base_url, api_key=TOKEN, max_retries=0, timeout=120)


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 12}},
    "required": ["name"],
    "additionalProperties": False,
}


def test_chat_stream_schema_and_concurrency_on_the_engine(
    real: Callable[..., Any], tiny_model: Path, hearth_home: Path
) -> None:
    with real(Settings(), tiny_model) as served:
        api = client(served)
        assert [m.id for m in api.models.list()] == ["tiny", "hearth"]
        plain = api.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "Hello"}], max_tokens=8
        )
        assert plain.choices[0].message.content
        assert plain.usage is not None
        assert 0 < plain.usage.completion_tokens <= 8
        assert plain.model_extra is not None
        assert plain.model_extra["hearth"]["route"] == "local"
        assert plain.choices[0].finish_reason in ("stop", "length")

        pieces = [
            c.choices[0].delta.content or ""
            for c in api.chat.completions.create(
                model="tiny",
                messages=[{"role": "user", "content": "Hi"}],
                max_tokens=8,
                stream=True,
            )
            if c.choices
        ]
        assert len([p for p in pieces if p]) >= 2  # token by token, not one block

        shaped = api.chat.completions.create(
            model="hearth",
            messages=[{"role": "user", "content": "Ada Lovelace wrote."}],
            response_format={"type": "json_schema", "json_schema": {"name": "p", "schema": SCHEMA}},
            max_tokens=40,
        )
        value = json.loads(shaped.choices[0].message.content or "", strict=False)
        assert set(value) == {"name"}
        assert isinstance(value["name"], str)

        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(
                    lambda i: api.chat.completions.create(
                        model="tiny",
                        messages=[{"role": "user", "content": f"Number {i}"}],
                        max_tokens=6,
                    ),
                    range(4),
                )
            )
        assert all(a.choices[0].message.content is not None for a in answers)
    # Every request is in the ledger, as the API's.
    with Ledger(
        ledger_path(Paths.under(hearth_home)), keep_history=True, prices=PriceTable({})
    ) as led:
        entries = led.entries()
    assert len(entries) >= 7
    assert {e.source for e in entries} == {"api"}
    assert {e.task for e in entries} == {"chat"}


def test_task_endpoint_on_the_engine(real: Callable[..., Any], tiny_model: Path) -> None:
    import httpx

    with real(Settings(), tiny_model) as served:
        response = httpx.post(
            served.base_url + "/hearth/classify",
            json={"batch": ["good", "bad"], "labels": "good,bad", "calibrate": "off"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["label"] in ("good", "bad") for r in results] == [True, True]
        assert all(abs(sum(r["labels"].values()) - 1) < 1e-3 for r in results)


def test_cloud_always_answers_redacted_and_is_in_the_ledger(
    real: Callable[..., Any],
    tiny_model: Path,
    hearth_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test-key")
    with FakeProvider() as provider:
        provider.reply(completion("Write to [EMAIL_1] today."))
        settings = Settings(
            cloud_policy="always", cloud_base_url=provider.base_url, cloud_model="fake-model"
        )
        with real(settings, tiny_model) as served:
            raw = client(served).chat.completions.with_raw_response.create(
                model="tiny",
                messages=[{"role": "user", "content": "Who should I write to? ana@example.com"}],
                max_tokens=30,
            )
        answer = raw.parse()
        assert raw.headers["X-Hearth-Route"] == "cloud"
        assert answer.model_extra is not None
        assert answer.model_extra["hearth"]["route"] == "cloud"
        # The placeholder comes back as the address; the address never left.
        assert answer.choices[0].message.content == "Write to ana@example.com today."
        [seen] = [s for s in provider.seen if s.path.endswith("/chat/completions")]
        assert "ana@example.com" not in seen.body.decode()
        assert "[EMAIL_1]" in json.dumps(seen.json["messages"])
    with Ledger(
        ledger_path(Paths.under(hearth_home)), keep_history=True, prices=PriceTable({})
    ) as led:
        [entry] = led.entries()
    assert (entry.source, entry.route, entry.task) == ("api", "cloud", "chat")
