"""Fixtures for the cloud client: a scripted misbehaving server, the real llama.cpp server,
an in-memory keychain, and no HEARTH_CLOUD_* variables leaking in from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV
from hearth.core.cloud.keys import KEY_ENV
from tests.core.cloud import llama_server
from tests.core.cloud.fake_provider import FakeProvider
from tests.core.cloud.memory_keyring import InMemoryKeyring


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def memory_keyring() -> InMemoryKeyring:
    return InMemoryKeyring()


@pytest.fixture(scope="session")
def llama(
    request: pytest.FixtureRequest, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> llama_server.LlamaServer:
    return llama_server.shared(request, tiny_model, tmp_path_factory.mktemp("llama-server"))
