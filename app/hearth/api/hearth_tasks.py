"""Hearth's own task endpoints, `POST /v1/hearth/{summarize,rewrite,classify,extract}`: the
command line's options in a JSON body, the `hearth run --json` object back.

Body: {"text": "..."} or, for a batchable task, {"batch": ["...", {"text": "..."}, ...]}; the
task's options by their CLI names (style, instruction, labels, calibrate, schema, previous,
follow_up, strict...); and, optionally, "model", "cloud" and "offline". Nothing in a body can
name a file: extract's schema is a built-in name or an inline JSON Schema, labels are inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hearth.api.errors import ApiError, bad_request
from hearth.api.openai_shapes import Routing, cloud_policy, model_not_found
from hearth.core.tasks.schemas import BUILT_IN
from hearth.core.tasks.task import Task

MAX_BATCH = 1000
_REQUEST_FIELDS = ("text", "batch", "model", "cloud", "offline")
# The command line's names for a few options (hearth run --no-calibrate, --labels-file).
_ALIASES = {"no_calibrate": "calibrate"}


@dataclass(frozen=True)
class TaskCall:
    task: str
    texts: tuple[str, ...]
    batch: bool
    options: dict[str, Any]
    routing: Routing


def parse_task_call(task: Task, body: Mapping[str, Any], served: tuple[str, ...]) -> TaskCall:
    known = {option.name for option in task.options}
    unknown = sorted(set(body) - known - set(_REQUEST_FIELDS) - set(_ALIASES))
    if unknown:
        raise bad_request(
            f"Unknown field(s) for {task.name}: {', '.join(unknown)}. Known: "
            + ", ".join(sorted(known | set(_REQUEST_FIELDS)))
            + "."
        )
    model = body.get("model")
    if model is not None and model not in served:
        raise model_not_found(str(model), served)
    offline = body.get("offline", False)
    if not isinstance(offline, bool):
        raise bad_request("'offline' must be true or false.", param="offline")
    options = {name: body[name] for name in known if body.get(name) is not None}
    if body.get("no_calibrate") is True:
        options["calibrate"] = "off"
    _no_paths(task, options)
    texts, batch = _texts(task, body)
    return TaskCall(
        task.name, texts, batch, options, Routing(cloud_policy(body.get("cloud"), "cloud"), offline)
    )


def _no_paths(task: Task, options: Mapping[str, Any]) -> None:
    """A request must not make the server read a file: a schema string is a built-in's name."""
    schema = options.get("schema")
    if isinstance(schema, str) and schema not in BUILT_IN:
        raise bad_request(
            f"'schema' must be a built-in schema ({', '.join(BUILT_IN)}) or a JSON Schema "
            "object inline; the API does not read files.",
            param="schema",
        )
    for name, value in options.items():
        if not isinstance(value, str | int | float | bool | list | dict):
            raise bad_request(f"'{name}' has a value of the wrong type.", param=name)


def _texts(task: Task, body: Mapping[str, Any]) -> tuple[tuple[str, ...], bool]:
    text, batch = body.get("text"), body.get("batch")
    if (text is None) == (batch is None):
        raise bad_request("Give 'text' (one text) or 'batch' (a list of texts), not both.")
    if text is not None:
        if not isinstance(text, str):
            raise bad_request("'text' must be a string.", param="text")
        return (text,), False
    if not task.capabilities.batchable:
        raise bad_request(f"{task.name} takes one text at a time, not a batch.", param="batch")
    if not isinstance(batch, list) or not batch:
        raise bad_request("'batch' must be a non-empty list of texts.", param="batch")
    if len(batch) > MAX_BATCH:
        raise ApiError(413, f"A batch holds at most {MAX_BATCH} texts; split it.", param="batch")
    texts = []
    for i, item in enumerate(batch):
        value = item.get("text") if isinstance(item, Mapping) else item
        if not isinstance(value, str):
            raise bad_request(
                f"batch[{i}] must be a string or an object with a 'text' string.", param="batch"
            )
        texts.append(value)
    return tuple(texts), True
