"""The pass arithmetic that keeps batched work on one side of llama.cpp's kernel line."""

from __future__ import annotations

from hearth.core.engine.kernels import TILED_FROM_TOKENS, passes, resume_at


def test_a_short_pass_resumes_earlier_in_the_cache() -> None:
    assert resume_at(100, 101) == 101 - TILED_FROM_TOKENS  # one new token: recompute 7 more
    assert resume_at(50, 101) == 50  # long enough already
    assert resume_at(3, 5) == 0  # shorter than the line: all of it


def test_the_last_pass_takes_tokens_from_the_one_before() -> None:
    assert passes(0, 1027, 512) == [(0, 512), (512, 1019), (1019, 1027)]
    assert passes(10, 600, 512) == [(10, 522), (522, 600)]
    assert passes(0, 5, 512) == [(0, 5)]
    assert passes(0, 0, 512) == []
