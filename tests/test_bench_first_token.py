"""`python -m bench first-token` end to end on the tiny test model: the real `hearth` command
starts in a fresh process, its own warm-up loads the model, the window's Run action sends the
request, and the first token is painted in the answer pane. The figures are checked for shape
and order only; their size means nothing at this model's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def first_token(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", "first-token", *args],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_launch_to_first_token_is_measured_in_order_on_the_apps_own_preload(
    tiny_model: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "first-token.png"
    result = first_token(
        "--model",
        str(tiny_model),
        "--repeat",
        "1",
        "--tasks",
        "summarize",
        "--no-warm-launch",
        "--timeout",
        "60",
        "--screenshot",
        str(shot),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert report["model"] == str(tiny_model)
    assert report["text_words"] >= 100
    assert set(report["medians"]) == {"app/summarize/at-once", "app/summarize/after-typing"}
    runs = {run["variant"]: run for run in report["runs"]}
    assert set(runs) == {"at-once", "after-typing"}
    for variant, run in runs.items():
        assert "error" not in run, run
        marks = run["marks_ms"]
        # The app's own warm-up loaded the model, once: the request found it there.
        assert run["loads"] == 1, run
        assert run["load_calls"] >= 2, run
        assert 0 < marks["window_shown"] <= marks["submitted"], run
        assert marks["engine_host_spawn"] < marks["engine_host_ready"], run
        assert marks["engine_host_ready"] <= marks["engine_load_returned"], run
        assert marks["engine_load_returned"] <= marks["engine_prefill_started"], run
        assert marks["engine_prefill_started"] <= marks["engine_first_token"], run
        assert marks["engine_first_token"] <= marks["first_text_in_gui"], run
        assert marks["first_text_in_gui"] <= marks["first_token_painted"], run
        assert marks["first_token_painted"] == run["launch_to_first_token_ms"]
        assert 0 < run["submit_to_first_token_ms"] <= run["shown_to_first_token_ms"]
        assert run["shown_to_first_token_ms"] < run["launch_to_first_token_ms"]
        assert run["launch_to_shown_ms"] < run["launch_to_first_token_ms"]
        assert len(run["load_average_1m"]) == 2, variant
        assert run["prompt_tokens"] > 0, run
        assert all(step is not None and step >= 0 for step in run["breakdown_ms"].values()), run
    # At once: sent before the load was done, it waited for the warm-up's load.
    assert runs["at-once"]["loaded_before_submit"] is False
    # After typing: sent 1.5 s after the window was shown (the load may or may not be done
    # by then on a busy machine; either way it was the warm-up's, checked above).
    typing = runs["after-typing"]
    assert isinstance(typing["loaded_before_submit"], bool)
    assert typing["marks_ms"]["submitted"] - typing["marks_ms"]["window_shown"] >= 1500
    median = report["medians"]["app/summarize/at-once"]
    assert (median["runs"], median["failed"], median["reloads"]) == (1, 0, 0)
    assert median["launch_to_first_token_ms"] == runs["at-once"]["launch_to_first_token_ms"]
    assert shot.read_bytes().startswith(b"\x89PNG")
