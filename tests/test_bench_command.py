"""`hearth bench` end to end on the tiny test model: every figure present, each with its
baseline, ratio, target and verdict. The numbers themselves mean nothing at this size; the
real-shape model is for a person running `hearth bench`, never for CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_cli import hearth

CHECKOUT = Path(__file__).resolve().parent.parent


def bench(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


FIGURES = {
    "decode_tokens_per_s",
    "prompt_tokens_per_s",
    "ttft_ms",
    "ttft_overhead_ms",
    "ttft_pipe_overhead_ms",
    "classify_cold_ms",
    "classify_warm_ms",
    "classify_naive_prefix_cached_ms",
    "load_cold_ms",
    "load_warm_ms",
    "cancel_prefill_ms",
    "cancel_decode_ms",
    "read_bandwidth_1_thread_gb_s",
    "read_bandwidth_all_threads_gb_s",
    "bytes_per_token_mib",
    "decode_bound_tokens_per_s",
    "decode_share_of_bound",
    "gui_window_shown_ms",
    "gui_rss_mb",
    "gui_max_event_loop_gap_ms",
}
TARGETED = {
    "decode_tokens_per_s",
    "ttft_overhead_ms",
    "ttft_pipe_overhead_ms",
    "classify_warm_ms",
    "gui_window_shown_ms",
    "gui_rss_mb",
    "gui_max_event_loop_gap_ms",
}


def test_bench_json_has_every_figure_with_its_baseline_and_target(tiny_model: Path) -> None:
    result = bench("--json", "--quick", "--model", str(tiny_model), "--repeat", "1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model"]["name"] == "Hearth Test Tiny"
    assert report["settings"]["repeat"] == 1
    assert report["settings"]["threads"] >= 1
    figures = report["figures"]
    assert set(figures) == FIGURES
    for name, figure in figures.items():
        assert set(figure) == {"value", "unit", "baseline", "ratio", "target", "met", "note"}
        if name in TARGETED:
            assert isinstance(figure["met"], bool), name
            assert figure["target"], name
    for name in ("decode_tokens_per_s", "prompt_tokens_per_s", "ttft_ms", "classify_warm_ms"):
        assert figures[name]["value"] > 0
        assert figures[name]["baseline"] > 0
        assert figures[name]["ratio"] > 0
    assert figures["gui_rss_mb"]["value"] > 0
    assert figures["decode_bound_tokens_per_s"]["value"] > 0


def test_bench_refuses_a_missing_model_file(tmp_path: Path) -> None:
    result = bench("--model", str(tmp_path / "nope.gguf"), "--no-gui")
    assert result.returncode == 3
    assert result.stderr.startswith("error: no model file")
    assert "Traceback" not in result.stderr


def test_hearth_bench_points_to_the_checkout_and_imports_nothing_of_it() -> None:
    result = hearth("bench")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "python -m bench" in result.stderr
    source = (CHECKOUT / "app/hearth/cli/bench_command.py").read_text()
    assert "sys.path" not in source.replace("edits sys.path", "")
    assert "import bench" not in source
    assert "from bench" not in source
