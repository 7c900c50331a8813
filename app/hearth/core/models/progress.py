"""Progress of long file work (download, copy, hash): bytes, rate and time left.

Work reports raw byte counts as often as it likes; a `ProgressMeter` turns them into
`Progress` values at most every `interval` seconds (a GUI cannot repaint 1,600 times a
second), always including the first and the last, with a rate averaged over a sliding window
so that one slow read does not swing the time left.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    DOWNLOAD = "download"
    COPY = "copy"
    VERIFY = "verify"  # SHA-256 of the whole file, after a download or copy


@dataclass(frozen=True)
class Progress:
    phase: Phase
    done_bytes: int
    total_bytes: int | None
    bytes_per_s: float | None
    eta_s: float | None
    resumed_from: int = 0  # bytes already there when a download resumed

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        return min(1.0, self.done_bytes / self.total_bytes)

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase.value,
            "done_bytes": self.done_bytes,
            "total_bytes": self.total_bytes,
            "bytes_per_s": self.bytes_per_s,
            "eta_s": self.eta_s,
            "resumed_from": self.resumed_from,
        }


ProgressCallback = Callable[[Progress], None]


class ProgressMeter:
    """Turns a stream of byte counts into throttled `Progress` reports for one phase."""

    def __init__(
        self,
        phase: Phase,
        total_bytes: int | None,
        report: ProgressCallback | None,
        *,
        start_at: int = 0,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
        window: float = 5.0,
    ) -> None:
        self._phase = phase
        self._total = total_bytes
        self._report = report
        self._clock = clock
        self._interval = interval
        self._window = window
        self._resumed_from = start_at
        self.done = start_at
        now = clock()
        self._samples: deque[tuple[float, int]] = deque([(now, start_at)])
        self._last_report: float | None = None

    def advance(self, n: int) -> None:
        self.set(self.done + n)

    def set(self, done: int) -> None:
        """Record that `done` bytes are done; report if enough time has passed."""
        self.done = done
        now = self._clock()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()
        if self._last_report is None or now - self._last_report >= self._interval:
            self._emit(now)

    def finish(self) -> None:
        """Report the final count, whatever the throttle says."""
        self._emit(self._clock())

    def _emit(self, now: float) -> None:
        self._last_report = now
        if self._report is None:
            return
        rate = self._rate(now)
        eta = None
        if rate and self._total is not None:
            eta = max(0.0, (self._total - self.done) / rate)
        self._report(Progress(self._phase, self.done, self._total, rate, eta, self._resumed_from))

    def _rate(self, now: float) -> float | None:
        first_time, first_done = self._samples[0]
        elapsed = now - first_time
        if elapsed <= 0:
            return None
        return (self.done - first_done) / elapsed
