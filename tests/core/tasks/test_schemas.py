"""JSON Schemas for extraction: the built-in ones, checking a user's schema, and violations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hearth.core.errors import UsageError
from hearth.core.tasks.schemas import BUILT_IN, check_schema, load_schema, violations

# -- built-in schemas --------------------------------------------------------------------------


def test_the_documented_built_in_schemas_exist() -> None:
    assert set(BUILT_IN) == {"contact", "invoice", "event", "action-items"}


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_every_built_in_schema_is_valid_draft_2020_12_and_passes_the_check(name: str) -> None:
    schema = BUILT_IN[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator
    check_schema(schema)


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_a_built_in_schema_loads_by_name(name: str) -> None:
    assert load_schema(name) == BUILT_IN[name]


@pytest.mark.parametrize("name", list(BUILT_IN))
def test_every_built_in_schema_is_a_closed_object(name: str) -> None:
    schema = BUILT_IN[name]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) <= set(schema["properties"])


# -- invalid schemas ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "frobnicate"},
        {"properties": 3},
        {"required": "name"},
        {"type": "object", "properties": {"a": {"type": "strng"}}},
        {"type": "array", "items": {"minItems": -1}},
        [],
        [{"type": "string"}],
        "object",
        3,
        None,
    ],
)
def test_an_invalid_schema_is_a_usage_error(schema: Any) -> None:
    with pytest.raises(UsageError, match="invalid"):
        check_schema(schema)


def test_a_non_object_schema_says_what_it_got() -> None:
    with pytest.raises(UsageError, match="not a list"):
        check_schema([])


# -- keywords the grammar cannot enforce -------------------------------------------------------

UNSUPPORTED: dict[str, dict[str, Any]] = {
    "not": {"not": {"type": "string"}},
    "if": {"if": {"type": "string"}, "then": {"minLength": 1}, "else": {"type": "number"}},
    "patternProperties": {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
    "uniqueItems": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    "multipleOf": {"type": "number", "multipleOf": 5},
    "dependentRequired": {"type": "object", "dependentRequired": {"a": ["b"]}},
    "contains": {"type": "array", "contains": {"type": "string"}},
    "propertyNames": {"type": "object", "propertyNames": {"maxLength": 3}},
    "unevaluatedProperties": {"type": "object", "unevaluatedProperties": False},
    "minProperties": {"type": "object", "minProperties": 1},
}


def nestings(inner: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`inner` placed at the top, and deep inside each kind of subschema."""
    return {
        "top": inner,
        "property": {"type": "object", "properties": {"a": inner}},
        "items": {"type": "array", "items": inner},
        "deep": {
            "type": "object",
            "properties": {
                "a": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"b": {"anyOf": [{"type": "null"}, inner]}},
                    },
                }
            },
        },
        "oneOf": {"oneOf": [{"type": "string"}, inner]},
        "allOf": {"allOf": [inner]},
        "prefixItems": {"type": "array", "prefixItems": [{"type": "string"}, inner]},
        "additionalProperties": {"type": "object", "additionalProperties": inner},
        "$defs": {"$defs": {"x": inner}, "$ref": "#/$defs/x"},
    }


@pytest.mark.parametrize("where", list(nestings({})))
@pytest.mark.parametrize("keyword", list(UNSUPPORTED))
def test_an_unsupported_keyword_is_refused_by_name_wherever_it_is(keyword: str, where: str) -> None:
    schema = nestings(UNSUPPORTED[keyword])[where]
    jsonschema.Draft202012Validator.check_schema(schema)  # valid: refused only for decoding
    with pytest.raises(UsageError, match="cannot be enforced") as caught:
        check_schema(schema)
    assert keyword in caught.value.message


def test_if_then_else_are_each_named() -> None:
    with pytest.raises(UsageError) as caught:
        check_schema(UNSUPPORTED["if"])
    assert "else, if, then" in caught.value.message


def test_several_unsupported_keywords_are_all_named() -> None:
    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "count": {"type": "integer", "multipleOf": 2},
        },
        "not": {"required": ["x"]},
    }
    with pytest.raises(UsageError) as caught:
        check_schema(schema)
    for keyword in ("uniqueItems", "multipleOf", "not"):
        assert keyword in caught.value.message


def test_a_draft_7_tuple_of_items_is_searched_too() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "array",
        "items": [{"type": "string"}, {"type": "number", "multipleOf": 3}],
    }
    with pytest.raises(UsageError, match="multipleOf"):
        check_schema(schema)


def test_property_names_that_look_like_keywords_are_not_flagged() -> None:
    schema = {
        "type": "object",
        "properties": {
            "not": {"type": "string"},
            "if": {"type": "integer"},
            "then": {"type": "boolean"},
            "uniqueItems": {"type": "array", "items": {"type": "string"}},
            "patternProperties": {
                "type": "object",
                "properties": {"multipleOf": {"type": "number"}},
            },
        },
        "required": ["not", "if", "uniqueItems"],
        "additionalProperties": False,
        "$defs": {"not": {"type": "string"}},
    }
    check_schema(schema)


def test_values_of_enum_const_default_and_examples_are_data_not_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {
            "rule": {"enum": [{"not": 1}, {"if": "x"}]},
            "fixed": {"const": {"uniqueItems": True}},
            "opt": {"type": "string", "default": "not", "examples": [{"multipleOf": 2}]},
        },
        "description": "uses not, if and uniqueItems in prose",
        "title": "T",
        "$comment": "fine",
    }
    check_schema(schema)


