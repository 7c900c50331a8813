"""Every task through the Python API, on a real engine host and generated models."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions
from hearth.core.errors import InputTooLong, UsageError
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.labels import parse_labels
from hearth.core.tasks.rewrite import STYLES as REWRITE_STYLES
from hearth.core.tasks.schemas import BUILT_IN
from hearth.core.tasks.summarize import STYLES as SUMMARY_STYLES
from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import TaskSink

TEXT = (
    "The library opens at nine on weekdays. Members can borrow up to ten books for three "
    "weeks. Late returns cost 20 cents a day; see https://example.org/rules for details."
)


@pytest.fixture
def engine(hearth_home: Path, tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=2048, seed=3))
    yield client
    client.close()


@pytest.mark.parametrize("style", list(SUMMARY_STYLES))
def test_summarize_every_style(engine: EngineClient, style: str) -> None:
    pieces: list[str] = []
    result = task_catalog()["summarize"].run(
        TEXT, {"style": style}, engine, TaskSink(on_text=pieces.append)
    )
    assert pieces, "the summary streams"
    assert isinstance(result.output, str)
    assert result.details["style"] == style
    assert result.confidence is not None
    assert 0.0 <= result.confidence <= 1.0
    assert result.usage.output_tokens >= 1


def test_shaped_summaries_obey_their_grammar(engine: EngineClient) -> None:
    """The gibberish model still can only produce the promised shape."""
    bullets = Summarize().run(TEXT, {"style": "key-points"}, engine, TaskSink())
    table = Summarize().run(TEXT, {"style": "table"}, engine, TaskSink())
    lines = [line for line in bullets.output.splitlines() if line]
    assert lines
    if bullets.finish_reason == "stop":
        assert all(line.startswith("- ") for line in lines)
    rows = table.output.splitlines()
    assert rows[0].startswith("|")
    if table.finish_reason == "stop":
        assert set(rows[1]) <= set("|-")


def test_long_text_is_summarized_in_parts_not_truncated(
    hearth_home: Path, tiny_model: Path
) -> None:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=1024, seed=3))
    progress: list[str] = []
    paragraphs = [f"Paragraph {i}. " + "Words about the topic keep going. " * 12 for i in range(20)]
    long_text = "\n\n".join(paragraphs)
    try:
        assert client.count_tokens([long_text])[0] > 1024
        # Random weights ramble in bytes that re-tokenize longer: keep their part summaries
        # short so the rounds converge as a real model's do.
        result = Summarize(part_share=0.05).run(
            long_text, {"style": "summary"}, client, TaskSink(on_progress=progress.append)
        )
    finally:
        client.close()
    assert result.details["parts"] >= 2
    assert any("part 1 of" in p for p in progress)
    assert progress[-1] == "Combining the parts"
    assert result.usage.calls >= result.details["parts"] + 1


@pytest.mark.parametrize("style", list(REWRITE_STYLES))
def test_rewrite_every_style(engine: EngineClient, style: str) -> None:
    result = task_catalog()["rewrite"].run(TEXT, {"style": style}, engine, TaskSink())
    assert isinstance(result.output, str)
    assert result.details["style"] == style
    assert isinstance(result.details["protected_ok"], bool)
    # The gibberish model cannot keep the URL and numbers: that must be reported.
    if not result.details["protected_ok"]:
        assert result.details["warnings"]
        kinds = {m["kind"] for m in result.details["protected_missing"]}
        assert kinds <= {"URL", "number", "quotation", "code block", "inline code"}
    if style == "proofread":
        assert isinstance(result.details["changes"], list)


def test_rewrite_custom_instruction_and_refinement(engine: EngineClient) -> None:
    rewrite = task_catalog()["rewrite"]
    first = rewrite.run(TEXT, {"instruction": "Make it rhyme."}, engine, TaskSink())
    assert first.details["style"] == "custom"
    refined = rewrite.run(
        TEXT,
        {"style": "friendly", "previous": first.output, "follow_up": "Shorter."},
        engine,
        TaskSink(),
    )
    assert isinstance(refined.output, str)
    with pytest.raises(UsageError, match="instruction"):
        rewrite.run(TEXT, {"style": "custom"}, engine, TaskSink())
    with pytest.raises(UsageError, match="both"):
        rewrite.run(TEXT, {"previous": "x"}, engine, TaskSink())


def test_classify_scores_exactly_the_labels(engine: EngineClient) -> None:
    labels = ["billing", "bug report", "praise"]
    result = Classify().run(TEXT, {"labels": labels}, engine, TaskSink())
    probs = result.details["labels"]
    raw = result.details["raw_labels"]
    assert list(probs) == labels
    assert list(raw) == labels
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
    assert sum(raw.values()) == pytest.approx(1.0, abs=1e-5)
    assert result.output == max(probs, key=probs.get)  # type: ignore[arg-type]
    top, second = sorted(probs.values(), reverse=True)[:2]
    assert result.confidence == pytest.approx(top - second, abs=1e-5)
    assert result.details["calibrated"] is False  # the default: none (docs/quality.md)
    assert result.details["calibration"] == "none"
    assert 0.0 < result.details["label_mass"] <= 1.0
    assert result.usage.output_tokens == 0, "scored, not generated"


def test_second_classification_reuses_the_label_prefix(engine: EngineClient) -> None:
    classify = Classify()
    labels = [
        {
            "name": "urgent",
            "description": "needs an answer today",
            "examples": ["The server is down!"],
        },
        "routine",
        "spam",
    ]
    options = {"labels": labels, "calibrate": "contextual"}
    first = classify.run("Please reset my password.", options, engine, TaskSink())
    second = classify.run("Win a free cruise now", options, engine, TaskSink())
    # The first run also measured the calibration; the second reuses it: one call only.
    assert first.usage.calls == 3
    assert second.usage.calls == 1
    # The default (no calibration, docs/quality.md) scores the text alone.
    assert (
        classify.run("Where is my parcel?", {"labels": labels}, engine, TaskSink()).usage.calls == 1
    )
    system = classify.build_request("", parse_labels(labels)).messages[0].content
    assert second.usage.cached_prompt_tokens >= engine.count_tokens([system])[0]
    assert second.usage.cached_prompt_tokens < second.usage.prompt_tokens


def test_calibration_can_be_turned_off(engine: EngineClient) -> None:
    result = Classify().run(TEXT, {"labels": "a,b", "calibrate": "off"}, engine, TaskSink())
    assert result.details["calibrated"] is False
    assert result.details["labels"] == result.details["raw_labels"]
    assert result.usage.calls == 1


@pytest.mark.parametrize("labels", [["only"], ["a", "A"], "x,,", []])
def test_bad_label_sets_are_refused(engine: EngineClient, labels: Any) -> None:
    with pytest.raises(UsageError):
        Classify().run(TEXT, {"labels": labels}, engine, TaskSink())


def assert_matches(output: Any, schema: dict[str, Any], violations: list[str]) -> None:
    """Valid against the schema, except what random weights cause and the task reports.

    A random-weight model emits invalid UTF-8 byte sequences; llama.cpp's grammar counts a
    partial sequence as one character, the decoded text as several U+FFFD. So only a string
    holding U+FFFD may break its maxLength, and then the violation must be reported. Real
    models write valid UTF-8. A random model may also write a number too large for a float
    (1e999): the task makes it null, and the schema's type check reports that.
    """
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(output))
    assert len(errors) == len(violations)
    for error in errors:
        if error.validator == "type":
            assert error.instance is None, error.message
            continue
        assert error.validator == "maxLength", error.message
        assert "\ufffd" in error.instance


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_extract_builtin_schemas_parse_and_validate(engine: EngineClient, name: str) -> None:
    result = Extract().run(TEXT, {"schema": name}, engine, TaskSink())
    assert_matches(result.output, BUILT_IN[name], result.details["violations"])
    assert result.details["valid"] is (not result.details["violations"])
    assert json.loads(result.details["json"], strict=False) == result.output


def _random_schema(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    kinds = ["string", "integer", "number", "boolean", "enum", "array"]
    if depth < 2:
        kinds.append("object")
    kind = rng.choice(kinds)
    if kind == "string":
        return {"type": "string", "maxLength": rng.randint(1, 12)}
    if kind == "enum":
        return {"enum": rng.sample(["red", "green", "blue", "amber", "violet"], rng.randint(1, 4))}
    if kind == "array":
        return {
            "type": "array",
            "items": _random_schema(rng, depth + 1),
            "maxItems": rng.randint(0, 3),
        }
    if kind == "object":
        names = rng.sample(["id", "name", "size", "tags", "when", "ok", "note"], rng.randint(1, 4))
        props = {n: _random_schema(rng, depth + 1) for n in names}
        required = [n for n in names if rng.random() < 0.7]
        return {
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }
    return {"type": kind}


def test_extract_output_always_matches_random_schemas(engine: EngineClient) -> None:
    rng = random.Random(1234)
    extract = Extract()
    for _ in range(25):
        schema = {
            "type": "object",
            "properties": {"value": _random_schema(rng)},
            "required": ["value"],
            "additionalProperties": False,
        }
        text = " ".join(
            rng.choice(["alpha", "beta", "7", "42.5", "yes", "Oslo"])
            for _ in range(rng.randint(3, 30))
        )
        result = extract.run(text, {"schema": schema}, engine, TaskSink())
        assert_matches(result.output, schema, result.details["violations"])


@pytest.mark.parametrize(
    ("schema", "match"),
    [
        ({"type": "frobnicate"}, "invalid"),
        ({"type": "object", "not": {"required": ["a"]}}, "not"),
        (
            {"type": "object", "properties": {"a": {"type": "string", "uniqueItems": True}}},
            "uniqueItems",
        ),
        ({"$ref": "https://example.org/schema.json"}, "local references"),
    ],
)
def test_schemas_that_cannot_be_enforced_are_refused(
    engine: EngineClient, schema: dict[str, Any], match: str
) -> None:
    with pytest.raises(UsageError, match=match):
        Extract().run(TEXT, {"schema": schema}, engine, TaskSink())


@pytest.mark.parametrize("task", ["summarize", "rewrite", "classify", "extract"])
@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\x02binary\x00" * 20])
def test_empty_or_binary_input_is_refused(engine: EngineClient, task: str, text: str) -> None:
    with pytest.raises(UsageError):
        task_catalog()[task].run(text, {"labels": "a,b"}, engine, TaskSink())


@pytest.mark.parametrize("task", ["classify", "extract"])
def test_input_beyond_the_context_is_a_clear_error(engine: EngineClient, task: str) -> None:
    huge = "word " * 5000
    with pytest.raises(InputTooLong, match="too long"):
        task_catalog()[task].run(huge, {"labels": "a,b"}, engine, TaskSink())
