"""The extraction grammar is bounded, so a model that loops still ends with complete JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from llama_cpp.llama_grammar import json_schema_to_gbnf

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions
from hearth.core.errors import InputTooLong
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.grammar_bounds import (
    DEFAULT_ITEMS,
    DEFAULT_STRING_CHARS,
    MIN_STRING_CHARS,
    bounded,
    fit,
    worst_case_bytes,
)
from hearth.core.tasks.schemas import BUILT_IN
from hearth.core.tasks.task import TaskSink

# Nothing in it bounds a length: a looping model could write forever without the bounds.
OPEN = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "anything": {},
        "extra": {"type": "object", "additionalProperties": {"type": "string"}},
        "either": {"type": ["string", "null"]},
    },
    "required": ["name", "notes", "anything", "extra", "either"],
}


def _pattern_limit(node: dict[str, Any]) -> int:
    return int(node["pattern"].rsplit(",", 1)[1].split("}")[0])


def test_every_string_and_array_of_an_open_schema_gets_a_bound() -> None:
    grammar = bounded(OPEN)
    props = grammar["properties"]
    assert _pattern_limit(props["name"]) == DEFAULT_STRING_CHARS
    assert props["notes"]["maxItems"] == DEFAULT_ITEMS
    assert _pattern_limit(props["notes"]["items"]) == DEFAULT_STRING_CHARS
    assert {b["type"] for b in props["anything"]["anyOf"]} == {
        "string",
        "number",
        "boolean",
        "null",
    }
    assert props["extra"]["additionalProperties"] is False
    assert grammar["additionalProperties"] is False
    assert [b["type"] for b in props["either"]["anyOf"]] == ["string", "null"]
    assert worst_case_bytes(grammar) < 25_000  # finite: 20 notes of 200 characters dominate
    json_schema_to_gbnf(json.dumps(grammar))  # the converter takes it


def test_the_users_own_bounds_are_kept_when_they_fit() -> None:
    schema = {"type": "object", "properties": {"code": {"type": "string", "maxLength": 7}}}
    grammar, worst = fit(schema, 2000) or ({}, 0)
    assert _pattern_limit(grammar["properties"]["code"]) == 7
    # {"code": "…7 characters of up to 4 bytes…"} and the optional spaces
    assert worst == worst_case_bytes(grammar) <= 60


def test_a_small_room_shrinks_lengths_and_items_but_not_below_the_minimums() -> None:
    grammar, worst = fit(BUILT_IN["action-items"], 1500) or ({}, 0)
    assert worst <= 1500
    items = grammar["properties"]["items"]
    assert 1 <= items["maxItems"] < 50
    assert _pattern_limit(items["items"]["properties"]["due"]) >= MIN_STRING_CHARS
    schema = {"type": "string", "minLength": 30, "maxLength": 400}
    grammar, _ = fit(schema, 200) or ({}, 0)
    assert grammar["pattern"].endswith("{30,49}$")


def test_a_schema_that_cannot_fit_or_cannot_be_bounded_is_said_so() -> None:
    with pytest.raises(ValueError, match="more than 50 tokens"):
        fit(BUILT_IN["contact"], 50)
    patterned = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^a+$"}}}
    assert fit(patterned, 2000) is None
    recursive = {
        "$defs": {"node": {"type": "object", "properties": {"kids": {"$ref": "#/$defs/node"}}}},
        "$ref": "#/$defs/node",
    }
    assert fit(recursive, 2000) is None


@pytest.fixture
def engine(hearth_home: Path, tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=2048, seed=3))
    yield client
    client.close()


# The other built-in schemas run in test_tasks_on_engine.
@pytest.mark.parametrize("name", ["open", "action-items"])
def test_a_random_weight_model_always_ends_with_complete_json(
    engine: EngineClient, name: str
) -> None:
    """Gibberish weights loop and never choose to stop: only the bounds end the answer."""
    schema = OPEN if name == "open" else BUILT_IN[name]
    text = "Ravi Patel, ravi@example.net, 12 Long Road, Leeds. " * 4
    result = Extract().run(text, {"schema": schema}, engine, TaskSink())  # no "cut off"
    assert result.finish_reason == "stop"
    assert isinstance(result.output, dict)
    for error in jsonschema.Draft202012Validator(schema).iter_errors(result.output):
        # See test_tasks_on_engine.assert_matches: invalid UTF-8 from random weights only.
        assert error.validator == "maxLength", error.message
        assert "\ufffd" in error.instance


def test_no_room_in_the_context_is_a_clear_error(hearth_home: Path, tiny_model: Path) -> None:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=512, seed=3))
    try:
        with pytest.raises(InputTooLong, match="too long to leave room"):
            Extract().run("word " * 300, {"schema": "invoice"}, client, TaskSink())
    finally:
        client.close()
