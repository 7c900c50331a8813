"""`hearth run classify --batch FILE --parallel N`: chunks of N lines answered through one
batched scoring, one record a line of the same shape and answers as `--parallel 1`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.quantized_model import tiny_q4_model
from tests.test_cli import hearth

__all__ = ["tiny_q4_model"]  # the fixture

LINES = [
    json.dumps({"text": "Refund my order please"}),
    json.dumps({"text": "Great service, thanks!"}),
    "this line is not json",
    json.dumps({"text": "Where is my parcel?"}),
    json.dumps({"text": ""}),
    json.dumps({"text": "The app crashes on start"}),
    json.dumps({"text": "Refund my order please"}),
]


def run_batch(model: Path, batch: Path, parallel: int) -> list[dict]:
    result = hearth(
        "run",
        "classify",
        "--model",
        str(model),
        "--labels",
        "refund,praise,question,bug",
        "--batch",
        str(batch),
        "--parallel",
        str(parallel),
    )
    assert result.returncode == 0, result.stderr
    assert "5 of 7 lines done, 2 failed" in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_parallel_batches_answer_as_one_at_a_time(tiny_q4_model: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(LINES) + "\n")
    one = run_batch(tiny_q4_model, batch, 1)
    many = run_batch(tiny_q4_model, batch, 3)
    assert [r["line"] for r in many] == [r["line"] for r in one] == [1, 2, 3, 4, 5, 6, 7]
    for a, b in zip(one, many, strict=True):
        assert b.keys() == a.keys()
        if "error" in a:
            assert b["error"] == a["error"]
            continue
        assert b["output"] == a["output"]
        for name, p in a["labels"].items():
            assert b["labels"][name] == pytest.approx(p, abs=1e-3)
        assert b["timings"].keys() == a["timings"].keys()
