"""Progress reports: throttled, with a rate over a window and the time left."""

from __future__ import annotations

import pytest

from hearth.core.models.progress import Phase, Progress, ProgressMeter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reports_are_throttled_but_the_first_and_last_always_come() -> None:
    clock = Clock()
    seen: list[Progress] = []
    meter = ProgressMeter(Phase.DOWNLOAD, 1000, seen.append, clock=clock, interval=1.0)

    for _ in range(10):
        clock.now += 0.05
        meter.advance(10)
    meter.finish()

    assert [p.done_bytes for p in seen] == [10, 100]


def test_rate_and_time_left_follow_the_bytes() -> None:
    clock = Clock()
    seen: list[Progress] = []
    meter = ProgressMeter(Phase.DOWNLOAD, 10_000, seen.append, clock=clock, interval=0.0)

    for _ in range(4):
        clock.now += 1.0
        meter.advance(1000)  # 1000 bytes a second

    assert seen[-1].bytes_per_s == pytest.approx(1000)
    assert seen[-1].eta_s == pytest.approx(6.0)
    assert seen[-1].fraction == pytest.approx(0.4)


def test_the_rate_forgets_what_happened_outside_its_window() -> None:
    clock = Clock()
    seen: list[Progress] = []
    meter = ProgressMeter(Phase.DOWNLOAD, None, seen.append, clock=clock, interval=0.0, window=2)

    clock.now += 1.0
    meter.advance(100_000)  # a fast start ...
    for _ in range(10):
        clock.now += 1.0
        meter.advance(100)  # ... then slow

    assert seen[-1].bytes_per_s == pytest.approx(100, rel=0.5)
    assert seen[-1].eta_s is None  # no total, no time left
    assert seen[-1].fraction is None


def test_a_resumed_transfer_starts_from_what_was_there() -> None:
    clock = Clock()
    seen: list[Progress] = []
    meter = ProgressMeter(Phase.DOWNLOAD, 100, seen.append, start_at=60, clock=clock)

    clock.now += 1
    meter.advance(40)
    meter.finish()

    assert seen[-1].done_bytes == 100
    assert seen[-1].resumed_from == 60
    assert seen[-1].bytes_per_s == pytest.approx(40)
    assert seen[-1].to_json()["phase"] == "download"
