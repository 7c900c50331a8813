"""Server-sent events split at any byte, and the retry arithmetic."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from hearth.core.cloud.retry import RetryPolicy, parse_retry_after
from hearth.core.cloud.sse import iter_sse_data

STREAM = (
    b": keep-alive\r\n\r\n"
    b'data: {"a": "line\xe2\x80\xa8sep"}\r\n\r\n'  # U+2028 inside the JSON, unescaped
    b"event: message\ndata: first\ndata: second\n\n"
    b"data:no-space\n\n"
    b"data: [DONE]\n\n"
)
EXPECTED = ['{"a": "line\u2028sep"}', "first\nsecond", "no-space", "[DONE]"]


def test_events_are_decoded() -> None:
    assert list(iter_sse_data([STREAM])) == EXPECTED


@pytest.mark.parametrize("size", [1, 2, 3, 7, 16])
def test_events_survive_any_chunking(size: int) -> None:
    chunks = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
    assert list(iter_sse_data(chunks)) == EXPECTED


def test_an_event_cut_before_its_blank_line_is_dropped() -> None:
    assert list(iter_sse_data([b'data: one\n\ndata: {"half'])) == ["one"]
    assert list(iter_sse_data([b"data: one\n\ndata: two\n"])) == ["one"]


def test_retry_after_seconds_date_and_milliseconds() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after({"retry-after": "7"}) == 7.0
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after": "Thu, 01 Jan 2026 12:00:30 GMT"}, now) == 30.0
    assert parse_retry_after({"retry-after": "Thu, 01 Jan 2026 11:00:00 GMT"}, now) == 0.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    for bad in ("soon", "-3", "nan", "inf", ""):
        assert parse_retry_after({"retry-after": bad}) is None
    assert parse_retry_after({}) is None


def test_backoff_is_jittered_exponential_and_capped() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(1)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        delays = [policy.delay(retry, None, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the range, not stuck low
    assert policy.delay(1, 12.0, rng) == 12.0  # the server's word wins
