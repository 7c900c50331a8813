"""One request as the ledger records it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LedgerEntry:
    task: str
    route: str  # where the answer the user got came from: "local" | "cloud"
    policy: str | None = None  # never | ask | auto | always, as in effect
    local_model: str | None = None
    cloud_model: str | None = None
    cloud_host: str | None = None
    confidence: float | None = None
    threshold: float | None = None
    # Why the request went (or would have gone) to the cloud: a routing Reason code.
    escalation_reason: str | None = None
    # None: no cloud request was attempted; "ok"; "declined" (ask, and the user said no);
    # "cancelled"; or a cloud FailureKind ("rate_limited", "stream_cut", ...).
    cloud_status: str | None = None
    # Whether any of the request left the machine: counted for every attempt, even one that
    # failed, because a failed attempt may still have delivered the text.
    sent_to_cloud: bool = False
    local_tokens_in: int = 0
    local_tokens_out: int = 0
    cloud_tokens_in: int = 0
    cloud_tokens_out: int = 0
    cloud_tokens_estimated: bool = False  # the provider reported no usage
    latency_ms: float | None = None
    cloud_cost_usd: float | None = None  # estimated; None when unpriced or nothing was sent
    redactions: int = 0  # distinct values replaced by placeholders before sending
    request_text: str | None = None  # kept only when the user keeps history
    source: str | None = None  # the front end that asked: window, cli, popup, api
    time: str | None = None  # ISO 8601 UTC; set by the ledger when None
    id: int | None = None  # set by the ledger

    def to_row(self) -> dict[str, Any]:
        row = dataclasses.asdict(self)
        row.pop("id")
        row["sent_to_cloud"] = int(self.sent_to_cloud)
        row["cloud_tokens_estimated"] = int(self.cloud_tokens_estimated)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LedgerEntry:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        values["sent_to_cloud"] = bool(values.get("sent_to_cloud"))
        values["cloud_tokens_estimated"] = bool(values.get("cloud_tokens_estimated"))
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
