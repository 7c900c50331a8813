"""The schema the extraction grammar is built from: the user's schema with every string, array
and open value bounded, so a model that loops still ends with complete, schema-valid JSON.

The user's schema is what the answer is validated against; this one only shapes decoding. It
allows a subset of what the user's allows:
- strings without `enum`/`const`/`format`/`pattern` become at most `maxLength` characters
  (`DEFAULT_STRING_CHARS` where the user set none) of anything but a quote, a backslash or a
  control character: no escapes, so a character is at most 4 bytes of UTF-8;
- arrays get `maxItems` (`DEFAULT_ITEMS` where none), objects no extra properties, and an
  untyped value is a bounded string, a number, a boolean or null.

`worst_case_bytes` is the longest JSON the bounded grammar accepts, in bytes. Every token is at
least one byte (llama.cpp's grammar refuses empty pieces), so decoding ends within that many
tokens. `fit` shrinks the bounds (string lengths and item counts by one factor, never
below the user's minimums) until that worst case fits the tokens left in the context. A user's
`pattern` or a recursive `$ref` cannot be bounded this way: `fit` then returns None and the
caller decodes as before (and may be cut off).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from typing import Any

DEFAULT_STRING_CHARS = 200
DEFAULT_ITEMS = 20
MIN_STRING_CHARS = 20  # shrinking stops here: a date or a name must still fit
_MAX_CHAR_BYTES = 4  # UTF-8
# Any character but a quote, a backslash or a control character, as a regex the converter reads.
_CHAR = '[^"\\\\\\x00-\\x1f]'
_SPACE = 1  # llama.cpp's converter allows one optional space after every value
# Longest forms of the converter's fixed rules, in bytes, its trailing space included.
_NUMBER = 1 + 16 + 1 + 16 + 2 + 16 + _SPACE
_INTEGER = 1 + 16 + _SPACE
_FORMATS = {"date": 10, "time": 8 + 4 + 6, "date-time": 10 + 1 + 18, "uuid": 36}
_SCALARS: dict[str, int] = {"number": _NUMBER, "integer": _INTEGER, "boolean": 5 + _SPACE}
_SCALARS["null"] = 4 + _SPACE


class Unbounded(Exception):
    """The schema has a part whose length no bound here controls."""


def fit(schema: Mapping[str, Any], tokens: int) -> tuple[dict[str, Any], int] | None:
    """The bounded grammar schema whose worst case fits in `tokens`, and that worst case; None
    when the schema cannot be bounded (module docstring). Raises ValueError when even the
    smallest bounds do not fit."""
    try:
        full = bounded(schema)
        worst = worst_case_bytes(full)
    except Unbounded:
        return None
    if worst <= tokens:
        return full, worst
    if worst_case_bytes(bounded(schema, scale=0.0)) > tokens:
        raise ValueError(f"the smallest answer the schema allows needs more than {tokens} tokens")
    low, high = 0.0, 1.0  # bisection on the one scale of every length and item count
    for _ in range(20):
        middle = (low + high) / 2
        if worst_case_bytes(bounded(schema, scale=middle)) <= tokens:
            low = middle
        else:
            high = middle
    chosen = bounded(schema, scale=low)
    return chosen, worst_case_bytes(chosen)


def bounded(schema: Mapping[str, Any], *, scale: float = 1.0) -> dict[str, Any]:
    """The grammar schema, its string lengths and item counts scaled by `scale` (0..1), never
    below the user's minimums nor (for item counts) below one."""
    out = _bound(copy.deepcopy(dict(schema)), scale, scale)
    assert isinstance(out, dict)
    return out


def _bound(node: Any, items: float, chars: float) -> Any:
    if node is True or (isinstance(node, Mapping) and not _shaping(node)):
        node = _ANY if node is True else {**node, **_ANY}
    if not isinstance(node, dict):
        return node
    for key in ("$defs", "definitions"):
        if isinstance(node.get(key), dict):
            node[key] = {k: _bound(v, items, chars) for k, v in node[key].items()}
    if "$ref" in node:
        return node
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            node[key] = [_bound(v, items, chars) for v in node[key]]
            return node
    kind = node.get("type")
    if isinstance(kind, list):
        # The converter drops every keyword of a type list: one branch per type keeps them.
        rest = {k: v for k, v in node.items() if k != "type"}
        return {"anyOf": [_bound({**rest, "type": t}, items, chars) for t in kind]}
    if "enum" in node or "const" in node:
        return node
    if kind == "string":
        return _string(node, chars)
    if kind == "array" or (kind is None and ("items" in node or "prefixItems" in node)):
        return _array(node, items, chars)
    if kind == "object" or (kind is None and "properties" in node):
        props = node.get("properties")
        props = props if isinstance(props, dict) else {}
        node["properties"] = {k: _bound(v, items, chars) for k, v in props.items()}
        node["additionalProperties"] = False  # free-form keys would be unbounded strings
        return node
    return node


