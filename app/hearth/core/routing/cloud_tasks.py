"""Each task as a cloud request: what is sent, and how the cloud's answer is read back.

The local model and a cloud model need different things. Locally, classify scores lettered
options from logits and extract decodes under a grammar; a chat-completions endpoint gets text
instructions, plus a JSON Schema in `response_format` where the server is known to enforce one
(`CloudEndpoint.structured_output`). The summarize and rewrite prompts are the tasks' own.

Reading an answer happens before the router records the request: an answer that is no answer
(a label that is not in the set, text that is not JSON) is a failed escalation, the local
answer stands, and the ledger says so. Readers receive the text with the placeholders still in
and restore them themselves: parsed JSON is restored value by value (`restore_data`), so a
restored quote or line break cannot break the JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudRequest, estimate_tokens
from hearth.core.errors import UsageError
from hearth.core.privacy.redaction import Redaction
from hearth.core.routing.router import Message
from hearth.core.tasks.classify import SYSTEM as CLASSIFY_SYSTEM
from hearth.core.tasks.extract import MAX_TOKENS as EXTRACT_MAX_TOKENS
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.labels import Label, parse_labels
from hearth.core.tasks.rewrite import CUSTOM, STYLES, Rewrite
from hearth.core.tasks.schemas import BUILT_IN, check_schema, load_schema, violations
from hearth.core.tasks.summarize import MAX_SUMMARY_TOKENS, Summarize
from hearth.core.tasks.summarize import STYLES as SUMMARY_STYLES
from hearth.core.tasks.task import clean_input

JSON_SCHEMA = "json_schema"  # OpenAI's response_format shape
JSON_OBJECT_SCHEMA = "json_object_schema"  # llama.cpp's

CLASSIFY_MAX_TOKENS = 128  # {"label": ...} and the whitespace a grammar allows around it
_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


@dataclass(frozen=True)
class CloudReading:
    """The task's answer from the cloud, in the shape the local answer has."""

    output: Any  # text, a label name, or the extracted object
    details: dict[str, Any]  # replaces the local answer's task details that it contradicts


@dataclass(frozen=True)
class CloudTask:
    request: CloudRequest
    read: Callable[[str, Redaction], CloudReading]


def response_format(
    schema: Mapping[str, Any], structured_output: str | None
) -> dict[str, Any] | None:
    if structured_output == JSON_SCHEMA:
        # strict off: a strict schema must list every property as required, which the user's
        # schemas need not; the answer is validated after it arrives either way.
        return {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": dict(schema), "strict": False},
        }
    if structured_output == JSON_OBJECT_SCHEMA:
        return {"type": "json_object", "schema": dict(schema)}
    return None


def cloud_task(
    task: str, text: str, options: Mapping[str, Any], *, structured_output: str | None
) -> CloudTask:
    """The cloud request for `task` on `text`. Raises UsageError for bad options, as the local
    task would: with the always policy this runs before (or instead of) the local model."""
    text = clean_input(text)
    if task == "summarize":
        return _summarize(text, options)
    if task == "rewrite":
        return _rewrite(text, options)
    if task == "classify":
        return _classify(text, options, structured_output)
    if task == "extract":
        return _extract(text, options, structured_output)
    raise UsageError(f"No cloud version of the task '{task}'.")


def _messages(messages: Sequence[Any]) -> tuple[Message, ...]:
    return tuple(Message(m.role, m.content) for m in messages)


def _read_text(raw: str, redaction: Redaction) -> CloudReading:
    text = redaction.restore(raw).strip()
    if not text:
        raise CloudFailure(FailureKind.BAD_RESPONSE, "The cloud's answer was empty.")
    return CloudReading(text, {})


# -- summarize, rewrite: the tasks' own prompts -------------------------------------------------


def _summarize(text: str, options: Mapping[str, Any]) -> CloudTask:
    style = str(options.get("style") or "summary")
    if style not in SUMMARY_STYLES:
        raise UsageError(
            f"summarize: '{style}' is not a style; choose one of: " + ", ".join(SUMMARY_STYLES)
        )
    # A cloud model has room for the whole text: no map-reduce; the list and table shapes are
    # asked for in words (the grammar is the local engine's).
    local = Summarize().build_request(text, style)
    return CloudTask(
        CloudRequest(_messages(local.messages), max_tokens=MAX_SUMMARY_TOKENS, temperature=0.2),
        _read_text,
    )


def rewrite_instruction(options: Mapping[str, Any]) -> str:
    """The rewrite instruction for the options, as the rewrite task words it."""
    custom = str(options.get("instruction") or "").strip()
    style = str(options.get("style") or (CUSTOM if custom else "proofread"))
    if style == CUSTOM:
        if not custom:
            raise UsageError("A custom rewrite needs an instruction (--instruction TEXT).")
        return custom
    if style not in STYLES:
        raise UsageError(
            f"rewrite: '{style}' is not a style; choose one of: " + ", ".join((*STYLES, CUSTOM))
        )
    return f"{STYLES[style]} Also: {custom}" if custom else STYLES[style]


