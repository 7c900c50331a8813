"""`hearth cloud` and `hearth ledger`, in process (fast) and as a subprocess (end to end), with
a real keyring backend, a real OpenAI-compatible server on 127.0.0.1, and a scan of every file
Hearth wrote for the key afterwards."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hearth.cli import main
from hearth.core.cloud.client import open_client
from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV, endpoint_from
from hearth.core.cloud.keys import KEY_ENV, SERVICE, KeyStore
from hearth.core.cloud.messages import CloudRequest
from hearth.core.ledger.entry import LedgerEntry
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.core.privacy.redaction import Redactor
from hearth.core.routing.policy import CloudPolicy, RoutingPolicy
from hearth.core.routing.router import LocalAnswer, Message, Router
from hearth.core.settings import SettingsStore
from tests.core.cloud import llama_server
from tests.core.cloud.llama_server import API_KEY, MODEL_ALIAS, LlamaServer
from tests.core.cloud.memory_keyring import FILE_ENV, InMemoryKeyring

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def llama(
    request: pytest.FixtureRequest, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> LlamaServer:
    return llama_server.shared(request, tiny_model, tmp_path_factory.mktemp("llama-server"))


def hearth_in_process(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None
) -> tuple[int, str, str]:
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines
    assert "Traceback" not in err
    assert lines[-1].startswith("error: ")
    return lines[-1]


# --- set / show -------------------------------------------------------------------------------


def test_set_a_preset_and_show_it(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, hearth_home: Path
) -> None:
    code, out, _ = hearth_in_process(
        capsys, "cloud", "set", "--preset", "groq", "--model", "llama-3.1-8b-instant"
    )
    assert code == 0
    assert "llama-3.1-8b-instant at Groq" in out
    assert "hearth cloud key" in out  # no key yet
    assert "policy is never" in out

    code, out, _ = hearth_in_process(capsys, "cloud", "show", "--json")
    report = json.loads(out)
    assert report["configured"]
    assert report["preset"] == "groq"
    assert report["base_url"] == "https://api.groq.com/openai/v1"
    assert report["key"] == "missing"
    assert report["keychain"]["usable"]


def test_a_teams_own_server_with_a_policy(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, hearth_home: Path
) -> None:
    code, out, _ = hearth_in_process(
        capsys, "cloud", "set", "--preset", "vllm", "--base-url",
        "http://gpu-box.lan:8000/v1/chat/completions", "--model", "qwen", "--policy", "auto",
        "--threshold", "0.6",
    )  # fmt: skip
    assert code == 0
    assert "plain http" in out  # the key would travel unencrypted
    settings = SettingsStore(Paths.under(hearth_home).settings_file).load().settings
    assert settings.cloud_base_url == "http://gpu-box.lan:8000/v1"
    assert settings.cloud_preset == "vllm"
    assert settings.cloud_policy == "auto"
    assert settings.cloud_auto_threshold == 0.6


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("cloud", "set", "--base-url", "ftp://example.test/v1"), 5, "http:// or https://"),
        (("cloud", "set", "--base-url", "https://u:p@example.test/v1"), 5, "user name"),
        (("cloud", "set", "--preset", "openia"), 2, "openrouter"),
        (("cloud", "set"), 2, "Nothing to set"),
        (("cloud", "set", "--threshold", "2"), 2, "cloud_auto_threshold"),
        (("cloud", "test"), 5, "No cloud provider is set up"),
        (("cloud", "key"), 5, "No cloud provider is set up"),
        (("cloud",), 2, "required"),
    ],
)
def test_bad_uses_are_explained(
    capsys: pytest.CaptureFixture[str],
    keychain: InMemoryKeyring,
    args: tuple[str, ...],
    code: int,
    words: str,
) -> None:
    got, _, err = hearth_in_process(capsys, *args)
    assert got == code
    assert words in error_line(err)


# --- keys -------------------------------------------------------------------------------------


def test_key_reads_stdin_into_the_keychain(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, hearth_home: Path
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--preset", "openai", "--model", "gpt-4o-mini")
    secret = "sk-proj-" + "k" * 40

    code, out, err = hearth_in_process(capsys, "cloud", "key", stdin=f"{secret}\n")

    assert code == 0
    assert "api.openai.com" in out
    assert keychain.entries == {(SERVICE, "api-key@api.openai.com"): secret}
    assert secret not in out + err
    _, out, _ = hearth_in_process(capsys, "cloud", "show", "--json")
    assert json.loads(out)["key"] == "keychain"

    code, out, _ = hearth_in_process(capsys, "cloud", "key", "--delete")
    assert code == 0
    assert keychain.entries == {}


def test_a_key_can_be_stored_before_the_model_is_chosen(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--preset", "mistral")
    code, _, _ = hearth_in_process(capsys, "cloud", "key", stdin="mk-0123456789abcdef\n")
    assert code == 0
    assert (SERVICE, "api-key@api.mistral.ai") in keychain.entries


def test_an_empty_key_is_refused(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--preset", "openai", "--model", "m")
    code, _, err = hearth_in_process(capsys, "cloud", "key", stdin="\n")
    assert code == 2
    assert "No key given" in error_line(err)
    assert keychain.entries == {}


# --- test -------------------------------------------------------------------------------------


def test_cloud_test_against_a_real_server(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, llama: LlamaServer
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--base-url", llama.base_url, "--model", MODEL_ALIAS)
    hearth_in_process(capsys, "cloud", "key", stdin=API_KEY)

    code, out, err = hearth_in_process(capsys, "cloud", "test")
    assert code == 0, err
    assert out.startswith(f"OK: {MODEL_ALIAS} at 127.0.0.1:{llama.port} answered in ")

    code, out, _ = hearth_in_process(capsys, "cloud", "test", "--json")
    result = json.loads(out)
    assert result["ok"]
    assert result["latency_ms"] > 0
    assert API_KEY not in out


def test_cloud_test_with_a_wrong_key(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, llama: LlamaServer
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--base-url", llama.base_url, "--model", MODEL_ALIAS)
    wrong = "sk-wrong-" + "w" * 30
    hearth_in_process(capsys, "cloud", "key", stdin=wrong)

    code, out, err = hearth_in_process(capsys, "cloud", "test")

    assert code == 5
    assert "refused the API key" in error_line(err)
    assert wrong not in out + err


def test_cloud_test_when_air_gapped_sends_nothing(
    capsys: pytest.CaptureFixture[str], keychain: InMemoryKeyring, hearth_home: Path
) -> None:
    hearth_in_process(capsys, "cloud", "set", "--base-url", "https://192.0.2.1/v1", "--model", "m")
    store = SettingsStore(Paths.under(hearth_home).settings_file)
    store.save(store.load().settings.replace(air_gapped=True))

    code, _, err = hearth_in_process(capsys, "cloud", "test")

    assert code == 6
    assert "air-gapped" in error_line(err)


def test_the_environment_alone_configures_a_headless_run(
    capsys: pytest.CaptureFixture[str],
    keychain: InMemoryKeyring,
    llama: LlamaServer,
    hearth_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BASE_URL_ENV, llama.base_url)
    monkeypatch.setenv(MODEL_ENV, MODEL_ALIAS)
    monkeypatch.setenv(KEY_ENV, API_KEY)

    code, out, err = hearth_in_process(capsys, "cloud", "test", "--json")

    assert code == 0, err
    assert json.loads(out)["ok"]
    assert not Paths.under(hearth_home).settings_file.exists()  # nothing written back
    assert keychain.entries == {}


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_summarises_what_was_recorded(
    capsys: pytest.CaptureFixture[str], hearth_home: Path, keychain: InMemoryKeyring
) -> None:
    code, out, _ = hearth_in_process(capsys, "ledger")
    assert code == 0
    assert "No requests recorded yet" in out

    hearth_in_process(capsys, "cloud", "set", "--preset", "openai", "--model", "gpt-4o-mini")
    path = ledger_path(Paths.under(hearth_home))
    with Ledger(path, keep_history=True, prices=PriceTable({})) as ledger:
        for _ in range(3):
            ledger.record(
                LedgerEntry("classify", "local", local_tokens_in=1000, local_tokens_out=10)
            )
        ledger.record(
            LedgerEntry("classify", "cloud", cloud_model="gpt-4o-mini", sent_to_cloud=True,
                        cloud_status="ok", escalation_reason="low_confidence",
                        cloud_tokens_in=2000, cloud_tokens_out=100, cloud_cost_usd=0.0004)
        )  # fmt: skip

    code, out, _ = hearth_in_process(capsys, "ledger")
    assert code == 0
    assert "75% on this device" in out
    assert "Tokens that never left this machine: 3,030" in out
    assert "gpt-4o-mini's list price" in out

    code, out, _ = hearth_in_process(capsys, "ledger", "--json", "--recent", "2")
    data = json.loads(out)
    assert data["requests"] == 4
    assert data["share_local"] == 0.75
    assert data["spend_avoided_usd"] == pytest.approx((3000 * 0.15 + 30 * 0.60) / 1e6)
    assert data["cloud_spend_usd"] == pytest.approx(0.0004)
    assert [r["route"] for r in data["recent"]] == ["cloud", "local"]


def test_a_damaged_ledger_is_reported_and_reading_changes_nothing(
    capsys: pytest.CaptureFixture[str], hearth_home: Path
) -> None:
    path = ledger_path(Paths.under(hearth_home))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)

    code, out, err = hearth_in_process(capsys, "ledger", "--json")

    assert code == 0
    assert "damaged" in err
    assert "sets it aside" in err
    assert json.loads(out)["problems"]
    assert path.read_bytes() == b"garbage" * 1000  # reading is read-only
    assert not list(path.parent.glob("ledger.sqlite3.damaged-*"))


# --- end to end, as users run it --------------------------------------------------------------


def hearth_subprocess(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hearth", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_no_keychain_says_so_and_the_variable_works(tmp_path: Path, llama: LlamaServer) -> None:
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        BASE_URL_ENV: llama.base_url,
        MODEL_ENV: MODEL_ALIAS,
    }
    stored = hearth_subprocess("cloud", "key", env=env, stdin=API_KEY)
    assert stored.returncode == 5
    line = error_line(stored.stderr)
    assert "No system keychain" in line
    assert KEY_ENV in line
    assert API_KEY not in stored.stdout + stored.stderr

    tested = hearth_subprocess("cloud", "test", env={**env, KEY_ENV: API_KEY})
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.startswith("OK:")


def test_the_key_never_reaches_a_file(
    tmp_path: Path,
    hearth_home: Path,
    llama: LlamaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Set a key, use it for a test request and an escalated request recorded in the ledger
    (history on), then look for it in every file Hearth wrote."""
    keyring_file = tmp_path / "keychain" / "keys.json"  # the test's keychain, outside Hearth's
    keyring_file.parent.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "tests.core.cloud.memory_keyring.FileKeyring",
        FILE_ENV: str(keyring_file),
    }
    code, out, err = hearth_in_process(
        capsys, "cloud", "set", "--base-url", llama.base_url, "--model", MODEL_ALIAS,
        "--policy", "auto",
    )  # fmt: skip
    assert code == 0, err
    outputs = [out + err]
    for args, stdin in [(("cloud", "key"), API_KEY + "\n"), (("cloud", "test"), None)]:
        result = hearth_subprocess(*args, env=env, stdin=stdin)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
    assert API_KEY in keyring_file.read_text()  # it did go to the keychain

    # One escalated request through the router, with the key from the same keychain.
    monkeypatch.setenv(FILE_ENV, str(keyring_file))
    from tests.core.cloud.memory_keyring import FileKeyring

    paths = Paths.under(hearth_home)
    settings = SettingsStore(paths.settings_file).load().settings
    keys = KeyStore(FileKeyring(), environ={})
    with Ledger(ledger_path(paths), keep_history=True, prices=PriceTable({})) as ledger:
        router = Router(
            policy=RoutingPolicy(CloudPolicy.AUTO),
            air_gapped=False,
            headless=True,
            endpoint=endpoint_from(settings, {}),
            connect=lambda endpoint: open_client(endpoint, keys),
            redactor=Redactor(),
            ledger=ledger,
        )
        answer = router.run(
            "classify",
            CloudRequest((Message("user", "Is this spam?"),), max_tokens=8),
            lambda: LocalAnswer("ham", "Tiny", 0.2, 10, 1),
            request_text="Is this spam?",
        )
    assert answer.route == "cloud"
    (paths.log_dir).mkdir(parents=True, exist_ok=True)

    written = [p for p in hearth_home.rglob("*") if p.is_file()]
    assert paths.settings_file in written
    assert any(p.name.startswith("ledger.sqlite3") for p in written)
    for path in written:
        assert API_KEY.encode() not in path.read_bytes(), path
    for output in outputs:
        assert API_KEY not in output
