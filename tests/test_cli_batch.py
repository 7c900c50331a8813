"""Batches that meet what long batches meet (issue 18): a killed engine, a resumed run, a FIFO,
every line failing, a log file instead of a terminal, the model removed under them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from hearth.core.paths import Paths
from hearth.core.settings import SettingsStore
from tests.test_cli import _child_pids, hearth, hearth_command

LABELS = "invoice,personal,spam"


@pytest.fixture(autouse=True)
def _quick_engine(hearth_home: Path) -> None:
    store = SettingsStore(Paths.under(hearth_home).settings_file)
    store.save(store.load().settings.replace(threads=1, context_size=1024))


def write_batch(path: Path, n: int, start: int = 0) -> Path:
    texts = (f"Invoice {i} for {i * 10} EUR is due Friday." for i in range(start, start + n))
    lines = [json.dumps({"text": text}) for text in texts]
    path.write_text("\n".join(lines) + "\n")
    return path


def results(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def batch(model: Path, batch_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return hearth(
        "run", "classify", "--model", str(model), "--labels", LABELS, "--batch",
        str(batch_file), *extra,
    )  # fmt: skip


def test_a_batch_survives_an_engine_kill_and_says_n_of_m(slow_model: Path, tmp_path: Path) -> None:
    lines = write_batch(tmp_path / "lines.jsonl", 12)
    proc = subprocess.Popen(
        [*hearth_command(), "run", "classify", "--model", str(slow_model), "--labels", LABELS,
         "--batch", str(lines)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()  # line 1 answered: the engine is up and working
    assert json.loads(first)["line"] == 1
    (host,) = _child_pids(proc.pid)
    os.kill(host, signal.SIGKILL)
    rest, err = proc.communicate(timeout=300)

    assert proc.returncode == 0, err
    done = results(first + rest)
    assert [r["line"] for r in done] == list(range(1, 13))
    assert all("error" not in r for r in done), err
    assert "a fresh engine goes on" in err
    assert err.strip().splitlines()[-1] == "12 of 12 lines done, 0 failed"


def test_resume_skips_the_lines_already_answered(tiny_model: Path, tmp_path: Path) -> None:
    lines = write_batch(tmp_path / "lines.jsonl", 3)
    first = batch(tiny_model, lines)
    assert first.returncode == 0, first.stderr
    earlier = tmp_path / "out.jsonl"
    earlier.write_text(first.stdout)
    with lines.open("a") as more:  # the rest of the batch, as if the first run had stopped
        more.write(json.dumps({"text": "Lunch on Sunday?"}) + "\n")

    again = batch(tiny_model, lines, "--resume", str(earlier))

    assert again.returncode == 0, again.stderr
    assert [r["line"] for r in results(again.stdout)] == [4]
    assert "4 of 4 lines done, 3 from the earlier run, 0 failed" in again.stderr


def test_a_batch_in_which_every_line_failed_exits_non_zero(
    tiny_model: Path, tmp_path: Path
) -> None:
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"txt": "a"}\nnot json\n')

    result = batch(tiny_model, lines)

    assert result.returncode == 1
    assert all("error" in r for r in results(result.stdout))
    assert result.stderr.strip().splitlines()[-1].startswith("error: no line")


def test_a_fifo_batch_file_is_read(tiny_model: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "lines.fifo"
    os.mkfifo(fifo)
    payload = write_batch(tmp_path / "lines.jsonl", 2).read_text()

    def feed() -> None:
        with fifo.open("w") as writer:
            writer.write(payload)

    feeder = threading.Thread(target=feed)
    feeder.start()
    result = batch(tiny_model, fifo)
    feeder.join(timeout=60)

    assert result.returncode == 0, result.stderr
    assert [r["line"] for r in results(result.stdout)] == [1, 2]
    assert "does not exist" not in result.stderr


def test_no_progress_bar_into_a_non_terminal(tiny_model: Path, tmp_path: Path) -> None:
    lines = write_batch(tmp_path / "lines.jsonl", 3)

    result = batch(tiny_model, lines)

    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    assert "[" not in result.stderr  # no bar
    assert "3/3 lines done" in result.stderr


def test_an_error_ending_a_batch_is_its_own_line(tiny_model: Path, tmp_path: Path) -> None:
    lines = write_batch(tmp_path / "lines.jsonl", 2)
    huge = tmp_path / "huge.jsonl"
    huge.write_bytes(lines.read_bytes() + b'{"text": "' + b"x" * 5_000_000 + b'"}\n')

    result = batch(tiny_model, huge)

    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: Line 3 of")
    assert "4 MB" in last
    assert "2 of 3 lines done" not in last  # the summary came before, on its own line


def test_removing_the_model_a_batch_uses_lets_the_batch_finish(
    slow_model: Path, tmp_path: Path, hearth_home: Path
) -> None:
    added = hearth("models", "import", str(slow_model), "--json")
    assert added.returncode == 0, added.stderr
    model = Path(json.loads(added.stdout)["model"]["path"])  # Hearth's copy: remove deletes it
    lines = write_batch(tmp_path / "lines.jsonl", 6)
    proc = subprocess.Popen(
        [*hearth_command(), "run", "classify", "--model", str(model), "--labels", LABELS,
         "--batch", str(lines)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()
    removed = hearth("models", "remove", json.loads(added.stdout)["id"])
    rest, err = proc.communicate(timeout=300)

    assert removed.returncode == 0, removed.stderr
    assert not model.exists()
    assert proc.returncode == 0, err
    assert [r["line"] for r in results(first + rest)] == list(range(1, 7))
