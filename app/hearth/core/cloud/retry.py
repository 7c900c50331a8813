"""When to try a cloud request again, and how long to wait first."""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from hearth.core.cancel import CancelToken

# Statuses worth another try: the request was fine, the server was busy or failing.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})

# wait(seconds, cancel): sleeps, returning early (by raising Cancelled) when cancelled.
Waiter = Callable[[float, CancelToken | None], None]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    # A server asking for a longer pause than this is not waited for: the user is told instead.
    max_retry_after_s: float = 30.0

    def delay(self, retry: int, retry_after_s: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry` (1-based).

        The server's Retry-After wins when given; otherwise exponential backoff with full
        jitter, so that many clients throttled at once do not come back in step.
        """
        if retry_after_s is not None:
            return max(0.0, retry_after_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry - 1))
        return rng.uniform(0, ceiling)


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, or `Retry-After` as seconds or
    an HTTP date. None when absent or unreadable."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
            if math.isfinite(value) and value >= 0:
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
        return max(0.0, seconds)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def cancellable_wait(seconds: float, cancel: CancelToken | None) -> None:
    """Sleep `seconds`, or less if `cancel` fires (then raise Cancelled)."""
    if cancel is None:
        time.sleep(seconds)
        return
    woken = threading.Event()
    unregister = cancel.on_cancel(woken.set)
    try:
        woken.wait(seconds)
    finally:
        unregister()
    cancel.raise_if_cancelled()
