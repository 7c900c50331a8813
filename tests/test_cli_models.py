"""`hearth models ...` run as users run it: the real executable, real files, a local Hub."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.core.models.conftest import BIG_SPEC, write_lora
from tests.gguf_factory import write_model
from tests.hub_server import HubServer
from tests.test_cli import assert_clean_error, hearth_command

MIB = 1024 * 1024
CHUNK = 10 * MIB


def hearth(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*hearth_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or dict(os.environ),
        stdin=subprocess.DEVNULL,
    )


def hearth_json(*args: str, env: dict[str, str] | None = None) -> Any:
    result = hearth(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("cli-models") / "hearth-tiny-f16.gguf")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("cli-big") / "hearth-big-f16.gguf", BIG_SPEC)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    server = HubServer()
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no real token, no real cache
    try:
        yield server
    finally:
        server.close()


def models_dir(hearth_home: Path) -> Path:
    return hearth_home / "data" / "models"


def stored(hearth_home: Path) -> list[dict[str, Any]]:
    """The store's entries, read straight from its index (cheaper than one more process)."""
    index = hearth_home / "data" / "model-index.json"
    return json.loads(index.read_text())["models"] if index.exists() else []


def paused_bytes(hearth_home: Path) -> list[int]:
    """Sizes of the partial downloads waiting to be resumed."""
    return sorted(
        p.stat().st_size for p in (models_dir(hearth_home) / ".downloads").glob("*.partial")
    )


# --- the library ------------------------------------------------------------------------------


def test_import_list_verify_remove(tiny: Path, hearth_home: Path) -> None:
    imported = hearth_json("models", "import", str(tiny))
    model_id = imported["id"]
    assert imported["added"] is True
    assert imported["model"]["source"] == "copy"
    path = Path(imported["model"]["path"])
    assert path.parent == models_dir(hearth_home)

    listed = hearth_json("models", "list")
    [model] = listed["models"]
    assert model["id"] == model_id
    assert model["present"] is True
    assert model["fit"]["label"] == "fits"
    assert model["architecture"] == "llama"
    assert model["sha256"] == imported["model"]["sha256"]
    assert listed["paused_downloads"] == []

    assert hearth_json("models", "verify")["results"] == [
        {"id": model_id, "health": "ok", "message": f"{path} is intact."}
    ]
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    damaged = hearth("models", "verify", model_id, "--json")
    assert damaged.returncode == 3
    assert json.loads(damaged.stdout)["results"][0]["health"] == "damaged"

    removed = hearth_json("models", "remove", model_id)
    assert removed["deleted_file"] is True
    assert stored(hearth_home) == []
    assert list(models_dir(hearth_home).glob("*.gguf")) == []


def test_text_output_is_for_people(tiny: Path) -> None:
    imported = hearth("models", "import", str(tiny), "--link")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Added model 'hearth-tiny-f16' (in place,")
    assert "verifying hearth-tiny-f16.gguf" in imported.stderr

    listed = hearth("models", "list")
    assert "hearth-tiny-f16" in listed.stdout
    assert str(tiny) in listed.stdout

    removed = hearth("models", "remove", "hearth-tiny-f16")
    assert f"the file {tiny} was left where it is" in removed.stdout
    assert tiny.exists()


def test_a_damaged_file_is_refused_with_one_clear_line(
    tiny: Path, tmp_path: Path, hearth_home: Path
) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny.read_bytes()[:-5000])

    result = hearth("models", "import", str(cut))

    assert_clean_error(result, 3, "truncated", "cut.gguf")
    assert stored(hearth_home) == []
    assert not models_dir(hearth_home).exists() or not any(models_dir(hearth_home).rglob("*.gguf"))


def test_a_file_dropped_into_the_models_folder_is_picked_up(tiny: Path, hearth_home: Path) -> None:
    folder = models_dir(hearth_home)
    folder.mkdir(parents=True)
    dropped = folder / "dropped.gguf"
    dropped.write_bytes(tiny.read_bytes())
    os.utime(dropped, (1_700_000_000, 1_700_000_000))  # long finished copying

    rescanned = hearth_json("models", "rescan")

    assert rescanned["added"] == ["dropped"]
    assert [m["source"] for m in stored(hearth_home)] == ["folder"]


