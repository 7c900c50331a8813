"""`hearth run` routing and `hearth calibrate`, end to end: the real llama.cpp OpenAI-compatible
server on 127.0.0.1 as the cloud, a scripted loopback server for the faults, the network guard
of air-gapped runs checked in both processes, and the key looked for in every file afterwards.

The generated model's labels and confidences are random; thresholds of 0.0 and 1.0 force each
side of auto mode, and the tests assert structure and consistency, not values.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV
from hearth.core.cloud.keys import KEY_ENV
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import RECORD_ENV, read_recorded_attempts
from hearth.core.routing.threshold_store import ThresholdStore, threshold_path
from hearth.core.settings import Settings, SettingsStore
from tests.core.cloud import llama_server
from tests.core.cloud.fake_provider import FakeProvider, Reply, completion, sse_events, stream
from tests.core.cloud.llama_server import API_KEY, MODEL_ALIAS, LlamaServer
from tests.core.cloud.memory_keyring import FILE_ENV
from tests.test_cli import assert_clean_error, hearth
from tests.test_cli_cloud import hearth_in_process as in_process

REPO = Path(__file__).resolve().parent.parent
TEXT = "Hi Ana, the invoice 4471 for 1,250 EUR is due on 3 March. Write to ana@example.com."
LABELS = "invoice,personal,spam"
# TEST-NET-1 (RFC 5737): an address outside this machine that no packet may ever reach.
OUTSIDE_URL = "https://192.0.2.1/v1"


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV, RECORD_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _quick_engine(hearth_home: Path) -> None:
    """One engine thread: on a busy two-core machine, two spinning ggml threads slow decoding
    tenfold. A 1024-token context keeps a summary to 256 tokens."""
    save_settings(hearth_home, threads=1, context_size=1024)


# In-process commands get a keychain of their own: keyring's choice is process-global, and
# must not follow a PYTHON_KEYRING_BACKEND meant for a subprocess.
pytestmark = pytest.mark.usefixtures("keychain")


@pytest.fixture(scope="session")
def llama(
    request: pytest.FixtureRequest, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> LlamaServer:
    return llama_server.shared(request, tiny_model, tmp_path_factory.mktemp("llama-server"))


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


def save_settings(home: Path, **changes: Any) -> Settings:
    store = SettingsStore(Paths.under(home).settings_file)
    settings = store.load().settings.replace(**changes)
    store.save(settings)
    return settings


def run_json(*args: str) -> tuple[dict[str, Any], str]:
    result = hearth("run", *args, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), result.stderr


def ledger_rows(home: Path) -> list[dict[str, Any]]:
    with Ledger(ledger_path(Paths.under(home)), keep_history=True, prices=PriceTable({})) as led:
        return [entry.to_json() for entry in reversed(led.entries())]


# -- auto mode through a real server ---------------------------------------------------------


def test_auto_answers_locally_when_confident_and_escalates_otherwise(
    tiny_model: Path,
    text_file: Path,
    llama: LlamaServer,
    hearth_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 6's "done": classify --cloud auto stays local at threshold 0 and escalates at 1,
    through llama.cpp's server; the ledger shows both; the key, read from the keychain, is
    nowhere on disk afterwards."""
    keychain = tmp_path / "keychain.json"  # the test's stand-in for the OS keychain
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.core.cloud.memory_keyring.FileKeyring")
    monkeypatch.setenv(FILE_ENV, str(keychain))
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    # The llamacpp preset at the test server's address: answers follow a JSON schema there.
    code, _, err = in_process(
        capsys, "cloud", "set", "--preset", "llamacpp", "--base-url", llama.base_url,
        "--model", MODEL_ALIAS, "--threshold", "0.0",
    )  # fmt: skip
    assert code == 0, err
    stored = hearth("cloud", "key", stdin=API_KEY + "\n")
    assert stored.returncode == 0, stored.stderr
    assert API_KEY in keychain.read_text()

    common = ("classify", "--model", str(tiny_model), "--input", str(text_file), "--cloud", "auto")
    local, _ = run_json(*common, "--labels", LABELS)
    assert local["route"] == "local"
    assert local["escalation_reason"] == "confident"
    assert local["escalation"] is None
    assert "cloud" not in local
    assert (local["threshold"], local["threshold_source"]) == (0.0, "settings")
    assert local["label"] in LABELS.split(",")

    save_settings(hearth_home, cloud_auto_threshold=1.0)
    cloud, err = run_json(*common, "--labels", LABELS)
    assert cloud["route"] == "cloud", err
    assert cloud["escalation_reason"] == "low_confidence"
    assert cloud["escalation"]["reason"] == "low_confidence"
    assert cloud["escalation"]["error"] is None
    assert cloud["escalation"]["redactions"]["EMAIL"] == 1  # ana@example.com stayed here
    assert cloud["threshold"] == 1.0
    assert cloud["model"] == MODEL_ALIAS
    assert cloud["output"] == cloud["label"]
    assert cloud["label"] in LABELS.split(",")
    assert cloud["local"]["model"] == local["model"]
    # Every top-level field describes the answer shown: the cloud's label, its (one-hot)
    # labels, and no local confidence passed off as the cloud's; the device's run is kept.
    assert cloud["confidence"] is None
    assert cloud["local"]["confidence"] < 1.0
    assert cloud["labels"] == {name: float(name == cloud["label"]) for name in LABELS.split(",")}
    assert sum(cloud["local"]["labels"].values()) == pytest.approx(1.0, abs=1e-5)
    assert cloud["cloud"]["prompt_tokens"] > 0
    assert cloud["cloud"]["completion_tokens"] > 0
    assert "Sending the redacted request to" in err

    code, out, _ = in_process(capsys, "ledger", "--json", "--recent", "2")
    assert code == 0
    summary = json.loads(out)
    assert (summary["requests"], summary["answered_local"], summary["answered_cloud"]) == (2, 1, 1)
    assert summary["by_task"] == {"classify": {"local": 1, "cloud": 1}}
    assert summary["routing_reasons"] == {"confident": 1, "low_confidence": 1}
    newest, oldest = summary["recent"]
    assert (oldest["route"], oldest["sent_to_cloud"], oldest["threshold"]) == ("local", False, 0.0)
    assert (newest["route"], newest["sent_to_cloud"], newest["cloud_status"]) == (
        "cloud",
        True,
        "ok",
    )
    assert newest["cloud_host"] == f"127.0.0.1:{llama.port}"
    assert oldest["request_text"] == TEXT  # history is on by default

    written = [p for p in hearth_home.rglob("*") if p.is_file()]
    assert Paths.under(hearth_home).settings_file in written
    assert any(p.name.startswith("ledger.sqlite3") for p in written)
    assert any(p.name == "engine-host.log" for p in written)
    for path in written:
        assert API_KEY.encode() not in path.read_bytes(), path


