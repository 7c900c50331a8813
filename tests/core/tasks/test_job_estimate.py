"""A long job is announced up front with its parts and a rough time (issue 18)."""

from __future__ import annotations

from hearth.core.tasks.job_estimate import estimate_summary


def test_a_ten_megabyte_text_is_hundreds_of_parts_and_hours() -> None:
    estimate = estimate_summary(10_000_000, 4096)

    assert 500 <= estimate.parts <= 1000
    assert estimate.rounds >= 2
    assert estimate.seconds > 3600
    assert estimate.long
    assert "parts" in estimate.describe()
    assert " h " in estimate.describe()


def test_a_short_text_is_one_pass_and_not_worth_a_warning() -> None:
    estimate = estimate_summary(2_000, 4096)

    assert estimate.parts == 1
    assert estimate.rounds == 0
    assert not estimate.long
    assert estimate.describe().startswith("one pass")


def test_a_faster_machine_and_a_bigger_context_mean_less_time() -> None:
    slow = estimate_summary(1_000_000, 4096)
    fast = estimate_summary(1_000_000, 4096, prefill_tokens_per_s=880, decode_tokens_per_s=280)
    wide = estimate_summary(1_000_000, 32768)

    assert fast.seconds < slow.seconds / 5
    assert wide.parts < slow.parts
