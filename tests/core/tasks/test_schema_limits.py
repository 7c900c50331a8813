"""Extraction schemas that broke the engine or the interpreter (issue 18) are refused in one
line saying what is too big or wrong; a fuzz test holds the engine to never crashing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions
from hearth.core.errors import EngineCrashed, HearthError, UsageError
from hearth.core.files.bounded_read import InputTooLarge
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.schemas import check_schema, load_schema
from hearth.core.tasks.task import TaskSink


def nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def refusal(schema: Any) -> str:
    with pytest.raises(UsageError) as refused:
        check_schema(schema)
    message = refused.value.message
    assert "\n" not in message
    assert len(message) < 400
    return message


@pytest.mark.parametrize(
    ("schema", "says"),
    [
        ({"type": "object", "properties": {"a": {"enum": []}}}, "empty enum"),
        ({"enum": []}, "empty enum"),
        (nested(200), "nested too deeply"),
        (nested(1000), "nested too deeply"),
        ({"enum": list(range(100_000))}, "100000 values"),
        ({"type": "string", "description": "x" * 100_000}, "100000 characters"),
        ({"$ref": "#"}, "loop"),
        (
            {
                "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}},
                "$ref": "#/$defs/a",
            },
            "loop",
        ),
        ({"$ref": "#/$defs/nothing"}, "does not define"),
    ],
    ids=["empty-enum-inside", "empty-enum", "deep-200", "deep-1000", "enum-100k",
         "100kb-description", "ref-self", "ref-pair", "ref-missing"],
)  # fmt: skip
def test_a_schema_no_model_can_follow_is_refused_saying_what(schema: Any, says: str) -> None:
    assert says in refusal(schema)


def test_a_recursive_schema_that_consumes_something_is_accepted() -> None:
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            }
        },
        "$ref": "#/$defs/node",
    }
    check_schema(tree)


def test_a_schema_file_that_never_ends_is_refused_at_its_limit() -> None:
    with pytest.raises(InputTooLarge) as refused:
        load_schema("/dev/zero")
    assert "1 MB" in refused.value.message
    assert refused.value.exit_code == 2


def test_a_schema_file_nested_past_the_parser_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"type": "object", "properties": {"a": ' * 5000 + "{}" + "}}" * 5000)
    with pytest.raises(UsageError) as refused:
        load_schema(str(path))
    assert "nested too deeply" in refused.value.message


# -- fuzz: never a crash, every refusal one line ----------------------------------------------

_KEYWORDS = ["type", "properties", "items", "enum", "anyOf", "required", "maxLength",
             "pattern", "$ref", "$defs", "const", "frobnicate", "if", "minimum"]  # fmt: skip
_LEAF = st.one_of(
    st.just({"type": "string", "maxLength": 8}),
    st.just({"type": "integer"}),
    st.just({"type": "boolean"}),
    st.just({"enum": []}),
    st.builds(lambda n: {"enum": list(range(n))}, st.sampled_from([1, 3, 999, 1001, 5000])),
    st.just({"$ref": "#"}),
    st.just({"$ref": "#/$defs/x"}),
    st.builds(lambda k: {k: 1}, st.sampled_from(_KEYWORDS)),
)


def _object(children: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": children, "additionalProperties": False}


SCHEMAS = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.dictionaries(st.sampled_from("abc"), inner, min_size=1, max_size=3).map(_object),
        st.builds(lambda s: {"type": "array", "items": s, "maxItems": 2}, inner),
        st.builds(lambda xs: {"anyOf": xs}, st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=12,
) | st.integers(min_value=30, max_value=1200).map(nested)


@pytest.fixture(scope="module")
def engine(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=tmp_path_factory.mktemp("logs"))
    client.load(LoadOptions(str(tiny_model), context_size=1024, threads=1, seed=3))
    yield client
    client.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(schema=SCHEMAS)
def test_fuzzed_schemas_never_crash_the_engine(engine: EngineClient, schema: Any) -> None:
    pid = engine.pid
    refusal: str | None = None
    try:
        result = Extract().run("Ana paid 20 EUR.", {"schema": schema}, engine, TaskSink())
    except EngineCrashed as crash:
        pytest.fail(f"the engine crashed on {json.dumps(schema)[:300]}: {crash.message}")
    except HearthError as exc:
        refusal = exc.message
    if refusal is None:
        assert result.output is not None
    else:
        assert "\n" not in refusal, refusal
        assert "Traceback" not in refusal
    assert engine.pid == pid  # the same host answered: it never died
