"""`hearth ledger`: what stayed on this device, what went to the cloud, and what it cost."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.cloud.endpoint import endpoint_from
from hearth.core.errors import HearthError
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.ledger.summary import LedgerSummary


def add_parser(sub: Any) -> argparse.ArgumentParser:
    ledger: argparse.ArgumentParser = sub.add_parser(
        "ledger", help="summarize where requests were answered and what the cloud cost"
    )
    ledger.add_argument("--json", action="store_true", help="print one JSON object")
    ledger.add_argument(
        "--recent",
        type=_count,
        default=0,
        metavar="N",
        help="also list the latest N requests",
    )
    return ledger


MAX_RECENT = 1_000_000


def _count(text: str) -> int:
    """A number of requests to list: SQLite's integers end at 2^63, and so does any sense."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_RECENT:
        raise argparse.ArgumentTypeError(f"{text} is not from 0 to {MAX_RECENT}")
    return value


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    settings = context.loaded.settings
    try:
        endpoint = endpoint_from(settings)
    except HearthError:
        endpoint = None  # a bad HEARTH_CLOUD_BASE_URL does not stop the summary
    reference = endpoint.model if endpoint is not None else None
    path = ledger_path(context.paths)
    with Ledger(
        path,
        keep_history=settings.keep_history,
        prices=PriceTable.from_settings(settings),
        read_only=True,  # reading needs no write access to the file or its folder
    ) as ledger:
        summary = ledger.summary(reference)
        recent = ledger.entries(args.recent) if args.recent > 0 else []
        problems = list(ledger.problems)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        data = summary.to_json()
        data["ledger"] = str(path)
        data["problems"] = problems
        if args.recent > 0:
            data["recent"] = [entry.to_json() for entry in recent]
        print_json(data)
        return 0
    print("\n".join(format_summary(summary, str(path))))
    if recent:
        print("\nLatest requests:")
        for entry in recent:
            model = entry.cloud_model if entry.route == "cloud" else entry.local_model
            confidence = "" if entry.confidence is None else f" confidence {entry.confidence:.2f}"
            why = f" ({entry.escalation_reason})" if entry.escalation_reason else ""
            print(
                f"  {entry.time}  {entry.task:<10} {entry.route:<5} {model or '?'}{confidence}{why}"
            )
    return 0


def _usd(value: float) -> str:
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def format_summary(summary: LedgerSummary, path: str) -> list[str]:
    if summary.requests == 0:
        return [f"No requests recorded yet (ledger: {path})."]
    share = summary.share_local or 0.0
    lines = [
        f"Requests: {summary.requests:,} ({summary.answered_local:,} answered on this device, "
        f"{summary.answered_cloud:,} in the cloud): {share:.0%} on this device.",
        f"Tokens that never left this machine: {summary.tokens_kept_local:,}.",
    ]
    if summary.answered_cloud or summary.cloud_tokens_in:
        unpriced = (
            f"; {summary.unpriced_cloud_requests} request(s) to models with no known price"
            if summary.unpriced_cloud_requests
            else ""
        )
        lines.append(
            f"Sent to the cloud: {summary.cloud_tokens_in:,} tokens in, "
            f"{summary.cloud_tokens_out:,} out; estimated spend {_usd(summary.cloud_spend_usd)}"
            f"{unpriced}."
        )
    if summary.spend_avoided_usd is not None:
        lines.append(
            f"Estimated spend avoided: {_usd(summary.spend_avoided_usd)} (the requests kept on "
            f"this device, at {summary.reference_model}'s list price)."
        )
    else:
        lines.append(
            "Estimated spend avoided: unknown (set a cloud model with a known price, or add "
            "one to cloud_prices in the settings)."
        )
    if summary.routing_reasons:
        lines.append(
            "Routing reasons: " + ", ".join(f"{k} {v}" for k, v in summary.routing_reasons.items())
        )
    if summary.cloud_failures:
        lines.append(
            "Cloud not used or failed: "
            + ", ".join(f"{k} {v}" for k, v in summary.cloud_failures.items())
        )
    if summary.by_task:
        lines.append(
            "By task: "
            + "; ".join(
                f"{task} {routes['local']} local / {routes['cloud']} cloud"
                for task, routes in summary.by_task.items()
            )
        )
    lines.append(f"Since {summary.first} (ledger: {path}).")
    return lines