def _rewrite(text: str, options: Mapping[str, Any]) -> CloudTask:
    local = Rewrite().build_request(text, rewrite_instruction(options))
    # As the local task allows: room for an answer somewhat longer than the text.
    room = max(256, 2 * estimate_tokens(text) + 64)
    return CloudTask(
        CloudRequest(_messages(local.messages), max_tokens=room, temperature=0.3), _read_text
    )


# -- classify: the label's name, as JSON --------------------------------------------------------


def classify_schema(labels: Sequence[Label]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"label": {"type": "string", "enum": [label.name for label in labels]}},
        "required": ["label"],
        "additionalProperties": False,
    }


def _classify_messages(text: str, labels: Sequence[Label]) -> tuple[Message, ...]:
    lines = [CLASSIFY_SYSTEM, "", "Categories:"]
    for label in labels:
        lines.append(f"- {label.name}" + (f": {label.description}" if label.description else ""))
    examples = [(label.name, ex) for label in labels for ex in label.examples]
    if examples:
        lines += ["", "Examples:"]
        for name, example in examples:
            lines += [f"Text: {example}", f"Answer: {json.dumps({'label': name})}"]
    lines += [
        "",
        'Answer with JSON only, {"label": "<category>"}, where <category> is one of the '
        "category names exactly as written above.",
    ]
    return (Message("system", "\n".join(lines)), Message("user", f"Text:\n{text}"))


def _classify(text: str, options: Mapping[str, Any], structured_output: str | None) -> CloudTask:
    if options.get("labels") is None:
        raise UsageError("Classification needs labels, e.g. --labels spam,ham")
    labels = parse_labels(options["labels"])
    request = CloudRequest(
        _classify_messages(text, labels),
        max_tokens=CLASSIFY_MAX_TOKENS,
        temperature=0.0,
        response_format=response_format(classify_schema(labels), structured_output),
    )

    def read(raw: str, redaction: Redaction) -> CloudReading:
        name = read_label(raw, redaction, [label.name for label in labels])
        return CloudReading(name, {"label": name})

    return CloudTask(request, read)


def read_label(raw: str, redaction: Redaction, names: Sequence[str]) -> str:
    """The label the cloud chose: {"label": name} as asked, or, from a model that answered in
    words, a bare name or the one name its answer mentions. Matched ignoring case."""
    by_key = {name.casefold(): name for name in names}
    value = _json_value(raw)
    if isinstance(value, dict) and isinstance(value.get("label"), str):
        candidate = redaction.restore(value["label"]).strip()
    else:
        candidate = redaction.restore(_unfenced(raw)).strip().strip("\"'`.*").strip()
    found = by_key.get(candidate.casefold())
    if found is not None:
        return found
    mentioned = [
        name
        for name in names
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", candidate, re.IGNORECASE)
    ]
    if len(mentioned) == 1:
        return mentioned[0]
    raise CloudFailure(
        FailureKind.BAD_RESPONSE,
        "The cloud's answer named none of the labels (or more than one).",
        partial_text=raw,
    )


# -- extract: JSON, parsed, then restored --------------------------------------------------------


def extract_schema(spec: Any) -> dict[str, Any]:
    """The schema for the extract option, as the extract task resolves it."""
    if spec is None:
        return BUILT_IN["contact"]
    if isinstance(spec, str):
        return load_schema(spec)
    if isinstance(spec, dict):
        check_schema(spec)
        return spec
    raise UsageError("The schema must be a built-in name, a file, or a JSON object.")


def _extract(text: str, options: Mapping[str, Any], structured_output: str | None) -> CloudTask:
    schema = extract_schema(options.get("schema"))
    local = Extract().build_request(text, schema)
    request = CloudRequest(
        _messages(local.messages),
        max_tokens=EXTRACT_MAX_TOKENS,
        temperature=0.0,
        response_format=response_format(schema, structured_output),
    )

    def read(raw: str, redaction: Redaction) -> CloudReading:
        value = _json_value(raw)
        if value is None:
            raise CloudFailure(
                FailureKind.BAD_RESPONSE,
                "The cloud's answer was not the JSON that was asked for.",
                partial_text=raw,
            )
        restored = redaction.restore_data(value)
        problems = violations(restored, schema)
        return CloudReading(
            restored,
            {
                "valid": not problems,
                "violations": problems,
                "json": json.dumps(restored, ensure_ascii=False),
            },
        )

    return CloudTask(request, read)


def _unfenced(raw: str) -> str:
    """Models outside a grammar like to wrap JSON in a Markdown code fence."""
    match = _FENCE.match(raw)
    return match.group(1) if match else raw


def _json_value(raw: str) -> Any:
    """The JSON value of the answer (inside a code fence, or the outermost {...}), or None."""
    text = _unfenced(raw).strip()
    candidates = [text]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            # strict=False: a control character inside a string is kept, as the task does.
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None
