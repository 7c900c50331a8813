"""What the ledger proves: how much stayed on the device, and what the cloud cost."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from hearth.core.ledger.prices import PriceTable


@dataclass(frozen=True)
class LedgerSummary:
    requests: int = 0
    answered_local: int = 0
    answered_cloud: int = 0
    # Requests of which nothing left the machine (never sent, or declined at the preview).
    kept_local: int = 0
    # Their tokens, in and out: text that never left the machine.
    tokens_kept_local: int = 0
    cloud_tokens_in: int = 0
    cloud_tokens_out: int = 0
    cloud_spend_usd: float = 0.0  # estimated, over the priced requests
    unpriced_cloud_requests: int = 0  # sent to a model with no known price
    # What the kept-local requests would have cost at `reference_model`'s price; None when no
    # reference model is set or its price is unknown.
    spend_avoided_usd: float | None = None
    reference_model: str | None = None
    # Why each request went where it did (routing Reason codes) -> count.
    routing_reasons: dict[str, int] = field(default_factory=dict)
    cloud_failures: dict[str, int] = field(default_factory=dict)  # cloud_status -> count
    by_task: dict[str, dict[str, int]] = field(default_factory=dict)  # task -> route -> n
    first: str | None = None
    last: str | None = None

    @property
    def share_local(self) -> float | None:
        """Share of requests answered on the device; None before the first request."""
        return self.answered_local / self.requests if self.requests else None

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["share_local"] = self.share_local
        return data


def summarize(
    conn: sqlite3.Connection, prices: PriceTable, reference_model: str | None
) -> LedgerSummary:
    totals = conn.execute(
        """
        SELECT COUNT(*),
               COALESCE(SUM(route = 'local'), 0),
               COALESCE(SUM(route = 'cloud'), 0),
               COALESCE(SUM(sent_to_cloud = 0), 0),
               COALESCE(SUM(CASE WHEN sent_to_cloud = 0
                            THEN local_tokens_in + local_tokens_out ELSE 0 END), 0),
               COALESCE(SUM(cloud_tokens_in), 0),
               COALESCE(SUM(cloud_tokens_out), 0),
               COALESCE(SUM(cloud_cost_usd), 0.0),
               COALESCE(SUM(sent_to_cloud = 1 AND cloud_cost_usd IS NULL), 0),
               MIN(time),
               MAX(time)
        FROM requests
        """
    ).fetchone()
    (requests, local, cloud, kept, kept_tokens, c_in, c_out, spend, unpriced, first, last) = totals

    avoided: float | None = None
    price = prices.price_for(reference_model)
    if price is not None:
        kept_in, kept_out = conn.execute(
            "SELECT COALESCE(SUM(local_tokens_in), 0), COALESCE(SUM(local_tokens_out), 0) "
            "FROM requests WHERE sent_to_cloud = 0"
        ).fetchone()
        avoided = price.cost(int(kept_in), int(kept_out))

    reasons = dict(
        conn.execute(
            "SELECT escalation_reason, COUNT(*) FROM requests "
            "WHERE escalation_reason IS NOT NULL GROUP BY escalation_reason ORDER BY 2 DESC"
        ).fetchall()
    )
    failures = dict(
        conn.execute(
            "SELECT cloud_status, COUNT(*) FROM requests "
            "WHERE cloud_status IS NOT NULL AND cloud_status != 'ok' "
            "GROUP BY cloud_status ORDER BY 2 DESC"
        ).fetchall()
    )
    by_task: dict[str, dict[str, int]] = {}
    for task, route, count in conn.execute(
        "SELECT task, route, COUNT(*) FROM requests GROUP BY task, route ORDER BY task, route"
    ):
        by_task.setdefault(task, {"local": 0, "cloud": 0})[route] = count

    return LedgerSummary(
        requests=int(requests),
        answered_local=int(local),
        answered_cloud=int(cloud),
        kept_local=int(kept),
        tokens_kept_local=int(kept_tokens),
        cloud_tokens_in=int(c_in),
        cloud_tokens_out=int(c_out),
        cloud_spend_usd=float(spend),
        unpriced_cloud_requests=int(unpriced),
        spend_avoided_usd=avoided,
        reference_model=reference_model,
        routing_reasons=reasons,
        cloud_failures=failures,
        by_task=by_task,
        first=first,
        last=last,
    )
