"""Which values of an extracted object the text does not contain (`ungrounded`), and the object
with those values set to null (`strip_ungrounded`, for `--strict`).

How a string value is matched against the text, in order; the first that holds grounds it:
1. its normalised form (NFKC, case-folded, runs of whitespace made one space) occurs in the
   normalised text: "ACME  gmbh" is grounded by "Acme GmbH";
2. its words (letters and digits, punctuation dropped) occur as one contiguous run of the
   text's words: "Acme Inc" is grounded by "Acme, Inc.";
3. it states checkable facts (phone, e-mail, date, amount, number: see `facts`) and none of
   them is added, while each of its other words occurs somewhere in the text:
   "+1 415 555 0134" is grounded by "415-555-0134", "2024-03-12" by "12 March 2024".
A number value (not a boolean) is grounded when the text states that number (3.5 = "3.50").
Empty strings, nulls and booleans claim nothing and are never listed. Reordered words ("Anna
Berg" for "Berg, Anna") are not grounded: a conservative miss that only lowers confidence.

Paths are JSONPath: `$.name`, `$.items[0].task`, `$["odd key"]`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from hearth.core.quality.facts import (
    added_facts,
    decimal_key,
    find_facts,
    normalise_text,
    source_keys,
)

_WORD = re.compile(r"\w+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.plain = normalise_text(text)
        self.words = [w.casefold() for w in _WORD.findall(self.plain)]
        self.joined = " " + " ".join(self.words) + " "
        self.vocabulary = set(self.words)
        self.keys = source_keys(text)

    def grounds(self, value: str) -> bool:
        plain = normalise_text(value)
        if plain in self.plain:
            return True
        words = [w.casefold() for w in _WORD.findall(plain)]
        if words and " " + " ".join(words) + " " in self.joined:
            return True
        facts = find_facts(value)
        if not facts or added_facts(self.text, value):
            return False
        rest = value
        for fact in facts:
            rest = rest.replace(fact.text, " ")
        return all(w.casefold() in self.vocabulary for w in _WORD.findall(normalise_text(rest)))

    def grounds_number(self, value: float) -> bool:
        try:
            key = decimal_key(Decimal(str(value)))
        except InvalidOperation:
            return False
        return ("number", key) in self.keys


def ungrounded(source_text: str, value: Any) -> list[str]:
    """JSON paths of the values in `value` that `source_text` does not contain (see above)."""
    source = _Source(source_text)
    paths = []
    for path, item in _leaves(value, ()):
        if isinstance(item, str):
            if item.strip() and not source.grounds(item):
                paths.append(format_path(path))
        elif (
            isinstance(item, int | float)
            and not isinstance(item, bool)
            and not source.grounds_number(item)
        ):
            paths.append(format_path(path))
    return paths


def strip_ungrounded(value: Any, paths: Sequence[str]) -> Any:
    """A copy of `value` with the values at `paths` set to null (`--strict`)."""
    result = copy.deepcopy(value)
    for path in paths:
        steps = parse_path(path)
        if not steps:
            continue
        parent = result
        try:
            for step in steps[:-1]:
                parent = parent[step]
            last = steps[-1]
            in_dict = isinstance(parent, dict) and isinstance(last, str) and last in parent
            in_list = isinstance(parent, list) and isinstance(last, int) and last < len(parent)
            if in_dict or in_list:
                parent[last] = None
        except (KeyError, IndexError, TypeError):
            continue  # a path that is not in this value: nothing to null
    return result


def format_path(steps: Sequence[str | int]) -> str:
    out = "$"
    for step in steps:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _IDENTIFIER.fullmatch(step):
            out += f".{step}"
        else:
            out += f"[{json.dumps(step, ensure_ascii=False)}]"
    return out


def parse_path(path: str) -> list[str | int]:
    """The steps of a path `format_path` wrote; a malformed path has none."""
    if not path.startswith("$"):
        return []
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return []
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif index is not None:
            steps.append(int(index))
        else:
            steps.append(json.loads(quoted))
        position = match.end()
    return steps


def _leaves(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value
