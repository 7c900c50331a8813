"""JSON Schemas for extraction: the built-in ones, and checks of a user's schema.

A schema is checked twice before any decoding: that it is a valid JSON Schema at all, and
that every keyword in it is one llama.cpp's grammar converter understands. A keyword it does
not know is refused by name, rather than letting decoding silently fall back to free-form JSON.

The converter (llama-cpp-python 0.3.x) shapes the structure (types, properties, required,
enum, const, arrays, lengths, patterns, date/time/uuid formats) but only approximates some
value constraints: minimum/maximum, other formats, `oneOf` (as `anyOf`), `allOf` (merged
properties). Those are accepted and checked after decoding by `violations`, which the extract
result reports, rather than refusing the many ordinary schemas that use them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth.core.errors import UsageError

_STR = {"type": "string", "maxLength": 200}
_DATE = {"type": "string", "maxLength": 40, "description": "as written, or ISO 8601"}

BUILT_IN: dict[str, dict[str, Any]] = {
    "contact": {
        "type": "object",
        "properties": {
            "name": _STR,
            "organization": _STR,
            "email": _STR,
            "phone": _STR,
            "address": {"type": "string", "maxLength": 300},
        },
        "required": ["name"],
        "additionalProperties": False,
    },
    "invoice": {
        "type": "object",
        "properties": {
            "invoice_number": _STR,
            "issuer": _STR,
            "recipient": _STR,
            "date": _DATE,
            "due_date": _DATE,
            "currency": {"type": "string", "maxLength": 8},
            "total": {"type": "number"},
            "items": {
                "type": "array",
                "maxItems": 50,
                "items": {
                    "type": "object",
                    "properties": {
                        "description": _STR,
                        "quantity": {"type": "number"},
                        "amount": {"type": "number"},
                    },
                    "required": ["description", "amount"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["total"],
        "additionalProperties": False,
    },
    "event": {
        "type": "object",
        "properties": {
            "title": _STR,
            "date": _DATE,
            "start_time": {"type": "string", "maxLength": 20},
            "end_time": {"type": "string", "maxLength": 20},
            "location": _STR,
            "participants": {"type": "array", "maxItems": 50, "items": _STR},
        },
        "required": ["title"],
        "additionalProperties": False,
    },
    "action-items": {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "maxItems": 50,
                "items": {
                    "type": "object",
                    "properties": {
                        "task": {"type": "string", "maxLength": 300},
                        "owner": _STR,
                        "due": _DATE,
                    },
                    "required": ["task"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["items"],
        "additionalProperties": False,
    },
}

# What llama.cpp's json_schema_to_gbnf understands (0.3.x; see the module docstring for what
# it only approximates), plus annotations that need no enforcement.
ENFORCED = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "$defs",
    "definitions",
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
}
ANNOTATIONS = {
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
}
# Keys whose value is a map of names to schemas (the names are not keywords).
_SCHEMA_MAPS = {"properties", "$defs", "definitions"}
_SCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems", "items"}  # items: draft 7 tuples


def load_schema(spec: str) -> dict[str, Any]:
    """A built-in schema by name, or a schema from a JSON file."""
    if spec in BUILT_IN:
        return BUILT_IN[spec]
    path = Path(spec)
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"Schema {spec} is neither a built-in schema ({', '.join(BUILT_IN)}) nor a file."
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"Cannot read the JSON Schema in {path}: {exc}") from None
    check_schema(schema)
    return schema  # type: ignore[no-any-return]


def check_schema(schema: Any) -> None:
    import jsonschema  # a fifth of a second to import: only when a schema is used

    if not isinstance(schema, dict):
        kind = "null" if schema is None else type(schema).__name__
        raise UsageError(f"The JSON Schema is invalid: it must be a JSON object, not a {kind}.")
    try:
        validator = jsonschema.validators.validator_for(schema)
        validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise UsageError(f"The JSON Schema is invalid: {exc.message}") from None
    unsupported = sorted(_unsupported_keywords(schema))
    if unsupported:
        raise UsageError(
            "These JSON Schema keywords cannot be enforced while decoding, so the output could "
            f"not be guaranteed to match: {', '.join(unsupported)}. Remove them, or express "
            "them with type, properties, required, enum, anyOf, items or pattern."
        )
    ref_problem = _external_refs(schema)
    if ref_problem:
        raise UsageError(f"Only local references (#/...) are supported; found {ref_problem}.")


def _unsupported_keywords(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, bool) or not isinstance(schema, Mapping):
        return found
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            for sub in value.values():
                found |= _unsupported_keywords(sub)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for sub in value:
                found |= _unsupported_keywords(sub)
        elif key in ("items", "additionalProperties") and isinstance(value, Mapping):
            found |= _unsupported_keywords(value)
        elif key not in ENFORCED and key not in ANNOTATIONS:
            found.add(key)
    return found


def _external_refs(schema: Any) -> str | None:
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return ref
        for value in schema.values():
            found = _external_refs(value)
            if found:
                return found
    elif isinstance(schema, list):
        for value in schema:
            found = _external_refs(value)
            if found:
                return found
    return None


def violations(instance: Any, schema: Mapping[str, Any]) -> list[str]:
    """Where `instance` breaks `schema`, in words; empty when it is valid."""
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {_short_message(error)}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    ]


QUOTE_LIMIT = 60  # characters of an offending value quoted in a violation


def _short_message(error: Any) -> str:
    """jsonschema quotes the whole offending value; a long one is cut, so a message stays
    readable (a 2,000-character field that is "too long" need not be repeated in full)."""
    quoted = repr(error.instance)
    if len(quoted) <= QUOTE_LIMIT or quoted not in error.message:
        return str(error.message)
    return str(error.message).replace(quoted, quoted[: QUOTE_LIMIT - 1] + "…", 1)
