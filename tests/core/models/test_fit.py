"""Tests for the memory estimate of a model at a context size, and the fit check."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import gguf
import pytest

from hearth.core.engine.preflight import check_model_file
from hearth.core.errors import ModelFileError
from hearth.core.hardware import Memory, memory
from hearth.core.models.fit import GIB, MemoryEstimate, estimate_memory, too_big_reason
from hearth.core.models.gguf_header import GGUFHeader, read_gguf_header
from tests.gguf_factory import ModelSpec, vocabulary, write_model

# Not the factory's default, so that a formula mixing up heads, KV heads, layers or width
# cannot pass by coincidence.
SPEC = ModelSpec(width=96, layers=3, heads=6, kv_heads=2, ffn=160, name="Hearth Fit Test")
HEAD_DIM = SPEC.width // SPEC.heads
MIB = 1024**2


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("fit") / "fit.gguf", SPEC)


@pytest.fixture(scope="module")
def header(model_path: Path) -> GGUFHeader:
    return read_gguf_header(model_path)


def expected_kv(layers: int, context: int, kv_heads: int, head_dim: int) -> int:
    return 2 * layers * context * kv_heads * head_dim * 2


def test_the_header_has_the_shape_written(header: GGUFHeader) -> None:
    assert header.block_count == SPEC.layers
    assert header.head_count == SPEC.heads
    assert header.head_count_kv == SPEC.kv_heads
    assert header.embedding_length == SPEC.width


@pytest.mark.parametrize("context", [128, 512, 4096, 32768, 131072])
def test_kv_cache_matches_the_formula(header: GGUFHeader, context: int) -> None:
    estimate = estimate_memory(header, context)

    assert estimate.kv_cache_bytes == expected_kv(SPEC.layers, context, SPEC.kv_heads, HEAD_DIM)
    assert estimate.kv_cache_bytes == 2 * 3 * context * 2 * 16 * 2


def test_kv_cache_grows_linearly_with_context(header: GGUFHeader) -> None:
    sizes = [estimate_memory(header, n).kv_cache_bytes for n in (1024, 2048, 3072, 8192)]

    assert sizes[1] == 2 * sizes[0]
    assert sizes[2] == 3 * sizes[0]
    assert sizes[3] == 8 * sizes[0]
    assert estimate_memory(header, 0).kv_cache_bytes == 0


def test_only_the_kv_cache_depends_on_context(header: GGUFHeader) -> None:
    small, large = estimate_memory(header, 1024), estimate_memory(header, 65536)

    assert small.weights_bytes == large.weights_bytes
    assert small.overhead_bytes == large.overhead_bytes
    assert large.total_bytes - small.total_bytes == large.kv_cache_bytes - small.kv_cache_bytes


def test_weights_are_the_file_size(header: GGUFHeader, model_path: Path) -> None:
    assert estimate_memory(header, 2048).weights_bytes == model_path.stat().st_size


def test_overhead_covers_logits_and_activations_of_a_batch(header: GGUFHeader) -> None:
    n_vocab = len(vocabulary()[0])

    estimate = estimate_memory(header, 2048, batch_size=256)

    assert estimate.overhead_bytes == 256 * MIB + 4 * 256 * (n_vocab + 4 * SPEC.width)
    assert estimate_memory(header, 2048, batch_size=512).overhead_bytes > estimate.overhead_bytes


def test_total_is_the_sum_of_the_parts() -> None:
    estimate = MemoryEstimate(weights_bytes=3 * GIB, kv_cache_bytes=GIB, overhead_bytes=GIB // 2)

    assert estimate.total_bytes == 3 * GIB + GIB + GIB // 2
    assert estimate.describe() == ("about 4.5 GiB (weights 3.0, context 1.0, working memory 0.5)")


def test_a_model_without_kv_head_count_uses_one_kv_head_per_head(header: GGUFHeader) -> None:
    metadata = {k: v for k, v in header.metadata.items() if not k.endswith("head_count_kv")}
    multi_head = dataclasses.replace(header, metadata=metadata)
    assert multi_head.head_count_kv is None

    estimate = estimate_memory(multi_head, 1000)

    assert estimate.kv_cache_bytes == expected_kv(SPEC.layers, 1000, SPEC.heads, HEAD_DIM)


# --- too_big_reason ---------------------------------------------------------------------------


ESTIMATE = MemoryEstimate(weights_bytes=4 * GIB, kv_cache_bytes=2 * GIB, overhead_bytes=GIB)


def test_it_fits_when_the_total_is_within_memory() -> None:
    roomy = Memory(total_bytes=16 * GIB, available_bytes=12 * GIB)

    assert too_big_reason(ESTIMATE, roomy, 8192) is None


def test_it_fits_exactly_at_the_limit() -> None:
    exact = Memory(total_bytes=ESTIMATE.total_bytes, available_bytes=ESTIMATE.total_bytes)

    assert too_big_reason(ESTIMATE, exact, 8192) is None


def test_little_available_memory_is_slow_not_impossible() -> None:
    busy = Memory(total_bytes=16 * GIB, available_bytes=GIB)

    assert too_big_reason(ESTIMATE, busy, 8192) is None


def test_too_big_says_why_and_what_to_do() -> None:
    small = Memory(total_bytes=4 * GIB, available_bytes=3 * GIB)

    reason = too_big_reason(ESTIMATE, small, 8192)

    assert reason is not None
    assert "smaller model" in reason
    assert "8192" in reason
    assert "context size" in reason
    assert "7.0 GiB" in reason  # what it needs
    assert "4.0 GiB" in reason  # what the machine has


def test_a_longer_context_can_tip_a_model_over(header: GGUFHeader) -> None:
    short = estimate_memory(header, 2048)
    machine = Memory(total_bytes=short.total_bytes + 1, available_bytes=short.total_bytes)

    assert too_big_reason(short, machine, 2048) is None
    long_reason = too_big_reason(estimate_memory(header, 4096), machine, 4096)
    assert long_reason is not None
    assert "4096" in long_reason


# --- preflight --------------------------------------------------------------------------------


def tiny_machine() -> Memory:
    return Memory(total_bytes=64 * MIB, available_bytes=32 * MIB)


def test_preflight_refuses_a_model_too_large_for_this_machine(model_path: Path) -> None:
    with pytest.raises(ModelFileError, match="too large for this machine") as caught:
        check_model_file(model_path, 4096, memory_probe=tiny_machine)

    message = str(caught.value)
    assert caught.value.exit_code == 3
    assert model_path.name in message
    assert "4096" in message
    assert "smaller model" in message


def test_preflight_with_the_real_probe_returns_the_header(model_path: Path) -> None:
    header = check_model_file(model_path, 2048)

    assert header.path == model_path
    assert header.block_count == SPEC.layers
    assert header.name == "Hearth Fit Test"
    assert len(header.tensors) > 0


def test_preflight_uses_the_probe_it_is_given(model_path: Path) -> None:
    probed: list[Memory] = []

    def probe() -> Memory:
        probed.append(memory())
        return probed[-1]

    check_model_file(model_path, 2048, memory_probe=probe)

    assert len(probed) == 1


def test_preflight_rejects_a_bad_file_before_asking_about_memory(tmp_path: Path) -> None:
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_bytes(b"these are my notes, not a model" * 10)
    probed: list[bool] = []

    def probe() -> Memory:
        probed.append(True)
        return tiny_machine()

    with pytest.raises(ModelFileError) as caught:
        check_model_file(not_a_model, 2048, memory_probe=probe)

    assert "too large" not in str(caught.value)
    assert probed == []


def test_preflight_rejects_a_file_without_weights(tmp_path: Path) -> None:
    vocab_only = tmp_path / "vocab-only.gguf"
    writer = gguf.GGUFWriter(str(vocab_only), "llama")
    writer.add_name("Vocabulary only")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    with pytest.raises(ModelFileError, match="holds no weights") as caught:
        check_model_file(vocab_only, 2048, memory_probe=tiny_machine)

    assert caught.value.exit_code == 3