def test_models_of_other_apps_are_found_and_used_in_place(
    tiny: Path, tmp_path: Path, hearth_home: Path
) -> None:
    home = tmp_path / "home"
    lm_studio = home / ".lmstudio" / "models" / "hearth" / "Tiny-GGUF" / tiny.name
    lm_studio.parent.mkdir(parents=True)
    lm_studio.write_bytes(tiny.read_bytes())
    env = {**os.environ, "HOME": str(home)}
    env.pop("HF_HOME", None)
    env.pop("HF_HUB_CACHE", None)

    found = hearth_json("models", "discover", env=env)["found"]
    assert [(f["source"], f["id"]) for f in found] == [("lm-studio", None)]

    registered = hearth_json("models", "discover", "--register", env=env)["found"]
    assert registered[0]["id"] == "hearth-tiny-f16"
    [model] = stored(hearth_home)
    assert model["path"] == str(lm_studio)
    assert model["source"] == "lm-studio"


def test_a_lora_is_attached_for_a_task(tiny: Path, tmp_path: Path, hearth_home: Path) -> None:
    base = hearth_json("models", "import", str(tiny))["id"]
    lora = hearth_json("models", "import", str(write_lora(tmp_path / "tone-lora.gguf")))
    assert lora["model"]["kind"] == "lora"

    attached = hearth_json("models", "attach", lora["id"], "--to", base, "--task", "rewrite")

    assert attached == {"task": "rewrite", "base_id": base, "adapter_id": lora["id"], "scale": 1.0}
    index = json.loads((hearth_home / "data" / "model-index.json").read_text())
    assert index["attachments"] == [attached]
    refused = hearth("models", "attach", base, "--to", base, "--task", "rewrite")
    assert_clean_error(refused, 2, "is a model, not a LoRA adapter")


def test_catalog_and_recommendation(hearth_home: Path) -> None:
    catalog = hearth_json("models", "catalog")

    assert len(catalog["models"]) == 6
    assert catalog["recommended"] in {m["id"] for m in catalog["models"]}
    assert {m["fit"]["label"] for m in catalog["models"]} <= {"fits", "may be slow", "won't fit"}
    assert all(m["installed_as"] is None for m in catalog["models"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["models"], "required"),
        (["models", "pull", "not-a-model"], "not a catalog model"),
        (["models", "remove", "nothing-here"], "No model 'nothing-here'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], needle: str) -> None:
    assert_clean_error(hearth(*args), 2, needle)


# --- downloads from a local Hub ---------------------------------------------------------------


def test_pull_from_the_hub_by_repo_and_file(hub: HubServer, tiny: Path) -> None:
    hub.add("hearth-test/Tiny-GGUF", tiny.name, tiny.read_bytes())

    result = hearth("models", "pull", f"hearth-test/Tiny-GGUF/{tiny.name}", "--json")

    assert result.returncode == 0, result.stderr
    pulled = json.loads(result.stdout)
    assert pulled["model"]["source"] == "hub"
    assert pulled["model"]["hub"]["repo"] == "hearth-test/Tiny-GGUF"
    assert "downloading hearth-tiny-f16.gguf" in result.stderr
    assert "verifying hearth-tiny-f16.gguf" in result.stderr
    assert "Traceback" not in result.stderr


def test_pull_of_a_catalog_model(
    hub: HubServer, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add("hearth-test/Tiny-GGUF", tiny.name, tiny.read_bytes())
    catalog = (Path(__file__).parents[1] / "models" / "catalog.toml").read_text()
    own = catalog.replace("bartowski/Llama-3.2-1B-Instruct-GGUF", "hearth-test/Tiny-GGUF")
    own = own.replace('filename = "Llama-3.2-1B-Instruct-Q4_K_M.gguf"', f'filename = "{tiny.name}"')
    (tmp_path / "catalog.toml").write_text(own)
    monkeypatch.setenv("HEARTH_CATALOG", str(tmp_path / "catalog.toml"))

    pulled = hearth_json("models", "pull", "llama-3.2-1b-instruct")

    assert pulled["id"] == "llama-3.2-1b-instruct"
    assert pulled["model"]["catalog_id"] == "llama-3.2-1b-instruct"
    again = hearth_json("models", "pull", "llama-3.2-1b-instruct")
    assert again["added"] is False


def test_pull_of_a_missing_file_is_a_clear_error(hub: HubServer, tiny: Path) -> None:
    hub.add("hearth-test/Tiny-GGUF", tiny.name, tiny.read_bytes())

    result = hearth("models", "pull", "hearth-test/Tiny-GGUF/nope.gguf")

    assert_clean_error(result, 1, "has no file 'nope.gguf'")


def test_pull_of_a_file_that_fails_verification_registers_nothing(
    hub: HubServer, tiny: Path, hearth_home: Path
) -> None:
    hub.add("hearth-test/Tiny-GGUF", tiny.name, tiny.read_bytes()).faults.wrong_content = bytes(
        reversed(tiny.read_bytes())
    )

    result = hearth("models", "pull", f"hearth-test/Tiny-GGUF/{tiny.name}")

    assert_clean_error(result, 3, "does not match the SHA-256")
    assert stored(hearth_home) == []
    assert not any(models_dir(hearth_home).rglob("*.gguf"))
    assert paused_bytes(hearth_home) == []


def test_pull_is_refused_when_air_gapped(hub: HubServer, hearth_home: Path) -> None:
    settings = hearth_home / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"schema_version": 1, "air_gapped": True}))

    result = hearth("models", "pull", "qwen3-1.7b")

    assert_clean_error(result, 6, "air-gapped", "hearth models import")
    assert hub.requests == []