_ANY: dict[str, Any] = {"type": ["string", "number", "boolean", "null"]}


def _shaping(node: Mapping[str, Any]) -> bool:
    """Whether a schema says anything about the shape of its value."""
    keys = ("type", "properties", "items", "prefixItems", "enum", "const", "$ref")
    return any(k in node for k in (*keys, "anyOf", "oneOf", "allOf"))


def _string(node: dict[str, Any], chars: float) -> dict[str, Any]:
    if "pattern" in node or node.get("format") in _FORMATS:
        return node
    low = int(node.get("minLength", 0))
    top = int(node.get("maxLength", DEFAULT_STRING_CHARS))
    limit = max(low, min(top, MIN_STRING_CHARS), math.floor(top * chars))
    node.pop("maxLength", None)
    node.pop("minLength", None)
    node.pop("format", None)  # other formats are checked after decoding, as before
    return {**node, "pattern": f"^{_CHAR}{{{low},{limit}}}$"}


def _array(node: dict[str, Any], items: float, chars: float) -> dict[str, Any]:
    if isinstance(node.get("prefixItems"), list) or isinstance(node.get("items"), list):
        key = "prefixItems" if isinstance(node.get("prefixItems"), list) else "items"
        node[key] = [_bound(v, items, chars) for v in node[key]]
        return node
    node["items"] = _bound(node.get("items", True), items, chars)
    low = int(node.get("minItems", 0))
    top = int(node.get("maxItems", DEFAULT_ITEMS))
    node["maxItems"] = max(low, min(top, 1), math.floor(top * items))
    return node


def worst_case_bytes(schema: Mapping[str, Any]) -> int:
    """The longest JSON, in bytes, the grammar of a `bounded` schema accepts."""
    return _worst(schema, schema, ())


def _worst(root: Mapping[str, Any], node: Any, refs: tuple[str, ...]) -> int:
    if not isinstance(node, Mapping):
        raise Unbounded("a schema that is not an object")
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in refs:
            raise Unbounded(f"the recursive reference {ref}")
        return _worst(root, _resolve(root, ref), (*refs, ref))
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            return max(_worst(root, v, refs) for v in node[key])
    if isinstance(node.get("allOf"), list):  # merged into one object: the sum is an upper bound
        return sum(_worst(root, v, refs) for v in node["allOf"])
    if "const" in node:
        return _literal(node["const"])
    if isinstance(node.get("enum"), list):
        return max(_literal(v) for v in node["enum"])
    kind = node.get("type")
    if kind == "string":
        return _string_bytes(node)
    if kind in _SCALARS:
        return _SCALARS[str(kind)]
    if kind == "array" or (kind is None and ("items" in node or "prefixItems" in node)):
        listed = node.get("prefixItems", node.get("items"))
        if isinstance(listed, list):
            inner = sum(_worst(root, v, refs) + 2 for v in listed)
        else:
            inner = int(node["maxItems"]) * (_worst(root, listed, refs) + 2)
        return 2 + _SPACE + inner + 1
    if kind == "object" or (kind is None and "properties" in node):
        props = node.get("properties", {})
        inner = sum(len(json.dumps(k)) + 4 + _worst(root, v, refs) for k, v in props.items())
        return 2 + _SPACE + inner + 1
    raise Unbounded(f"a value of type {kind!r}")


def _string_bytes(node: Mapping[str, Any]) -> int:
    fmt = node.get("format")
    if fmt in _FORMATS and "pattern" not in node:
        return 2 + _FORMATS[str(fmt)] + _SPACE
    pattern = node.get("pattern")
    if not (isinstance(pattern, str) and pattern.startswith(f"^{_CHAR}{{")):
        raise Unbounded("a string with a pattern of its own")
    limit = int(pattern.rsplit(",", 1)[1].split("}")[0])
    return 2 + _MAX_CHAR_BYTES * limit + _SPACE


def _literal(value: Any) -> int:
    return len(json.dumps(value)) + _SPACE


def _resolve(root: Mapping[str, Any], ref: str) -> Any:
    target: Any = root
    for part in ref.removeprefix("#").split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, Mapping) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            raise Unbounded(f"the reference {ref}")
    return target
