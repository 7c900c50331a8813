"""Every task and style through `hearth run`, as a real subprocess; batch mode; bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import assert_clean_error, hearth

TEXT = "Dear team, the invoice 4471 for 1,250 EUR is due on 3 March. Call Ana on 555-0199."


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def run_json(*args: str) -> dict:
    result = hearth("run", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("task", "style"),
    [("summarize", s) for s in ("summary", "key-points", "list", "table")]
    + [("rewrite", s) for s in ("proofread", "friendly", "professional", "concise")],
)
def test_generative_tasks_and_styles(
    task: str, style: str, tiny_model: Path, text_file: Path
) -> None:
    data = run_json(task, "--model", str(tiny_model), "--input", str(text_file), "--style", style)
    assert data["task"] == task
    assert data["style"] == style
    assert isinstance(data["output"], str)
    assert data["route"] == "local"
    assert 0.0 <= data["confidence"] <= 1.0
    assert data["timings"]["output_tokens"] >= 1
    if style == "proofread":
        assert isinstance(data["changes"], list)
    if task == "rewrite":
        assert isinstance(data["protected_ok"], bool)


def test_rewrite_custom_instruction(tiny_model: Path, text_file: Path) -> None:
    data = run_json(
        "rewrite",
        "--model",
        str(tiny_model),
        "--input",
        str(text_file),
        "--instruction",
        "Translate to French.",
    )
    assert data["style"] == "custom"


def test_classify_json(tiny_model: Path, text_file: Path) -> None:
    data = run_json(
        "classify",
        "--model",
        str(tiny_model),
        "--input",
        str(text_file),
        "--labels",
        "finance,personal,spam",
    )
    assert set(data["labels"]) == {"finance", "personal", "spam"}
    assert sum(data["labels"].values()) == pytest.approx(1.0, abs=1e-5)
    assert data["label"] in data["labels"]
    assert data["output"] == data["label"]
    assert set(data["raw_labels"]) == set(data["labels"])
    assert 0.0 <= data["confidence"] <= 1.0


def test_classify_labels_file_with_descriptions(
    tiny_model: Path, text_file: Path, tmp_path: Path
) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps(
            [
                {"name": "invoice", "description": "asks for payment", "examples": ["Pay 10 EUR"]},
                {"name": "chat", "description": "small talk"},
            ]
        )
    )
    data = run_json(
        "classify",
        "--model",
        str(tiny_model),
        "--input",
        str(text_file),
        "--labels-file",
        str(labels),
    )
    assert set(data["labels"]) == {"invoice", "chat"}


@pytest.mark.parametrize("schema", ["contact", "invoice", "event", "action-items"])
def test_extract_builtin_schema(schema: str, tiny_model: Path, text_file: Path) -> None:
    data = run_json(
        "extract", "--model", str(tiny_model), "--input", str(text_file), "--schema", schema
    )
    assert isinstance(data["output"], dict)
    assert isinstance(data["violations"], list)
    assert data["valid"] is (data["violations"] == [])


def test_extract_schema_file(tiny_model: Path, text_file: Path, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {"amount": {"type": "number"}, "currency": {"enum": ["EUR", "USD"]}},
                "required": ["amount", "currency"],
                "additionalProperties": False,
            }
        )
    )
    data = run_json(
        "extract", "--model", str(tiny_model), "--input", str(text_file), "--schema", str(schema)
    )
    assert set(data["output"]) == {"amount", "currency"}
    assert data["output"]["currency"] in ("EUR", "USD")
    assert data["valid"] is True


def test_classify_batch_streams_one_result_per_line(tiny_model: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"text": "Refund my order please"}),
                json.dumps({"text": "Great service, thanks!"}),
                "this line is not json",
                json.dumps({"text": ""}),
                json.dumps({"wrong": "key"}),
                json.dumps({"text": "Where is my parcel?"}),
            ]
        )
        + "\n"
    )
    result = hearth(
        "run",
        "classify",
        "--model",
        str(tiny_model),
        "--labels",
        "refund,praise,question",
        "--batch",
        str(batch),
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    good = [r for r in records if "error" not in r]
    bad = [r for r in records if "error" in r]
    assert [r["line"] for r in bad] == [3, 4, 5]
    assert "not a JSON object" in bad[0]["error"]
    assert "empty" in bad[1]["error"]
    assert '"text"' in bad[2]["error"]
    for record in good:
        assert sum(record["labels"].values()) == pytest.approx(1.0, abs=1e-5)
    # One engine session: after the first line, the label prefix comes from the KV cache.
    # The default calibration is none (docs/quality.md): one scoring call a line, the first
    # included; contextual calibration adds its two content-free calls once.
    assert all(r["timings"]["engine_calls"] == 1 for r in good)
    assert all(r["timings"]["cached_prompt_tokens"] > 50 for r in good[1:])
    assert "3 of 6 lines done, 3 failed" in result.stderr
    assert "6/6" in result.stderr  # the progress bar reached the end


def test_extract_batch(tiny_model: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"text": "Ana Li, ana@example.org"})
        + "\n"
        + json.dumps({"text": "Bo, +1 555 0100"})
        + "\n"
    )
    result = hearth(
        "run", "extract", "--model", str(tiny_model), "--schema", "contact", "--batch", str(batch)
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [isinstance(r["output"], dict) for r in records] == [True, True]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["classify", "--labels", "only"], "at least 2"),
        (["classify", "--labels", "a,b,A"], "twice"),
        (["classify"], "needs labels"),
        (["extract", "--schema", "no-such-schema"], "neither a built-in"),
        (["rewrite", "--style", "poetic"], "poetic"),
        (["rewrite", "--style", "custom"], "instruction"),
        (["summarize", "--batch", "x.jsonl"], "--batch works with"),
    ],
)
def test_bad_task_options_exit_2(
    args: list[str], needle: str, tiny_model: Path, text_file: Path
) -> None:
    result = hearth("run", *args, "--model", str(tiny_model), "--input", str(text_file))
    assert_clean_error(result, 2, needle)


def test_invalid_and_unenforceable_schemas_exit_2(
    tiny_model: Path, text_file: Path, tmp_path: Path
) -> None:
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"type": 12}))
    unenforceable = tmp_path / "unenforceable.json"
    unenforceable.write_text(json.dumps({"type": "object", "patternProperties": {"^x": {}}}))
    for path, needle in ((invalid, "invalid"), (unenforceable, "patternProperties")):
        result = hearth(
            "run",
            "extract",
            "--model",
            str(tiny_model),
            "--input",
            str(text_file),
            "--schema",
            str(path),
        )
        assert_clean_error(result, 2, needle)


def test_binary_input_exit_2(tiny_model: Path, tmp_path: Path) -> None:
    junk = tmp_path / "photo.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    result = hearth("run", "summarize", "--model", str(tiny_model), "--input", str(junk))
    assert_clean_error(result, 2, "binary")


def test_text_beyond_the_context_exit_2_for_classify(tiny_model: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 6000)
    result = hearth(
        "run", "classify", "--model", str(tiny_model), "--input", str(big), "--labels", "a,b"
    )
    assert_clean_error(result, 2, "too long")