def test_an_interrupted_download_resumes_and_verifies(
    hub: HubServer, big: Path, hearth_home: Path
) -> None:
    served = hub.add("hearth-test/Big-GGUF", big.name, big.read_bytes())
    name = f"hearth-test/Big-GGUF/{big.name}"
    # 1. The connection keeps breaking after the first 10 MB were saved: Hearth gives up
    #    after its retries and says the download can be resumed.
    served.faults.drop_after, served.faults.drops = CHUNK + MIB, 100
    stalled = hearth("models", "pull", name)
    assert_clean_error(stalled, 1, "run the download again to resume")
    assert paused_bytes(hearth_home) == [CHUNK]

    # 2. Ctrl+C while the server holds the line: paused again, and told so.
    served.faults.drops = 0
    served.faults.stall_after = 2 * CHUNK + MIB
    with subprocess.Popen(
        [*hearth_command(), "models", "pull", name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    ) as proc:
        assert hub.stalled.wait(60)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "run the same command to resume" in stderr
    assert stderr.strip().splitlines()[-1] == "error: cancelled"
    assert "Traceback" not in stderr

    # 3. The next pull continues from what is on disk and verifies the whole file.
    served.faults.stalls = 0
    resumed = hearth("models", "pull", name, "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming hearth-big-f16.gguf at" in resumed.stderr
    assert hub.gets(big.name)[-1].range is not None
    assert hub.gets(big.name)[-1].status == 206
    assert json.loads(resumed.stdout)["model"]["sha256"] == served.sha256
    assert paused_bytes(hearth_home) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_disk_that_fills_up_mid_download_keeps_the_part_and_says_so(
    hub: HubServer, big: Path, hearth_home: Path
) -> None:
    hub.add("hearth-test/Big-GGUF", big.name, big.read_bytes())
    name = f"hearth-test/Big-GGUF/{big.name}"
    # Files may not grow past 12 MiB in this process: the second 10 MB chunk hits the limit.
    limited = (
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({12 * MIB}, {12 * MIB})); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    full = subprocess.run(
        [sys.executable, "-c", limited, *hearth_command(), "models", "pull", name],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )

    assert_clean_error(full, 1, "disk filled up", "resumes where it stopped")
    assert stored(hearth_home) == []
    [kept] = paused_bytes(hearth_home)
    assert CHUNK <= kept <= 12 * MIB

    resumed = hearth_json("models", "pull", name)
    assert resumed["added"] is True
