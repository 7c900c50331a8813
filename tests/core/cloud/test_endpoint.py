"""Base URLs, presets, and the endpoint from settings and environment."""

from __future__ import annotations

import pytest

from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV, CloudEndpoint, endpoint_from
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.presets import PRESETS, preset_named
from hearth.core.cloud.url import base_url_problem, is_loopback_url, normalise_base_url
from hearth.core.errors import UsageError
from hearth.core.settings import Settings


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1",
        "http://localhost:11434/v1",
        "http://10.0.0.5:8000/v1",
        "http://[::1]:8080/v1",
        "https://openrouter.ai/api/v1/",
    ],
)
def test_good_base_urls(url: str) -> None:
    assert base_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/v1", "http:// or https://"),
        ("api.openai.com/v1", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("https://", "no host"),
        ("https://user:sk-secret@api.example.com/v1", "user name or password"),
        ("https://api.example.com/v1?key=1", "query"),
        ("https://api.example.com:99999/v1", "not a valid URL"),
        (" https://api.example.com/v1", "spaces"),
        ("", "empty"),
    ],
)
def test_bad_base_urls_say_why(url: str, why: str) -> None:
    problem = base_url_problem(url)
    assert problem is not None
    assert why in problem
    assert "sk-secret" not in problem


def test_a_pasted_endpoint_path_is_trimmed() -> None:
    assert normalise_base_url("https://x.test/v1/chat/completions") == "https://x.test/v1"
    assert normalise_base_url("https://x.test/v1/") == "https://x.test/v1"


def test_loopback_urls() -> None:
    assert is_loopback_url("http://localhost:1234/v1")
    assert is_loopback_url("http://127.0.0.2:1234/v1")
    assert is_loopback_url("http://[::1]:1234/v1")
    assert not is_loopback_url("http://192.168.1.4:1234/v1")
    assert not is_loopback_url("https://api.openai.com/v1")


def test_every_preset_has_a_usable_base_url() -> None:
    names = [p.name for p in PRESETS]
    assert len(names) == len(set(names))
    for wanted in ("openai", "openrouter", "groq", "mistral", "together", "vllm", "tgi",
                   "ollama", "lmstudio", "llamacpp"):  # fmt: skip
        assert wanted in names
    for preset in PRESETS:
        assert base_url_problem(preset.base_url) is None
        assert preset.needs_key == preset.base_url.startswith("https://")


def test_an_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="openrouter"):
        preset_named("openia")


def test_the_endpoint_refuses_a_bad_url() -> None:
    with pytest.raises(CloudFailure) as caught:
        CloudEndpoint("ftp://x.test", "m")
    assert caught.value.kind is FailureKind.BAD_URL
    assert caught.value.exit_code == 5


def test_no_endpoint_until_a_provider_and_model_are_set() -> None:
    assert endpoint_from(Settings(), {}) is None
    assert endpoint_from(Settings(cloud_preset="openai"), {}) is None
    endpoint = endpoint_from(Settings(cloud_preset="groq", cloud_model="llama-3.1-8b-instant"), {})
    assert endpoint is not None
    assert endpoint.chat_url == "https://api.groq.com/openai/v1/chat/completions"
    assert endpoint.needs_key
    assert endpoint.key_account == "api-key@api.groq.com"


def test_a_preset_with_the_teams_own_host() -> None:
    settings = Settings(
        cloud_preset="vllm", cloud_base_url="http://gpu-box:8000/v1", cloud_model="qwen"
    )
    endpoint = endpoint_from(settings, {})
    assert endpoint is not None
    assert endpoint.base_url == "http://gpu-box:8000/v1"
    assert endpoint.stream_usage
    assert not endpoint.needs_key


def test_environment_overrides_the_settings() -> None:
    settings = Settings(cloud_preset="openai", cloud_model="gpt-4o-mini")
    env = {BASE_URL_ENV: "http://127.0.0.1:9999/v1/", MODEL_ENV: "local-model"}

    endpoint = endpoint_from(settings, env)

    assert endpoint is not None
    assert endpoint.base_url == "http://127.0.0.1:9999/v1"
    assert endpoint.model == "local-model"
    assert endpoint.is_local
    assert not endpoint.needs_key  # a server on this machine


def test_a_bad_url_in_the_environment_is_an_error() -> None:
    with pytest.raises(CloudFailure) as caught:
        endpoint_from(Settings(cloud_model="m"), {BASE_URL_ENV: "localhost:8080"})
    assert BASE_URL_ENV in caught.value.message
    assert caught.value.kind is FailureKind.BAD_URL
