"""Classify a text into one of the user's labels, by scoring, not by parsing free text.

The labels are presented as lettered options (A, B, C…), each letter a distinct single token,
and the engine returns the log-probability of each letter as the first token of the answer:
one forward pass after the prompt. The label list comes before the text, so a second text
with the same labels reuses the whole instructions prefix from the KV cache.

A prompt biases the model towards some letters whatever the text; `label_calibration` holds
the ways of dividing that bias out (batch, contextual, none). `calibrate=on` is
`DEFAULT_CALIBRATION`, the mode that measured best on public data sets with real small models
(docs/quality.md); `off` is `none`. Both the raw and the calibrated distributions are
reported; the label and the confidence (margin between the top two) use the calibrated one.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudRequest
from hearth.core.engine.messages import Message
from hearth.core.engine.types import ScoreRequest
from hearth.core.errors import EngineError, UsageError
from hearth.core.privacy.redaction import Redaction
from hearth.core.tasks.cloud_form import (
    CloudReading,
    CloudTask,
    json_value,
    response_format,
    unfenced,
)
from hearth.core.tasks.label_calibration import MODES, BatchPrior, divide_out
from hearth.core.tasks.labels import Label, fingerprint, parse_labels
from hearth.core.tasks.prescored import BatchScoringEngine, Prescored
from hearth.core.tasks.task import (
    Capabilities,
    EnginePort,
    TaskOption,
    TaskResult,
    TaskSink,
    Usage,
    clean_input,
)

CONTENT_FREE = ("N/A", "[MASK]")
# Chosen by measurement (docs/quality.md: four public data sets, SmolLM2 and Gemma 3 270M):
# batch and contextual calibration raised the accuracy on some sets but raised the ECE on
# most (they make a small model's probabilities underconfident), and the rule for the default
# is never to raise the ECE or lower the accuracy against none beyond the noise. `hearth
# calibrate` still picks batch or contextual for a label set where they measure better.
DEFAULT_CALIBRATION = "none"
CALIBRATIONS = ("on", "off", *MODES)
# Options as letters (A, B…) or as their names, each name scored by its first token. "auto"
# (the default) is names unless two labels' first words could share a first token, then
# letters: names measured better on every set and both small models (docs/quality.md), but
# labels sharing a first token ("card arrival", "card linking") cannot be told apart by it.
FORMS = ("letters", "names")
FORM_CHOICES = ("auto", *FORMS)

SYSTEM = "You are a text classifier. Read the text and choose the one category that fits it best."
CLOUD_MAX_TOKENS = 128  # {"label": ...} and the whitespace a grammar allows around it


class Classify:
    name = "classify"
    title = "Classify"
    options: tuple[TaskOption, ...] = (
        TaskOption(
            "labels", (), None, "the label set (names, or objects with descriptions and examples)"
        ),
        TaskOption(
            "calibrate",
            CALIBRATIONS,
            "on",
            f"on ({DEFAULT_CALIBRATION}), off (none), batch, contextual or none",
        ),
        TaskOption(
            "form",
            FORM_CHOICES,
            "auto",
            "the options as letters or names (auto: names when their first words differ)",
        ),
    )
    capabilities = Capabilities(
        streams_text=False, batchable=True, calibrated_threshold=True, answer_kind="label"
    )

    def __init__(self, calibration_cache: dict[str, tuple[float, ...]] | None = None) -> None:
        # Content-free probabilities per (model, label set): measured once, reused.
        self._calibration = {} if calibration_cache is None else calibration_cache
        # Batch calibration: the running mean of the texts seen per (model, label set).
        self._batch: dict[str, BatchPrior] = {}
        # Label sets whose names turned out to share a first token on a model: letters there.
        self._tied: set[str] = set()

    def build_request(self, text: str, labels: Sequence[Label], form: str = "auto") -> ScoreRequest:
        if form == "auto":
            form = form_for(labels)
        if form == "names":
            return _names_request(text, labels)
        letters = string.ascii_uppercase[: len(labels)]
        lines = [SYSTEM, "", "Categories:"]
        for letter, label in zip(letters, labels, strict=True):
            lines.append(
                f"{letter}. {label.name}" + (f": {label.description}" if label.description else "")
            )
        examples = [
            (letter, ex)
            for letter, label in zip(letters, labels, strict=True)
            for ex in label.examples
        ]
        if examples:
            lines += ["", "Examples:"]
            for letter, example in examples:
                lines += [f"Text: {example}", f"Answer: {letter}"]
        lines += ["", "Answer with the letter of the category only."]
        return ScoreRequest(
            messages=(Message("system", "\n".join(lines)), Message("user", f"Text:\n{text}")),
            candidates=tuple((letter, f" {letter}") for letter in letters),
        )

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult:
        text = clean_input(text)
        labels = self.labels(options)
        mode = calibration_mode(options.get("calibrate"))
        form = self._form(labels, options.get("form"), engine)
        usage = Usage()
        scored = engine.score(self.build_request(text, labels, form), cancel=cancel)
        usage.add_score(scored)
        if form == "names" and _tied(scored.logprobs):
            # Two names began with the same token on this model: their scores are one score.
            self._tied.add(self._key(labels, engine))
            form = "letters"
            scored = engine.score(self.build_request(text, labels, form), cancel=cancel)
            usage.add_score(scored)
        raw, label_mass = _normalise(scored.logprobs)
        bias: Sequence[float] | None = None
        if mode == "contextual":
            bias = self._bias(labels, engine, usage, cancel, form)
        elif mode == "batch":
            key = f"{self._key(labels, engine)}:{form}"
            prior = self._batch.setdefault(key, BatchPrior(len(labels)))
            prior.add(raw)
            bias = prior.estimate()
        calibrated = divide_out(raw, bias) if bias is not None else raw
        ranked = sorted(range(len(labels)), key=lambda i: calibrated[i], reverse=True)
        top, second = ranked[0], ranked[1]
        margin = calibrated[top] - calibrated[second]
        names = [label.name for label in labels]
        return TaskResult(
            output=names[top],
            confidence=margin,
            details={
                "label": names[top],
                "labels": dict(zip(names, _rounded(calibrated), strict=True)),
                "raw_labels": dict(zip(names, _rounded(raw), strict=True)),
                "calibrated": bias is not None,
                "calibration": mode,
                "form": form,
                "margin": round(margin, 6),
                # How much of the model's next-token probability went to the options at all:
                # low means it wanted to say something else, and the label is a weak guess.
                "label_mass": round(label_mass, 6),
            },
            usage=usage,
        )

    def run_many(
        self,
        texts: Sequence[str],
        options: Mapping[str, Any],
        engine: BatchScoringEngine,
        parallel: int,
        cancel: CancelToken | None = None,
    ) -> list[TaskResult]:
        """`run` for each text, in order, with the texts scored `parallel` per forward pass
        (`score_batch`): the same labels and probabilities as `run` one by one, within 1e-3.
        Each text's result is then made by `run` itself (`Prescored`), so calibration, the
        margin and the details cannot drift from the one-text path."""
        labels = self.labels(options)
        form = self._form(labels, options.get("form"), engine)  # as `run` chooses it
        requests = [self.build_request(clean_input(text), labels, form) for text in texts]
        scored = engine.score_batch(requests, parallel=parallel, cancel=cancel)
        ahead = Prescored(engine, zip(requests, scored, strict=True))
        return [self.run(text, options, ahead, TaskSink(), cancel) for text in texts]

    @staticmethod
    def labels(options: Mapping[str, Any]) -> list[Label]:
        """The label set the options name, checked."""
        if options.get("labels") is None:
            raise UsageError("Classification needs labels, e.g. --labels spam,ham")
        return parse_labels(options["labels"])

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        """The label's name, asked for as JSON: a chat endpoint gives no letter logits."""
        text = clean_input(text)
        labels = self.labels(options)
        request = CloudRequest(
            _cloud_messages(text, labels),
            max_tokens=CLOUD_MAX_TOKENS,
            temperature=0.0,
            response_format=response_format(label_schema(labels), structured_output),
        )
        names = [label.name for label in labels]

        def read(raw: str, redaction: Redaction) -> CloudReading:
            name = read_label(raw, redaction, names)
            # The cloud names one label and gives no probabilities: all its weight is there.
            one_hot = {other: float(other == name) for other in names}
            return CloudReading(name, {"label": name, "labels": one_hot})

        return CloudTask(request, read)

    def _form(self, labels: Sequence[Label], option: Any, engine: EnginePort) -> str:
        if resolved_form(labels, option) == "names" and str(option or "auto") == "auto":
            return "letters" if self._key(labels, engine) in self._tied else "names"
        return resolved_form(labels, option)

    def _bias(
        self,
        labels: Sequence[Label],
        engine: EnginePort,
        usage: Usage,
        cancel: CancelToken | None,
        form: str = "auto",
    ) -> tuple[float, ...]:
        form = form_for(labels) if form == "auto" else form
        key = f"{self._key(labels, engine)}:{form}"
        if key not in self._calibration:
            rows = []
            for content_free in CONTENT_FREE:
                request = self.build_request(content_free, labels, form)
                result = engine.score(request, cancel=cancel)
                usage.add_score(result)
                rows.append(_normalise(result.logprobs)[0])
            self._calibration[key] = tuple(
                sum(row[i] for row in rows) / len(rows) for i in range(len(labels))
            )
        return self._calibration[key]

    def content_free_bias(
        self,
        labels: Sequence[Label],
        engine: EnginePort,
        cancel: CancelToken | None = None,
        form: str = "auto",
    ) -> tuple[float, ...]:
        """The contextual-calibration bias for `labels` on the loaded model (measured once)."""
        return self._bias(labels, engine, Usage(), cancel, form)

    @staticmethod
    def _key(labels: Sequence[Label], engine: EnginePort) -> str:
        model = engine.loaded.model_path if engine.loaded is not None else ""
        return f"{model}:{fingerprint(labels)}"