def test_always_through_a_real_server_needs_no_local_run(
    tiny_model: Path, text_file: Path, llama: LlamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BASE_URL_ENV, llama.base_url)
    monkeypatch.setenv(MODEL_ENV, MODEL_ALIAS)
    monkeypatch.setenv(KEY_ENV, API_KEY)
    result = hearth(
        "run", "summarize", "--model", str(tiny_model), "--input", str(text_file),
        "--cloud", "always",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "The policy sends this task to the cloud" in result.stderr
    assert "answering on this device" not in result.stderr
    data, _ = run_json(
        "summarize", "--model", str(tiny_model), "--input", str(text_file), "--cloud", "always"
    )
    assert data["route"] == "cloud"
    assert data["escalation_reason"] == "policy_always"
    assert data["confidence"] is None  # the local model never ran
    assert data["timings"]["load_ms"] == 0.0
    assert data["timings"]["output_tokens"] == data["cloud"]["completion_tokens"] > 0


# -- the cloud's answer replaces the local one, or does not --------------------------------


# Short strings: the local model's grammar-bound answer stays quick.
CONTACT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 20},
        "email": {"type": "string", "maxLength": 40},
    },
    "required": ["name"],
    "additionalProperties": False,
}


def use_provider(home: Path, provider: FakeProvider, **changes: Any) -> None:
    save_settings(home, cloud_base_url=provider.base_url, cloud_model="fake-model", **changes)


