"""Reading a prompt ahead of its request (while the user types): the request then starts from
the cache and answers exactly as it would have without it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.cancel import Cancelled, CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.kernels import TILED_FROM_TOKENS
from hearth.core.engine.launcher import host_command
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, LoadOptions

TEXT = "Dear team, the invoice 4471 for 1,250 EUR is due on 3 March. " * 4


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


def request(text: str) -> GenerateRequest:
    messages = (Message("system", "Correct the text."), Message("user", text))
    return GenerateRequest(messages, max_tokens=40, temperature=0.0, logprobs=True)


def test_a_prompt_read_ahead_is_used_and_changes_nothing(
    engine: EngineClient, tiny_q4_model: Path
) -> None:
    engine.load(LoadOptions(str(tiny_q4_model), context_size=2048, threads=1))
    cold = engine.complete(request(TEXT))
    engine.complete(request("something else entirely, to push the first text out"))
    cached = engine.prefill(request(TEXT))
    assert cached == cold.stats.prompt_tokens - TILED_FROM_TOKENS
    warm = engine.complete(request(TEXT))
    assert warm.stats.cached_prompt_tokens == cached
    assert warm.text == cold.text
    assert warm.token_logprobs == cold.token_logprobs


def test_a_cancelled_read_ahead_ends_quietly_and_the_request_still_runs(
    engine: EngineClient, tiny_q4_model: Path
) -> None:
    engine.load(LoadOptions(str(tiny_q4_model), context_size=2048, threads=1))
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        engine.prefill(request(TEXT), cancel=cancel)
    assert engine.complete(request(TEXT)).stats.output_tokens >= 1


def test_nothing_is_read_ahead_where_passes_would_change_the_answer(
    engine: EngineClient, tiny_model: Path
) -> None:
    # F16 weights: another pass size, other logits (host._batch_invariant_weights).
    engine.load(LoadOptions(str(tiny_model), context_size=2048, threads=1))
    assert engine.prefill(request(TEXT)) == 0