def calibration_mode(value: Any) -> str:
    """The calibration mode an option value names ("on" is the default mode)."""
    value = value or "on"
    if value not in CALIBRATIONS:
        raise UsageError(
            f"classify: '{value}' is not a calibration; choose one of: " + ", ".join(CALIBRATIONS)
        )
    if value == "on":
        return DEFAULT_CALIBRATION
    return "none" if value == "off" else str(value)


def form_for(labels: Sequence[Label]) -> str:
    """The form "names" when no two labels' first words could begin with the same token (equal, or
    one a prefix of the other, ignoring case), else "letters"."""
    firsts = [(label.name.split() or [""])[0].casefold() for label in labels]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            if not a or not b or a.startswith(b) or b.startswith(a):
                return "letters"
    return "names"


def resolved_form(labels: Sequence[Label], option: Any) -> str:
    """The form an option value names for `labels` ("auto" as `form_for` decides)."""
    choice = str(option or "auto")
    if choice not in FORM_CHOICES:
        raise UsageError(
            f"classify: '{choice}' is not a form; choose one of: " + ", ".join(FORM_CHOICES)
        )
    return form_for(labels) if choice == "auto" else choice


def _tied(logprobs: Sequence[float]) -> bool:
    """Two candidates with exactly the same score: they were the same first token."""
    finite = [x for x in logprobs if math.isfinite(x)]
    return len(set(finite)) < len(finite)


