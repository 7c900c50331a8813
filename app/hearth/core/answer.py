"""`Answer`: the one result of a request, built once in the core, whichever route answered.

Every front end shows an `Answer`: the window's views read its fields, the command line
prints `to_json()` (the `hearth run --json` contract of design.md), the history stores it, and
the local API returns it. An escalated answer's fields all describe the answer shown: the
cloud's output, label, labels and model, and no local confidence passed off as its own.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hearth.core.request import InputInfo


@dataclass(frozen=True)
class Timings:
    load_ms: float = 0.0  # starting the engine and loading the model, as the user waited
    ttft_ms: float = 0.0
    total_ms: float = 0.0
    prompt_tokens: int = 0
    output_tokens: int = 0
    decode_tokens_per_s: float = 0.0
    cached_prompt_tokens: int = 0
    draft_tokens: int = 0  # speculative decoding: drafts verified, and kept
    accepted_draft_tokens: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timings:
        return cls(
            load_ms=float(data.get("load_ms") or 0.0),
            ttft_ms=float(data.get("ttft_ms") or 0.0),
            total_ms=float(data.get("total_ms") or 0.0),
            prompt_tokens=int(data.get("prompt_tokens") or 0),
            output_tokens=int(data.get("output_tokens") or 0),
            decode_tokens_per_s=float(data.get("decode_tokens_per_s") or 0.0),
            cached_prompt_tokens=int(data.get("cached_prompt_tokens") or 0),
            draft_tokens=int(data.get("draft_tokens") or 0),
            accepted_draft_tokens=int(data.get("accepted_draft_tokens") or 0),
        )


@dataclass(frozen=True)
class Flags:
    """What the answer cannot vouch for (issue 1); each one lowers the confidence."""

    added_facts: tuple[str, ...] = ()  # numbers, dates, e-mails... in the output, not the input
    ungrounded: tuple[str, ...] = ()  # extract: JSON paths of strings not found in the text
    echo_removed: str | None = None  # a repeated instruction or label cleaned off the start
    rewrote: bool = False  # a proofread that changed more words than a correction would

    @property
    def any(self) -> bool:
        return bool(self.added_facts or self.ungrounded or self.echo_removed or self.rewrote)


@dataclass(frozen=True)
class Escalation:
    """Why the request was (or would have been) sent to the cloud, and how that went."""

    reason: str  # a routing Reason code
    explanation: str  # in the core's words
    declined: bool = False  # ask: the user kept the local answer
    redactions: Mapping[str, int] = field(default_factory=dict)  # kind -> values replaced
    error: str | None = None  # the cloud attempt failed: the answer is the local one
    error_kind: str | None = None
    partial_text: str | None = None  # what a failed cloud attempt had sent back


@dataclass(frozen=True)
class Answer:
    task: str
    output: Any  # text, a label name, or the extracted object
    route: str  # "local" | "cloud"
    model: str | None  # the model that produced `output`
    confidence: float | None  # of `output`; None for a cloud answer or a task without one
    timings: Timings
    label: str | None = None  # classify
    labels: Mapping[str, float] | None = None  # classify: sums to 1, consistent with `label`
    flags: Flags = field(default_factory=Flags)
    escalation: Escalation | None = None
    routing_explanation: str = ""  # why the answer came from where it did, in the core's words
    finish_reason: str = "stop"
    local_output: Any = None  # the device's answer, when the cloud's replaced it
    local_confidence: float | None = None  # the device's confidence, when replaced
    input: InputInfo | None = None
    # Things the user should know; the answer stands (a failed cloud attempt, a ledger that
    # could not be written, a calibration file that could not be read). Core wording.
    problems: tuple[str, ...] = ()
    # The whole `--json` object, built once with the fields above.
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str:
        """The output as text (the JSON of an extracted object)."""
        if isinstance(self.output, str):
            return self.output
        details = self.data.get("json")
        if isinstance(details, str):
            return details
        import json

        return json.dumps(self.output, ensure_ascii=False, indent=2)

    @property
    def escalated(self) -> bool:
        return self.route == "cloud"

    def to_json(self) -> dict[str, Any]:
        """The `hearth run --json` object (design.md's contract)."""
        return copy.deepcopy(dict(self.data))