def test_a_streamed_task_prints_only_the_answer_that_counts(
    tiny_model: Path,
    text_file: Path,
    provider: FakeProvider,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Auto may replace the local text: nothing local reaches stdout before that is known."""
    use_provider(hearth_home, provider, cloud_auto_threshold=1.0)
    provider.reply(stream(["Ask [NAME_1] at ", "[EMAIL_1] to pay."]))
    save_settings(hearth_home, redaction_names=("Ana",))
    code, out, err = in_process(
        capsys, "run", "rewrite", "--model", str(tiny_model), "--input", str(text_file),
        "--cloud", "auto",
    )  # fmt: skip
    assert code == 0, err
    assert out == "Ask Ana at ana@example.com to pay.\n", err
    assert "answering on this device first" in err
    sent = provider.seen[0].body.decode()
    assert "ana@example.com" not in sent
    assert "Ana," not in sent


def test_extract_from_the_cloud_is_parsed_then_restored(
    tiny_model: Path,
    text_file: Path,
    provider: FakeProvider,
    hearth_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_provider(hearth_home, provider, cloud_auto_threshold=1.0)
    provider.reply(completion('```json\n{"name": "Ana", "email": "[EMAIL_1]"}\n```'))
    schema = tmp_path / "contact.json"
    schema.write_text(json.dumps(CONTACT))
    code, out, err = in_process(
        capsys, "run", "extract", "--model", str(tiny_model), "--input", str(text_file),
        "--schema", str(schema), "--cloud", "auto", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["route"] == "cloud"
    assert data["output"] == {"name": "Ana", "email": "ana@example.com"}
    assert data["valid"] is True
    assert isinstance(data["local"]["output"], dict)
    assert data["cloud"]["prompt_tokens"] == 11  # as the server reported


def test_a_cut_stream_keeps_the_local_answer_and_says_so(
    tiny_model: Path,
    text_file: Path,
    provider: FakeProvider,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Always, and the cloud's answer stops half-way: the local model answers (exit 0), stderr
    says why, and --json keeps what arrived."""
    use_provider(hearth_home, provider)
    provider.reply(
        Reply(
            200,
            {"Content-Type": "text/event-stream"},
            events=sse_events(["The half of an ans"], done=False, finish=False),
            cut=True,
        )
    )
    code, out, err = in_process(
        capsys, "run", "classify", "--model", str(tiny_model), "--input", str(text_file),
        "--labels", LABELS, "--cloud", "always", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["route"] == "local"
    assert data["label"] in LABELS.split(",")
    assert data["escalation"]["error_kind"] == "stream_cut"
    assert data["escalation"]["partial_text"] == "The half of an ans"
    warning = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warning) == 1
    assert "Answered on this device instead" in warning[0]
    row = ledger_rows(hearth_home)[-1]
    assert (row["route"], row["cloud_status"], row["sent_to_cloud"]) == (
        "local",
        "stream_cut",
        True,
    )


def test_a_batch_routes_every_line_and_records_each(
    tiny_model: Path,
    tmp_path: Path,
    provider: FakeProvider,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_provider(hearth_home, provider, cloud_auto_threshold=1.0, keep_history=False)
    provider.reply(completion('{"label": "spam"}'), completion("no idea"))
    batch = tmp_path / "batch.jsonl"
    lines = [{"text": "Win a cruise"}, {"text": ""}, {"text": "Lunch on Friday?"}]
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code, out, err = in_process(
        capsys, "run", "classify", "--model", str(tiny_model), "--labels", LABELS,
        "--batch", str(batch), "--cloud", "auto",
    )  # fmt: skip
    assert code == 0, err
    first, empty, third = (json.loads(line) for line in out.splitlines())
    assert (first["route"], first["label"]) == ("cloud", "spam")
    assert "empty" in empty["error"]
    assert third["route"] == "local"  # "no idea" names no label: the local answer stands
    assert third["escalation"]["error_kind"] == "bad_response"
    assert "1 answered in the cloud; 1 cloud attempt(s) failed" in err
    rows = ledger_rows(hearth_home)
    assert [(r["route"], r["cloud_status"]) for r in rows] == [
        ("cloud", "ok"),
        ("local", "bad_response"),
    ]
    assert all(r["request_text"] is None for r in rows)  # history off: no text kept


def test_always_with_no_provider_is_a_cloud_error_before_the_model_loads(
    text_file: Path, hearth_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No model file at all: had anything tried to load one, the error would be another.
    code, _, err = in_process(
        capsys, "run", "classify", "--model", "/nowhere/none.gguf", "--input", str(text_file),
        "--labels", LABELS, "--cloud", "always",
    )  # fmt: skip
    assert code == 5
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: --cloud always needs a cloud provider")
    assert "hearth cloud set" in line
    assert not ledger_path(Paths.under(hearth_home)).exists()


# -- air-gapped ------------------------------------------------------------------------------

# Loaded by every Python process of the run (app and engine host) through PYTHONPATH: each
# time a network guard is installed, it tries one outside connection, which the guard must
# refuse and record. The record then proves which processes were guarded; anything else in it
# is a real attempt of the run.
PROBE = textwrap.dedent(
    """
    import os
    if os.environ.get("HEARTH_TEST_GUARD_PROBE"):
        import socket
        from hearth.core.privacy import network_guard

        _install = network_guard.NetworkGuard.install

        def install(self):
            _install(self)
            probe = socket.socket()
            probe.settimeout(1.0)  # bounded, should a broken guard let it through
            try:
                probe.connect(("192.0.2.1", 9))
            except OSError:
                pass
            finally:
                probe.close()

        network_guard.NetworkGuard.install = install
    """
)
PROBE_TARGET = ("192.0.2.1", 9)


@pytest.fixture
def guard_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    probe_dir = tmp_path / "probe"
    probe_dir.mkdir()
    (probe_dir / "sitecustomize.py").write_text(PROBE)
    monkeypatch.setenv("PYTHONPATH", str(probe_dir))
    monkeypatch.setenv("HEARTH_TEST_GUARD_PROBE", "1")
    record = tmp_path / "refused.jsonl"
    monkeypatch.setenv(RECORD_ENV, str(record))
    return record


def assert_guarded_without_attempts(record: Path) -> None:
    attempts = read_recorded_attempts(record)
    # The probes: one from the app, one from the engine host, and nothing else at all.
    assert {(a.host, a.port) for a in attempts} == {PROBE_TARGET}, attempts
    assert len({a.pid for a in attempts}) == 2, attempts
    assert len(attempts) == 2


SCHEMA = {
    "type": "object",
    "properties": {"amount": {"type": "number"}},
    "required": ["amount"],
    "additionalProperties": False,
}
TASK_ARGS = {
    "summarize": ["--style", "key-points"],
    "rewrite": ["--style", "concise"],
    "classify": ["--labels", LABELS],
    "extract": [],  # a small schema of the test's own: see below
}


@pytest.mark.parametrize("how", ["--offline", "settings"])
@pytest.mark.parametrize("task", list(TASK_ARGS))
def test_air_gapped_runs_make_no_outside_connection(
    task: str,
    how: str,
    tiny_model: Path,
    text_file: Path,
    hearth_home: Path,
    guard_record: Path,
    tmp_path: Path,
) -> None:
    """With a provider outside this machine and a policy that would use it (auto at threshold
    1 on --offline runs, always in the settings on the others), the app and its engine host are
    both guarded and neither tries to connect anywhere."""
    if how == "settings":
        save_settings(
            hearth_home, air_gapped=True, cloud_policy="always",
            cloud_base_url=OUTSIDE_URL, cloud_model="big",
        )  # fmt: skip
        flags: list[str] = []
    else:
        save_settings(
            hearth_home, cloud_auto_threshold=1.0, cloud_base_url=OUTSIDE_URL, cloud_model="big"
        )
        flags = ["--offline", "--cloud", "auto"]
    args = list(TASK_ARGS[task])
    if task == "extract":
        schema = tmp_path / "schema.json"
        schema.write_text(json.dumps(SCHEMA))
        args = ["--schema", str(schema)]

    data, err = run_json(task, "--model", str(tiny_model), "--input", str(text_file), *args, *flags)

    assert data["route"] == "local"
    assert data["air_gapped"] is True
    assert data["escalation_reason"] == "air_gapped"
    assert data["escalation"] is None
    if how == "settings":
        assert "warning: air-gapped: the cloud policy for" in err
    assert_guarded_without_attempts(guard_record)
    row = ledger_rows(hearth_home)[-1]
    assert (row["route"], row["escalation_reason"], row["sent_to_cloud"]) == (
        "local",
        "air_gapped",
        False,
    )


def test_air_gapped_with_cloud_always_on_the_command_line_is_refused(
    tiny_model: Path, text_file: Path, hearth_home: Path, guard_record: Path
) -> None:
    save_settings(hearth_home, cloud_base_url=OUTSIDE_URL, cloud_model="big")
    result = hearth(
        "run", "classify", "--model", str(tiny_model), "--input", str(text_file),
        "--labels", LABELS, "--offline", "--cloud", "always",
    )  # fmt: skip
    assert_clean_error(result, 6, "air-gapped", "--cloud always")
    attempts = read_recorded_attempts(guard_record)
    assert [(a.host, a.port) for a in attempts] == [PROBE_TARGET]  # the app's probe only
    assert not ledger_path(Paths.under(hearth_home)).exists()  # nothing ran, nothing to record

    save_settings(hearth_home, air_gapped=True)
    result = hearth(
        "run", "summarize", "--model", str(tiny_model), "--input", str(text_file),
        "--cloud", "always",
    )  # fmt: skip
    assert_clean_error(result, 6, "air-gapped mode is on in the settings")


# -- calibrate -------------------------------------------------------------------------------


def test_calibrate_reports_stores_and_auto_uses_the_threshold(
    tiny_model: Path, tmp_path: Path, hearth_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = {
        "invoice": ["Please pay invoice 12 by Friday.", "Your bill of 40 EUR is attached."],
        "personal": ["Dinner at mum's on Sunday?", "Happy birthday, Bo!"],
        "spam": ["You won a free cruise!!!", "Cheap pills, click here."],
    }
    examples = tmp_path / "examples.jsonl"
    examples.write_text(
        "".join(
            json.dumps({"text": text, "label": label.upper() if i else label}) + "\n"
            for label, some in texts.items()
            for i, text in enumerate(some)
        )
        + "\n"
    )
    code, out, err = in_process(
        capsys, "calibrate", "--labels", LABELS, "--examples", str(examples),
        "--model", str(tiny_model), "--target", "0.5", "--json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["examples"] == 6
    assert report["labels"] == LABELS.split(",")
    table = report["reliability"]
    assert len(table) == 10
    assert sum(b["count"] for b in table) == 6
    right = sum(round(b["accuracy"] * b["count"]) for b in table if b["count"])
    assert report["accuracy"] == pytest.approx(right / 6)
    assert 0.0 <= report["ece"] <= 1.0
    assert 0.0 <= report["threshold"] <= 1.0
    assert report["share_on_device"] == pytest.approx(report["kept_on_device"] / 6)
    if report["reached"]:
        assert report["accuracy_on_device"] >= 0.5
        # Everything at or above the threshold is kept: the bins above it hold no more.
        above = sum(b["count"] for b in table if b["lower"] > report["threshold"])
        assert above <= report["kept_on_device"]
    else:
        assert report["threshold"] == 1.0
    assert "rough guide" in err  # six examples are few

    stored = json.loads(threshold_path(Paths.under(hearth_home)).read_text())["thresholds"]
    assert len(stored) == 1
    (entry,) = stored.values()
    assert entry["threshold"] == pytest.approx(report["threshold"], abs=1e-6)
    assert ThresholdStore(threshold_path(Paths.under(hearth_home))).problems == []

    # Auto mode picks it up for the same labels and model (no provider: it stays local).
    text = tmp_path / "one.txt"
    text.write_text("Pay the invoice, please.")
    code, out, err = in_process(
        capsys, "run", "classify", "--labels", LABELS, "--model", str(tiny_model),
        "--input", str(text), "--cloud", "auto", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (data["threshold"], data["threshold_source"]) == (entry["threshold"], "calibrated")
    assert data["escalation_reason"] == "no_provider"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"text": "hello", "label": "eggs"}', "line 2: the label 'eggs' is not one of"),
        ('{"text": "hello"}', "line 2: each line must be"),
        ("not json", "line 2: not a JSON object"),
    ],
)
def test_calibrate_names_a_bad_example_line(
    line: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = tmp_path / "examples.jsonl"
    examples.write_text('{"text": "Pay now", "label": "invoice"}\n' + line + "\n")
    code, _, err = in_process(
        capsys, "calibrate", "--labels", LABELS, "--examples", str(examples),
        "--model", "/nowhere/none.gguf",
    )  # fmt: skip
    assert code == 2
    assert words in err.strip().splitlines()[-1]


def test_a_headless_refinement_goes_to_the_cloud_with_the_previous_answer(
    tiny_model: Path,
    text_file: Path,
    provider: FakeProvider,
    hearth_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--previous FILE --follow-up TEXT` refines an earlier answer; escalated, the cloud gets
    the conversation, not a plain rewrite of the original text."""
    use_provider(hearth_home, provider)
    provider.reply(completion("Invoice 4471: 1,250 EUR due 3 March."))
    previous = tmp_path / "previous.txt"
    previous.write_text("Hello Ana! Invoice 4471 (1,250 EUR) is due on 3 March.", "utf-8")
    code, out, err = in_process(
        capsys, "run", "rewrite", "--model", str(tiny_model), "--input", str(text_file),
        "--previous", str(previous), "--follow-up", "Shorter, please.", "--cloud", "always",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    answer = json.loads(out)
    assert answer["route"] == "cloud"
    assert answer["output"] == "Invoice 4471: 1,250 EUR due 3 March."
    messages = provider.seen[0].json["messages"]
    assert [m["role"] for m in messages][-2:] == ["assistant", "user"]
    assert messages[-2]["content"] == previous.read_text("utf-8")
    assert messages[-1]["content"].startswith("Shorter, please.")


def test_previous_without_follow_up_is_a_usage_error(
    tiny_model: Path, text_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = in_process(
        capsys, "run", "rewrite", "--model", str(tiny_model), "--input", str(text_file),
        "--previous", str(text_file),
    )  # fmt: skip
    assert code == 2
    assert "--follow-up" in err