def _names_request(text: str, labels: Sequence[Label]) -> ScoreRequest:
    """The options as their names, scored by each name's first token (measured against
    letters in docs/quality.md; names sharing a first token cannot be told apart)."""
    system = _named_categories(labels, str, "Answer with the name of the category only.")
    return ScoreRequest(
        messages=(Message("system", system), Message("user", f"Text:\n{text}")),
        candidates=tuple(
            (label.name, f" {label.name}", label.name.lower(), f" {label.name.lower()}")
            for label in labels
        ),
    )


_divide_out = divide_out  # the name tests/core/tasks/test_classify_prompt.py knows


def label_probabilities(logprobs: Sequence[float]) -> list[float]:
    """The engine's candidate log-probabilities as probabilities over the labels only."""
    return _normalise(logprobs)[0]


def _normalise(logprobs: Sequence[float]) -> tuple[list[float], float]:
    """Probabilities over the labels only (summing to 1), and the mass they had in all."""
    top = max(logprobs)
    if not math.isfinite(top):
        raise EngineError(
            "The model gave no probability to any of the options, so no label can be chosen. "
            "The model may not follow instructions; try an instruct model."
        )
    weights = [math.exp(x - top) for x in logprobs]
    total = sum(weights)
    return [w / total for w in weights], math.exp(top) * total


def _rounded(probs: Sequence[float]) -> list[float]:
    return [round(p, 6) for p in probs]


def label_schema(labels: Sequence[Label]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"label": {"type": "string", "enum": [label.name for label in labels]}},
        "required": ["label"],
        "additionalProperties": False,
    }


def _cloud_messages(text: str, labels: Sequence[Label]) -> tuple[Message, ...]:
    system = _named_categories(
        labels,
        lambda name: json.dumps({"label": name}),
        'Answer with JSON only, {"label": "<category>"}, where <category> is one of the '
        "category names exactly as written above.",
    )
    return (Message("system", system), Message("user", f"Text:\n{text}"))


def _named_categories(labels: Sequence[Label], answer: Callable[[str], str], closing: str) -> str:
    """The instructions listing the categories by name (with their examples, each answered
    as `answer(name)`), then `closing`: the names form's prompt and the cloud's."""
    lines = [SYSTEM, "", "Categories:"]
    for label in labels:
        lines.append(f"- {label.name}" + (f": {label.description}" if label.description else ""))
    examples = [(label.name, ex) for label in labels for ex in label.examples]
    if examples:
        lines += ["", "Examples:"]
        for name, example in examples:
            lines += [f"Text: {example}", f"Answer: {answer(name)}"]
    lines += ["", closing]
    return "\n".join(lines)


def read_label(raw: str, redaction: Redaction, names: Sequence[str]) -> str:
    """The label the cloud chose: {"label": name} as asked, or, from a model that answered in
    words, a bare name or the one name its answer mentions. Matched ignoring case."""
    by_key = {name.casefold(): name for name in names}
    value = json_value(raw)
    if isinstance(value, dict) and isinstance(value.get("label"), str):
        candidate = redaction.restore(value["label"]).strip()
    else:
        candidate = redaction.restore(unfenced(raw)).strip().strip("\"'`.*").strip()
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