def test_the_supported_keywords_together_pass() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:example:order",
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
            "status": {"enum": ["open", "closed"]},
            "kind": {"const": "order"},
            "when": {"type": "string", "format": "date"},
            "note": {"type": ["string", "null"], "minLength": 1, "maxLength": 80},
            "lines": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": {"$ref": "#/$defs/line"},
            },
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "both": {"allOf": [{"type": "object", "properties": {"x": {"type": "string"}}}]},
        },
        "required": ["id", "lines"],
        "additionalProperties": False,
        "$defs": {
            "line": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string"},
                    "qty": {"type": "integer", "minimum": 1, "maximum": 99},
                },
                "required": ["sku"],
            }
        },
    }
    check_schema(schema)


# -- references --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "http://example.com/schemas/address.json",
        "https://example.com/schemas/address.json#/properties/city",
        "other.json#/x",
        "other.json",
        "file:///etc/passwd",
    ],
)
def test_external_references_are_refused(ref: str) -> None:
    schema = {"type": "object", "properties": {"home": {"$ref": ref}}}
    with pytest.raises(UsageError, match="local references") as caught:
        check_schema(schema)
    assert ref in caught.value.message


def test_an_external_reference_deep_in_a_list_is_found() -> None:
    schema = {"anyOf": [{"type": "null"}, {"items": {"$ref": "https://example.com/x.json"}}]}
    with pytest.raises(UsageError, match="local references"):
        check_schema(schema)


def test_local_references_are_accepted() -> None:
    schema = {
        "type": "object",
        "properties": {"home": {"$ref": "#/$defs/address"}, "work": {"$ref": "#/$defs/address"}},
        "$defs": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }
    check_schema(schema)


# -- loading -----------------------------------------------------------------------------------


def test_a_schema_loads_from_a_file(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"títol": {"type": "string"}}, "required": ["títol"]}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    assert load_schema(str(path)) == schema


def test_a_missing_file_names_the_built_in_choices(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(UsageError, match="neither a built-in schema") as caught:
        load_schema(str(missing))
    for name in BUILT_IN:
        assert name in caught.value.message


def test_a_misspelt_built_in_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="contact"):
        load_schema("contacts")


@pytest.mark.parametrize("content", ['{"type": "object",', "not json at all", "", "{'a': 1}"])
def test_a_file_of_invalid_json_is_a_usage_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match="Cannot read the JSON Schema") as caught:
        load_schema(str(path))
    assert str(path) in caught.value.message


def test_a_file_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"description": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8 text"):
        load_schema(str(path))


def test_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_schema(str(tmp_path))


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "frobnicate"}, "invalid"),
        ([1, 2], "invalid"),
        ({"type": "array", "uniqueItems": True}, "uniqueItems"),
        ({"$ref": "other.json#/x"}, "local references"),
    ],
)
def test_a_schema_file_is_checked(tmp_path: Path, schema: Any, message: str) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_schema(str(path))


# -- violations --------------------------------------------------------------------------------


def test_a_valid_instance_has_no_violations() -> None:
    contact = {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "555-1234"}
    assert violations(contact, BUILT_IN["contact"]) == []
    invoice = {
        "total": 12.5,
        "items": [{"description": "tea", "amount": 2.5}, {"description": "cake", "amount": 10}],
    }
    assert violations(invoice, BUILT_IN["invoice"]) == []
    assert violations({"items": []}, BUILT_IN["action-items"]) == []


def test_a_wrong_type_names_the_path() -> None:
    problems = violations({"name": 42}, BUILT_IN["contact"])
    assert problems == ["name: 42 is not of type 'string'"]


def test_a_missing_required_property_is_at_the_root() -> None:
    assert violations({"email": "a@b.c"}, BUILT_IN["contact"]) == [
        "(root): 'name' is a required property"
    ]


def test_an_extra_property_is_reported() -> None:
    (problem,) = violations({"name": "Ana", "age": 30}, BUILT_IN["contact"])
    assert problem.startswith("(root): ")
    assert "'age'" in problem
    assert "Additional properties" in problem


def test_nested_violations_have_full_paths_in_order() -> None:
    invoice = {
        "total": "twelve",
        "items": [
            {"description": "tea", "amount": 2.5},
            {"description": "cake", "amount": "10"},
            {"amount": 1},
        ],
    }
    problems = violations(invoice, BUILT_IN["invoice"])
    assert problems == [
        "items/1/amount: '10' is not of type 'number'",
        "items/2: 'description' is a required property",
        "total: 'twelve' is not of type 'number'",
    ]


def test_a_wrong_root_type_is_one_violation() -> None:
    assert violations(["not", "an", "object"], BUILT_IN["event"]) == [
        "(root): ['not', 'an', 'object'] is not of type 'object'"
    ]


def test_too_long_strings_and_too_many_items_are_violations() -> None:
    event = {"title": "x" * 201, "participants": ["p"] * 51}
    problems = violations(event, BUILT_IN["event"])
    assert len(problems) == 2
    assert problems[0].startswith("participants: ")
    assert problems[1].startswith("title: ")


def test_formats_are_checked() -> None:
    schema = {"type": "object", "properties": {"day": {"type": "string", "format": "date"}}}
    assert violations({"day": "2024-02-30"}, schema) != []
    assert violations({"day": "2024-02-29"}, schema) == []


def test_a_long_offending_value_is_cut_in_the_violation() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}
    [problem] = violations({"name": "x" * 2000}, schema)
    assert problem.startswith("name: 'xxxx")
    assert problem.endswith("… is too long")
    assert len(problem) < 120
    [short] = violations({"name": "abcdefg"}, schema)
    assert short == "name: 'abcdefg' is too long"  # short values are quoted whole
