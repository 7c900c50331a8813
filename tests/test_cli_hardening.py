"""Hardening of the CLI against what users actually do (issue 18): unreadable privacy
settings, endless inputs, broken pipes, odd terminals, the library's edges. Each test runs the
real command (in process where capsys is enough, as a subprocess where the process matters)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hearth.core.paths import Paths
from tests.core.cloud.fake_provider import FakeProvider, completion
from tests.gguf_factory import ModelSpec, write_model
from tests.hostile_models import HOSTILE, write_hostile
from tests.test_cli import hearth_command
from tests.test_cli_cloud import hearth_in_process as in_process

pytestmark = pytest.mark.usefixtures("keychain")


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


def write_settings(home: Path, data: dict[str, Any]) -> Path:
    path = Paths.under(home).settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- 1. privacy fails closed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "unreadable",
    [
        {"air_gapped": "true"},
        {"air_gapped": 1},
        {"cloud_policy": ["always"]},
        {"cloud_task_policies": {"classify": "sometimes"}},
        {"redaction_names": "Ana"},
    ],
    ids=["air-gapped-string", "air-gapped-int", "policy-list", "task-policy", "names-string"],
)
def test_an_unreadable_privacy_setting_keeps_the_request_here_and_says_so(
    tiny_model: Path,
    provider: FakeProvider,
    hearth_home: Path,
    capsys: pytest.CaptureFixture[str],
    unreadable: dict[str, Any],
) -> None:
    write_settings(
        hearth_home,
        {
            "threads": 1,
            "context_size": 1024,
            "cloud_policy": "always",
            "cloud_base_url": provider.base_url,
            "cloud_model": "fake-model",
            **unreadable,
        },
    )
    provider.reply(completion('{"label": "spam"}'))
    code, out, err = in_process(
        capsys, "run", "classify", "--model", str(tiny_model), "--labels", "invoice,spam",
        "--json", stdin="Pay invoice 4471 by Friday.",
    )  # fmt: skip
    assert code == 0, err
    assert provider.seen == []  # nothing reached the (loopback) cloud
    assert json.loads(out)["route"] == "local"
    assert "air-gapped" in err
    assert err.count("sends nothing to the cloud") == 1  # said once, not once per reader


# -- 3, 4, 9, 10: the model library from the command line ------------------------------------


def index(home: Path) -> Path:
    return home / "data" / "model-index.json"


def test_import_refuses_the_unusable_models_with_reasons_and_keeps_the_store(
    tmp_path: Path, hearth_home: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = in_process(capsys, "models", "import", str(tiny_model), "--link")
    assert code == 0, err
    before = index(hearth_home).read_bytes()
    for kind, reason in HOSTILE.items():
        path = write_hostile(tmp_path / f"{kind}.gguf", kind)
        code, out, err = in_process(capsys, "models", "import", str(path))
        assert code == 3, (kind, err)
        assert out == ""
        assert err.startswith("error: ")
        assert err.count("\n") == 1
        assert reason in err, kind
    assert index(hearth_home).read_bytes() == before
    assert not [p for p in (hearth_home / "data" / "models").rglob("*") if p.is_file()]


def test_models_use_sets_the_default_model(
    hearth_home: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_process(capsys, "models", "import", str(tiny_model), "--link")

    code, out, err = in_process(capsys, "models", "use", "tiny")

    assert code == 0, err
    assert "tiny" in out
    saved = json.loads(Paths.under(hearth_home).settings_file.read_text())
    assert saved["model"] == "tiny"
    code, out, err = in_process(capsys, "run", "classify", "--labels", "a,b", stdin="Hello.")
    assert code == 0, err  # no --model: the default is used
    code, _, err = in_process(capsys, "models", "use", "nope")
    assert code == 2
    assert "No model 'nope'" in err


def test_a_linked_model_whose_file_changed_is_refused_and_listed_as_changed(
    tmp_path: Path, hearth_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_model(tmp_path / "mine.gguf")
    in_process(capsys, "models", "import", str(path), "--link")
    write_model(path, ModelSpec(layers=3, name="Swapped", seed=3))  # another model, same name

    code, _, err = in_process(
        capsys, "run", "classify", "--model", "mine", "--labels", "a,b", stdin="Hello."
    )
    assert code == 3
    assert "has changed since it was added" in err
    assert "hearth models import --link" in err
    code, out, _ = in_process(capsys, "models", "list", "--json")
    assert json.loads(out)["models"][0]["changed"] is True
    code, out, _ = in_process(capsys, "models", "list")
    assert "CHANGED" in out

    # With the user's word (importing it again) the new file is checked and used.
    code, _, err = in_process(capsys, "models", "import", str(path), "--link")
    assert code == 0, err
    code, _, err = in_process(
        capsys, "run", "classify", "--model", "mine", "--labels", "a,b", stdin="Hello."
    )
    assert code == 0, err


def test_a_linked_file_inside_the_models_folder_is_never_deleted_by_remove(
    hearth_home: Path, tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = hearth_home / "data" / "models" / "mine.gguf"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(tiny_model.read_bytes())

    code, _, err = in_process(capsys, "models", "import", str(inside), "--link")
    assert code == 0, err
    code, _, err = in_process(capsys, "models", "remove", "mine")

    assert code == 0, err
    assert inside.exists()


# -- 9. small things a user meets ------------------------------------------------------------


def test_a_reader_that_stops_early_ends_hearth_quietly(tiny_model: Path, tmp_path: Path) -> None:
    """`hearth run ... | head -c 1`: no 'unexpected internal error', no traceback."""
    text = tmp_path / "text.txt"
    text.write_text("The invoice is due on Friday. " * 20)
    proc = subprocess.Popen(
        [*hearth_command(), "run", "rewrite", "--model", str(tiny_model), "--input", str(text)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    with proc.stdout:
        proc.stdout.read(1)  # then closed: the reader has what it wanted
    with proc.stderr:
        err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "error" not in err
    assert "Traceback" not in err
    assert code in (0, 141)


def test_stdout_to_a_full_disk_is_one_clear_line(tiny_model: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*hearth_command(), "models", "catalog", "--json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("error: could not write the output")
    assert "internal" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_ascii_only_terminal_gets_escapes_not_an_internal_error(tiny_model: Path) -> None:
    result = subprocess.run(
        [*hearth_command(), "run", "classify", "--model", str(tiny_model), "--labels",
         "café,thé", "--json"],
        input="Un café, s'il vous plaît ☕".encode(),
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("ascii")  # nothing but ASCII reached the terminal
    assert json.loads(out)["label"] in ("café", "thé")


def test_ctrl_c_while_starting_prints_no_traceback() -> None:
    proc = subprocess.Popen(
        [*hearth_command(), "models", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.send_signal(signal.SIGINT)  # at once: while Python is still importing Hearth
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert proc.returncode in (130, -signal.SIGINT, 0)


def test_ledger_recent_with_an_absurd_number_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = in_process(capsys, "ledger", "--recent", "99999999999999999999")
    assert code == 2
    assert "99999999999999999999 is not from 0 to 1000000" in err


def test_reading_the_ledger_creates_and_writes_nothing(
    hearth_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = in_process(capsys, "ledger", "--recent", "3")

    assert code == 0, err
    assert "No requests" in out
    assert not (hearth_home / "data").exists()  # a reader needs no write access anywhere


# -- 2. endless inputs ---------------------------------------------------------------------


def test_endless_stdin_is_refused_at_its_limit(tiny_model: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [*hearth_command(), "run", "summarize", "--model", str(tiny_model)],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "HEARTH_MAX_INPUT_MB": "2"},
        )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: standard input is larger than 2 MB")
    assert "HEARTH_MAX_INPUT_MB=8" in last


def test_endless_examples_are_refused_at_the_line_limit(
    tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = in_process(
        capsys, "calibrate", "--model", str(tiny_model), "--labels", "a,b",
        "--examples", "/dev/zero",
    )  # fmt: skip
    assert code == 2
    assert "Line 1 of /dev/zero is larger than 4 MB" in err


def test_a_schema_that_never_ends_is_refused(
    tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = in_process(
        capsys, "run", "extract", "--model", str(tiny_model), "--schema", "/dev/zero",
        stdin="Ana paid 20 EUR.",
    )  # fmt: skip
    assert code == 2, err
    assert "/dev/zero is larger than 1 MB" in err, err


def test_an_endless_input_file_is_refused_at_its_limit(
    tiny_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = in_process(
        capsys, "run", "summarize", "--model", str(tiny_model), "--input", "/dev/zero"
    )
    assert code == 2, err
    assert "larger than 200 MB" in err
