"""The `hearth` command, run as users run it: a real subprocess, real models, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gguf_factory import ModelSpec, write_model

TEXT = "Hearth runs a small language model on your own laptop. " * 8


def hearth_command() -> list[str]:
    script = Path(sys.executable).with_name("hearth")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hearth"]


def hearth(
    *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*hearth_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "an error must be explained"
    assert lines[-1].startswith("error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[-1]


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_version() -> None:
    result = hearth("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("hearth 0.")


def test_run_summarize_json_follows_the_contract(tiny_model: Path, text_file: Path) -> None:
    result = hearth(
        "run", "summarize", "--model", str(tiny_model), "--input", str(text_file), "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["task"] == "summarize"
    assert isinstance(data["output"], str)
    assert data["route"] == "local"
    assert data["model"] == "Hearth Test Tiny"
    assert 0.0 <= data["confidence"] <= 1.0
    timings = data["timings"]
    for key in (
        "load_ms",
        "ttft_ms",
        "total_ms",
        "prompt_tokens",
        "output_tokens",
        "decode_tokens_per_s",
    ):
        assert key in timings, key
    assert timings["prompt_tokens"] > 50
    assert timings["output_tokens"] >= 1
    assert timings["total_ms"] >= timings["ttft_ms"] > 0
    assert data["backend"] == "CPU"


def test_run_streams_text_from_stdin(tiny_model: Path) -> None:
    result = hearth(
        "run", "summarize", "--model", str(tiny_model), "--style", "key-points", stdin=TEXT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_model_from_settings_is_used(tiny_model: Path, text_file: Path, hearth_home: Path) -> None:
    settings = hearth_home / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"schema_version": 1, "model": str(tiny_model)}))
    result = hearth("run", "summarize", "--input", str(text_file), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model_path"] == str(tiny_model)


def test_damaged_settings_are_kept_aside_and_reported(
    tiny_model: Path, text_file: Path, hearth_home: Path
) -> None:
    settings = hearth_home / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text("{ not json")
    result = hearth(
        "run", "summarize", "--model", str(tiny_model), "--input", str(text_file), "--json"
    )
    assert result.returncode == 0, result.stderr
    assert "warning: Settings file" in result.stderr
    assert (settings.parent / "settings.json.bak").read_text() == "{ not json"


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing.gguf", "does not exist"),
        (lambda d: _write(d / "empty.gguf", b""), "empty"),
        (lambda d: _write(d / "notes.gguf", b"just some text, not a model\n" * 10), "not a GGUF"),
        (lambda d: _mkdir(d / "folder.gguf"), "folder"),
    ],
    ids=["missing", "zero-bytes", "not-gguf", "directory"],
)
def test_bad_model_files_exit_3_with_one_clear_line(
    make: object, needle: str, tmp_path: Path, text_file: Path
) -> None:
    model = make(tmp_path)  # type: ignore[operator]
    result = hearth("run", "summarize", "--model", str(model), "--input", str(text_file))
    assert_clean_error(result, 3, needle, str(model.name))


def test_truncated_model_exits_3(tiny_model: Path, tmp_path: Path, text_file: Path) -> None:
    cut = _write(tmp_path / "cut.gguf", tiny_model.read_bytes()[:-1000])
    result = hearth("run", "summarize", "--model", str(cut), "--input", str(text_file))
    assert_clean_error(result, 3, "truncated", "cut.gguf")


def test_header_that_would_abort_llama_cpp_is_refused_before_loading(
    tmp_path: Path, text_file: Path
) -> None:
    bad = write_model(tmp_path / "heads.gguf", ModelSpec(heads=4, kv_heads=3))
    result = hearth("run", "summarize", "--model", str(bad), "--input", str(text_file))
    assert_clean_error(result, 3, "heads.gguf")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "translate"], "invalid choice"),
        (
            ["run", "summarize", "--input", "/nonexistent/text.txt", "--model", "x.gguf"],
            "does not exist",
        ),
        (["run", "summarize", "--input", "-"], "No model chosen"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(args: list[str], needle: str) -> None:
    assert_clean_error(hearth(*args, stdin=""), 2, needle)


def test_empty_text_is_a_usage_error(tiny_model: Path) -> None:
    result = hearth("run", "summarize", "--model", str(tiny_model), stdin="   \n")
    assert_clean_error(result, 2, "empty")


def test_unknown_style_is_a_usage_error(tiny_model: Path, text_file: Path) -> None:
    result = hearth(
        "run",
        "summarize",
        "--model",
        str(tiny_model),
        "--input",
        str(text_file),
        "--style",
        "haiku",
    )
    assert_clean_error(result, 2, "haiku", "key-points")


def test_cloud_always_without_provider_exits_5(tiny_model: Path, text_file: Path) -> None:
    result = hearth(
        "run",
        "summarize",
        "--model",
        str(tiny_model),
        "--input",
        str(text_file),
        "--cloud",
        "always",
    )
    assert_clean_error(result, 5, "cloud provider")


def test_doctor_json(hearth_home: Path) -> None:
    result = hearth("doctor", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["engine"]["ok"] is True
    assert report["engine"]["llama_cpp_version"]
    assert isinstance(report["engine"]["supports_gpu_offload"], bool)
    assert "CPU" in report["engine"]["backends"]
    assert report["default_threads"] >= 1
    assert report["memory"]["total_bytes"] > 0
    assert report["paths"]["config"].startswith(str(hearth_home))
    assert report["cpu"]["physical_cores"] >= 1


def test_doctor_text() -> None:
    result = hearth("doctor")
    assert result.returncode == 0, result.stderr
    assert "Engine: llama-cpp-python" in result.stdout
    assert "default threads" in result.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the child pid")
def test_engine_killed_mid_run_is_exit_4_and_next_run_works(
    slow_model: Path, text_file: Path, tmp_path: Path
) -> None:
    # A rewrite may run to twice its input: a long text keeps the engine busy well past the
    # first streamed character, so the kill lands mid-generation even on a fast machine.
    long_file = tmp_path / "long.txt"
    long_file.write_text(TEXT * 8, encoding="utf-8")
    proc = subprocess.Popen(
        [
            *hearth_command(),
            "run",
            "rewrite",
            "--model",
            str(slow_model),
            "--input",
            str(long_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # the summary has begun streaming: the host is mid-generation
    assert first
    host_pid = _child_pids(proc.pid)
    assert len(host_pid) == 1
    os.kill(host_pid[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 4, stderr
    assert "error: The engine stopped" in stderr
    assert "SIGKILL" in stderr
    assert "Traceback" not in stderr

    again = hearth(
        "run", "summarize", "--model", str(slow_model), "--input", str(text_file), "--json"
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["timings"]["output_tokens"] >= 1


def _child_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(c) for c in text)
    return children


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is X11/Wayland")
def test_app_without_a_display_says_so_instead_of_aborting() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(hearth_command(), capture_output=True, text=True, timeout=60, env=env)
    assert_clean_error(result, 1, "No display found")
