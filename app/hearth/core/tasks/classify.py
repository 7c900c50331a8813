"""Classify a text into one of the user's labels, by scoring, not by parsing free text.

The labels are presented as lettered options (A, B, C…), each letter a distinct single token,
and the engine returns the log-probability of each letter as the first token of the answer:
one forward pass after the prompt. The label list comes before the text, so a second text
with the same labels reuses the whole instructions prefix from the KV cache.

Contextual calibration (Zhao et al., 2021): a prompt biases the model towards some letters
whatever the text. That bias is measured once per label set with content-free inputs
("N/A", "[MASK]") and divided out. Both the raw and the calibrated distributions are reported;
the label and the confidence (margin between the top two) use the calibrated one.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.engine.messages import Message
from hearth.core.engine.types import ScoreRequest
from hearth.core.errors import EngineError, UsageError
from hearth.core.tasks.labels import Label, fingerprint, parse_labels
from hearth.core.tasks.task import EnginePort, TaskOption, TaskResult, TaskSink, Usage, clean_input

CONTENT_FREE = ("N/A", "[MASK]")

SYSTEM = "You are a text classifier. Read the text and choose the one category that fits it best."


class Classify:
    name = "classify"
    title = "Classify"
    options: tuple[TaskOption, ...] = (
        TaskOption(
            "labels", (), None, "the label set (names, or objects with descriptions and examples)"
        ),
        TaskOption("calibrate", ("on", "off"), "on", "contextual calibration"),
    )

    def __init__(self, calibration_cache: dict[str, tuple[float, ...]] | None = None) -> None:
        # Content-free probabilities per (model, label set): measured once, reused.
        self._calibration = {} if calibration_cache is None else calibration_cache

    def build_request(self, text: str, labels: Sequence[Label]) -> ScoreRequest:
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
        if options.get("labels") is None:
            raise UsageError("Classification needs labels, e.g. --labels spam,ham")
        labels = parse_labels(options["labels"])
        calibrate = options.get("calibrate", "on") != "off"
        usage = Usage()
        scored = engine.score(self.build_request(text, labels), cancel=cancel)
        usage.add_score(scored)
        raw, label_mass = _normalise(scored.logprobs)
        bias = self._bias(labels, engine, usage, cancel) if calibrate else None
        calibrated = _divide_out(raw, bias) if bias is not None else raw
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
                "margin": round(margin, 6),
                # How much of the model's next-token probability went to the letters at all:
                # low means it wanted to say something else, and the label is a weak guess.
                "label_mass": round(label_mass, 6),
            },
            usage=usage,
        )

    def _bias(
        self, labels: Sequence[Label], engine: EnginePort, usage: Usage, cancel: CancelToken | None
    ) -> tuple[float, ...]:
        model = engine.loaded.model_path if engine.loaded is not None else ""
        key = f"{model}:{fingerprint(labels)}"
        if key not in self._calibration:
            rows = []
            for content_free in CONTENT_FREE:
                result = engine.score(self.build_request(content_free, labels), cancel=cancel)
                usage.add_score(result)
                rows.append(_normalise(result.logprobs)[0])
            self._calibration[key] = tuple(
                sum(row[i] for row in rows) / len(rows) for i in range(len(labels))
            )
        return self._calibration[key]


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


def _divide_out(probs: Sequence[float], bias: Sequence[float]) -> list[float]:
    floor = 1e-9  # a letter the content-free prompt never picks must not divide by zero
    weights = [p / max(b, floor) for p, b in zip(probs, bias, strict=True)]
    total = sum(weights)
    return [w / total for w in weights]


def _rounded(probs: Sequence[float]) -> list[float]:
    return [round(p, 6) for p in probs]
