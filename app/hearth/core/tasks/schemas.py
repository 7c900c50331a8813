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
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hearth.core.errors import UsageError
from hearth.core.files.bounded_read import SCHEMA_LIMIT, read_text

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
    if not os.path.exists(path):
        raise UsageError(
            f"Schema {spec} is neither a built-in schema ({', '.join(BUILT_IN)}) nor a file."
        )
    text = read_text(path, SCHEMA_LIMIT)  # /dev/zero is not a schema: read at most 1 MB
    try:
        schema = json.loads(text)
    except RecursionError:
        raise UsageError(f"The JSON Schema in {path} is nested too deeply to read.") from None
    except ValueError as exc:
        raise UsageError(f"Cannot read the JSON Schema in {path}: {exc}") from None
    check_schema(schema)
    return schema  # type: ignore[no-any-return]


def check_schema(schema: Any) -> None:
    import jsonschema  # a fifth of a second to import: only when a schema is used

    if not isinstance(schema, dict):
        kind = "null" if schema is None else type(schema).__name__
        raise UsageError(f"The JSON Schema is invalid: it must be a JSON object, not a {kind}.")
    check_schema_size(schema)  # first: jsonschema itself recurses, and can run out of stack
    try:
        validator = jsonschema.validators.validator_for(schema)
        validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise UsageError(f"The JSON Schema is invalid: {_one_line(exc.message)}") from None
    except RecursionError:
        raise UsageError(f"The JSON Schema is nested too deeply (at most {MAX_DEPTH}).") from None
    unsupported = sorted(_unsupported_keywords(schema))
    if unsupported:
        raise UsageError(
            "These JSON Schema keywords cannot be enforced while decoding, so the output could "
            f"not be guaranteed to match: {', '.join(unsupported)}. Remove them, or express "
            "them with type, properties, required, enum, anyOf, items or pattern."
        )
    ref_problem = _external_refs(schema)
    if ref_problem:
        raise UsageError(
            f"Only local references (#/...) are supported; found {_one_line(ref_problem)}."
        )
    _check_local_refs(schema)


# What a model can be made to follow. Past these a schema breaks the engine's grammar
# converter or the interpreter's stack (an empty enum crashed the engine; 1,000 levels of
# nesting ran out of recursion), or makes a grammar too large to decode with.
MAX_DEPTH = 64  # levels of the JSON (an object and its "properties" are two)
MAX_ENUM = 1000
MAX_NODES = 5000
MAX_TEXT = 2000  # characters of one string in a schema (a description, a pattern, a value)


def check_schema_size(schema: Any) -> None:
    """Refuse, in one line naming what is too big, a schema no model can be held to.

    Iterative, so a schema nested thousands of levels deep is measured, not recursed into."""
    nodes = 0
    stack: list[tuple[Any, int, str]] = [(schema, 1, "#")]
    while stack:
        node, depth, where = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise UsageError(
                f"The JSON Schema is too large: more than {MAX_NODES} parts. Make it smaller."
            )
        if depth > MAX_DEPTH:
            raise UsageError(
                f"The JSON Schema is nested too deeply: more than {MAX_DEPTH} levels (at "
                f"{_one_line(where)[:80]}). Flatten it."
            )
        if isinstance(node, str) and len(node) > MAX_TEXT:
            raise UsageError(
                f"The JSON Schema holds a text of {len(node)} characters at {where[:80]}; at "
                f"most {MAX_TEXT} fit in a schema. Shorten it."
            )
        if isinstance(node, Mapping):
            enum = node.get("enum")
            if isinstance(enum, list) and not enum:
                raise UsageError(
                    f"The JSON Schema has an empty enum at {where[:80]}: no value could ever "
                    "match it. List the allowed values, or remove the enum."
                )
            if isinstance(enum, list) and len(enum) > MAX_ENUM:
                raise UsageError(
                    f"The JSON Schema's enum at {where[:80]} lists {len(enum)} values; at most "
                    f"{MAX_ENUM} can be enforced. Use a pattern or a plain string instead."
                )
            for key, value in node.items():
                if isinstance(key, str) and len(key) > MAX_TEXT:
                    raise UsageError(
                        f"The JSON Schema has a name of {len(key)} characters; at most "
                        f"{MAX_TEXT}. Shorten it."
                    )
                stack.append((value, depth + 1, f"{where}/{key}"))
        elif isinstance(node, list):
            stack.extend((value, depth + 1, f"{where}/{i}") for i, value in enumerate(node))


def _check_local_refs(schema: Mapping[str, Any]) -> None:
    """Every local $ref points at something, and none is a loop that consumes nothing
    ({"$ref": "#"}, or two definitions naming each other): a grammar for those never ends."""
    for node in _nodes(schema):
        if _reaches_itself(schema, node):
            raise UsageError(
                "The JSON Schema's $ref entries form a loop with no value in between, so no "
                "output could ever complete it. Make each reference lead to a value."
            )


def _nodes(schema: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _resolve(schema: Mapping[str, Any], ref: str) -> Any:
    target: Any = schema
    for raw in ref.removeprefix("#").split("/")[1:] if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(target, Mapping) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            raise UsageError(
                f"The JSON Schema refers to {_one_line(ref)[:80]}, which it does not define."
            )
    return target


def _reaches_itself(schema: Mapping[str, Any], start: Mapping[str, Any]) -> bool:
    """Whether following $ref and the combinators (which add no characters) from `start`
    comes back to it."""
    seen: set[int] = set()
    stack: list[Any] = [_step(schema, start)]
    while stack:
        for node in stack.pop():
            if node is start:
                return True
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append(_step(schema, node))
    return False


def _step(schema: Mapping[str, Any], node: Any) -> list[Any]:
    """The schemas `node` stands for without producing output of its own."""
    if not isinstance(node, Mapping):
        return []
    nexts: list[Any] = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        nexts.append(_resolve(schema, ref))
    for key in ("anyOf", "oneOf", "allOf"):
        value = node.get(key)
        if isinstance(value, list):
            nexts.extend(value)
    return nexts


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
