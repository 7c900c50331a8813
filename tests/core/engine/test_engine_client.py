"""The engine host process through `EngineClient`, on real generated GGUF models."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.engine.chat_template import Message
from hearth.core.engine.client import EngineClient
from hearth.core.engine.kernels import TILED_FROM_TOKENS
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationResult,
    LoadOptions,
    PrefillProgress,
    TokenText,
)
from hearth.core.errors import Cancelled, ChatTemplateError, EngineCrashed, ModelFileError
from tests.gguf_factory import ModelSpec, write_model

SYSTEM = "You summarize texts. Give only the summary, in the language of the text."


def ask(text: str, *, max_tokens: int = 24, system: str = SYSTEM) -> GenerateRequest:
    return GenerateRequest(
        (Message("system", system), Message("user", text)), max_tokens=max_tokens, seed=7
    )


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


def test_load_reports_what_is_in_effect(engine: EngineClient, tiny_model: Path) -> None:
    progress: list[float] = []
    info = engine.load(
        LoadOptions(str(tiny_model), context_size=512, threads=1), on_progress=progress.append
    )
    assert info.model_path == str(tiny_model)
    assert info.context_size == 512
    assert info.threads == 1
    assert info.backend == "CPU"
    assert info.gpu_layers == 0
    assert "GPU" in info.gpu_note
    assert info.architecture == "llama"
    assert info.n_layers == 2
    assert info.quantization == "F16"
    assert info.chat_format == "model"
    assert info.load_ms > 0
    assert progress
    assert progress[-1] == 1.0
    assert engine.pid is not None


def test_streams_tokens_then_a_result_with_timings(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(LoadOptions(str(tiny_model), context_size=512))
    events = list(engine.generate(ask("The cat sat on the mat.")))
    assert isinstance(events[0], PrefillProgress)
    result = events[-1]
    assert isinstance(result, GenerationResult)
    pieces = [e.text for e in events if isinstance(e, TokenText)]
    assert pieces, "tokens must stream before the result"
    assert "".join(pieces) == result.text
    stats = result.stats
    assert stats.prompt_tokens > 10
    assert 1 <= stats.output_tokens <= 24
    assert stats.ttft_ms > 0
    assert stats.total_ms >= stats.ttft_ms
    assert result.wall_total_ms >= stats.total_ms
    assert result.finish_reason in ("stop", "length")


def test_shared_prefix_is_not_recomputed(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(LoadOptions(str(tiny_model), context_size=1024))
    first = engine.complete(ask("First text about apples."))
    second = engine.complete(ask("Second text, about pears and plums."))
    assert first.stats.cached_prompt_tokens == 0
    # The system message and the template's framing are the shared prefix.
    assert second.stats.cached_prompt_tokens >= len(SYSTEM) // 2
    assert second.stats.cached_prompt_tokens < second.stats.prompt_tokens
    again = engine.complete(ask("Second text, about pears and plums."))
    # All but the last pass's minimum (kernels.TILED_FROM_TOKENS) comes from the cache.
    assert again.stats.cached_prompt_tokens == again.stats.prompt_tokens - TILED_FROM_TOKENS


def test_cancel_during_decode_stops_and_the_next_request_works(
    engine: EngineClient, slow_model: Path
) -> None:
    engine.load(LoadOptions(str(slow_model), context_size=4096))
    cancel = CancelToken()
    received = 0
    with pytest.raises(Cancelled):
        for event in engine.generate(ask("Go on.", max_tokens=3000), cancel=cancel):
            if isinstance(event, TokenText):
                received += 1
                if received == 3:
                    cancel.cancel()
    assert received < 200, "decode went on long after the cancel"
    after = engine.complete(ask("Again.", max_tokens=5))
    assert after.stats.output_tokens >= 1


def test_cancel_lands_inside_prompt_processing(engine: EngineClient, slow_model: Path) -> None:
    # One batch for the whole prompt: only llama.cpp's abort callback can stop it midway.
    engine.load(LoadOptions(str(slow_model), context_size=8192, batch_size=8192))
    long_text = " ".join(f"w{i % 97}" for i in range(1500))
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        for event in engine.generate(ask(long_text, max_tokens=4), cancel=cancel):
            assert not isinstance(event, TokenText)
            if isinstance(event, PrefillProgress):
                assert event.total > 4000
                cancel.cancel()
    # Had the batch run to its end, its tokens would now be cached.
    retry = engine.complete(ask(long_text, max_tokens=1))
    assert retry.stats.cached_prompt_tokens == 0
    assert retry.stats.output_tokens == 1


def test_host_killed_mid_generation_raises_and_next_request_restarts(
    engine: EngineClient, slow_model: Path
) -> None:
    engine.load(LoadOptions(str(slow_model), context_size=2048))
    first_pid = engine.pid
    assert first_pid is not None
    with pytest.raises(EngineCrashed) as crash:
        for event in engine.generate(ask("Keep going.", max_tokens=2000)):
            if isinstance(event, TokenText):
                os.kill(first_pid, signal.SIGKILL)
    assert "SIGKILL" in crash.value.reason
    assert "Nothing you typed was lost" in crash.value.message
    assert crash.value.exit_code == 4
    assert engine.pid is None

    result = engine.complete(ask("After the crash.", max_tokens=4))
    assert result.stats.output_tokens >= 1
    assert engine.pid not in (None, first_pid)


def test_llama_cpp_abort_is_a_typed_crash_and_the_engine_recovers(
    engine: EngineClient, tiny_model: Path, models_dir: Path
) -> None:
    # llama.cpp aborts the whole process on this header (4 heads, 3 KV heads). The preflight
    # refuses such files; here the client is handed one directly to prove the crash path.
    bad = write_model(models_dir / "bad-heads.gguf", ModelSpec(heads=4, kv_heads=3))
    with pytest.raises(EngineCrashed) as crash:
        engine.load(LoadOptions(str(bad), context_size=256))
    assert "abort" in crash.value.reason.lower()
    info = engine.load(LoadOptions(str(tiny_model), context_size=256))
    assert info.architecture == "llama"
    assert engine.complete(ask("Still alive?", max_tokens=3)).stats.output_tokens >= 1


def test_model_without_template_uses_the_format_its_vocabulary_proves(
    engine: EngineClient, no_template_model: Path
) -> None:
    info = engine.load(LoadOptions(str(no_template_model), context_size=256))
    assert info.chat_format == "chatml"
    assert engine.complete(ask("Hello", max_tokens=3)).stats.prompt_tokens > 5


def test_model_without_template_or_known_format_is_refused_clearly(
    engine: EngineClient, models_dir: Path, tiny_model: Path
) -> None:
    bare = write_model(
        models_dir / "bare.gguf", ModelSpec(chat_template=None, control_tokens=False)
    )
    with pytest.raises(ChatTemplateError, match="has no chat template") as error:
        engine.load(LoadOptions(str(bare), context_size=256))
    assert error.value.exit_code == 3
    # The host survived the refusal.
    assert engine.load(LoadOptions(str(tiny_model), context_size=256)).architecture == "llama"


def test_unsafe_chat_template_is_blocked_not_run(engine: EngineClient, models_dir: Path) -> None:
    evil = write_model(
        models_dir / "evil.gguf",
        ModelSpec(chat_template="{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    )
    engine.load(LoadOptions(str(evil), context_size=256))
    with pytest.raises(ChatTemplateError, match="unsafe"):
        engine.complete(ask("hi"))


def test_file_llama_cpp_cannot_load_is_a_model_file_error(
    engine: EngineClient, tiny_model: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[: tiny_model.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="could not load"):
        engine.load(LoadOptions(str(cut), context_size=256))
    assert engine.load(LoadOptions(str(tiny_model), context_size=256)).n_layers == 2


def test_prompt_longer_than_context_is_refused_with_advice(
    engine: EngineClient, tiny_model: Path
) -> None:
    engine.load(LoadOptions(str(tiny_model), context_size=128))
    with pytest.raises(Exception, match="too long for the model's context"):
        engine.complete(ask("word " * 400))
    assert engine.complete(ask("short", max_tokens=2)).stats.output_tokens >= 1


def test_a_host_that_cannot_start_is_reported(hearth_home: Path) -> None:
    client = EngineClient(
        [sys.executable, "-c", "import sys; sys.exit(3)"], log_dir=hearth_home / "logs"
    )
    with pytest.raises(EngineCrashed, match="could not start") as crash:
        client.host_info()
    assert "status 3" in crash.value.reason


def test_host_exits_when_the_app_goes_away(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(LoadOptions(str(tiny_model), context_size=128))
    host = engine._host
    assert host is not None
    host._stdin.close()  # what the OS does when the app process dies
    assert host.proc.wait(timeout=30) == 0
