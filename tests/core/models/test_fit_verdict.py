"""Fits / may be slow / won't fit, with the reason; and the one model recommended at first run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hearth.core.hardware import Memory
from hearth.core.models.catalog import Catalog
from hearth.core.models.fit import (
    GIB,
    FitLabel,
    Machine,
    ModelShape,
    assess_fit,
    estimate_memory,
)
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.models.recommend import recommend
from tests.gguf_factory import ModelSpec, write_model

# Llama 3.2 1B's shape at Q4_K_M (0.8 GB): about 1.4 GiB at 4k context.
SMALL = ModelShape(
    weights_bytes=800_000_000,
    block_count=16,
    embedding_length=2048,
    head_count=32,
    head_count_kv=8,
    key_length=64,
    value_length=64,
    vocab_size=128256,
)
BIG = dataclasses.replace(SMALL, weights_bytes=5_000_000_000)


def machine(total_gib: float, free_gib: float | None = None, gpu: bool | None = False) -> Machine:
    total = int(total_gib * GIB)
    free = total if free_gib is None else int(free_gib * GIB)
    return Machine(Memory(total, free), gpu, ("CPU", "Metal") if gpu else ("CPU",))


def test_a_small_model_fits_a_laptop_and_says_how_fast() -> None:
    verdict = assess_fit(SMALL, machine(16), 4096)

    assert verdict.label is FitLabel.FITS
    assert verdict.tokens_per_s == pytest.approx(20e9 / 800e6)
    assert "4096 tokens" in verdict.reason
    assert "25 tokens/s on the CPU" in verdict.reason


def test_too_big_for_the_memory_will_not_fit() -> None:
    verdict = assess_fit(BIG, machine(4), 4096)

    assert verdict.label is FitLabel.WONT_FIT
    assert "4.0 GiB of memory in all" in verdict.reason
    assert "smaller model" in verdict.reason


def test_a_long_context_can_make_a_model_not_fit() -> None:
    at_4k = assess_fit(SMALL, machine(4), 4096)
    at_128k = assess_fit(SMALL, machine(4), 131072)

    assert at_4k.label is FitLabel.FITS
    assert at_128k.label is FitLabel.WONT_FIT
    assert at_128k.estimate.kv_cache_bytes == 32 * at_4k.estimate.kv_cache_bytes


def test_little_free_memory_may_be_slow() -> None:
    verdict = assess_fit(SMALL, machine(16, free_gib=1), 4096)

    assert verdict.label is FitLabel.SLOW
    assert "only 1.0 GiB is free" in verdict.reason


def test_most_of_the_memory_may_be_slow() -> None:
    needed = estimate_memory(SMALL, 4096).total_bytes / GIB

    verdict = assess_fit(SMALL, machine(needed / 0.9), 4096)

    assert verdict.label is FitLabel.SLOW
    assert "most of this machine's" in verdict.reason


def test_a_big_model_on_a_cpu_alone_may_be_slow_but_not_with_a_gpu() -> None:
    cpu = assess_fit(BIG, machine(64), 4096)
    gpu = assess_fit(BIG, machine(64, gpu=True), 4096)
    unknown = assess_fit(BIG, machine(64, gpu=None), 4096)

    assert cpu.label is FitLabel.SLOW
    assert "without a GPU, expect only about 4 tokens/s" in cpu.reason
    assert gpu.label is FitLabel.FITS
    assert "with Metal offload" in gpu.reason
    assert gpu.tokens_per_s is None
    assert unknown.label is FitLabel.FITS  # not asked: no speed guessed
    assert "tokens/s" not in unknown.reason


def test_the_shape_comes_from_a_header_with_an_explicit_head_size(tmp_path: Path) -> None:
    path = write_model(
        tmp_path / "qwen3-like.gguf",
        ModelSpec(width=64, heads=4, kv_heads=2, extra_kv={"llama.attention.key_length": 32}),
    )
    shape = ModelShape.from_header(read_gguf_header(path))

    assert shape.key_length == shape.value_length == 32  # not 64 / 4
    assert estimate_memory(shape, 1000).kv_cache_bytes == 2 * 1000 * 2 * (32 + 32) * 2


def test_a_shape_round_trips_through_json() -> None:
    assert ModelShape.from_json(SMALL.to_json()) == SMALL
    with pytest.raises(ValueError, match="whole numbers"):
        ModelShape.from_json({**SMALL.to_json(), "block_count": "many"})


# --- the first-run recommendation -------------------------------------------------------------


def test_a_big_machine_with_a_gpu_gets_the_strongest_model(catalog: Catalog) -> None:
    best = recommend(catalog, machine(32, gpu=True), 4096)

    assert best.entry is not None
    assert best.entry.id == "qwen3-4b"
    assert best.verdict is not None
    assert best.verdict.label is FitLabel.FITS


def test_a_cpu_only_laptop_gets_a_model_that_is_quick_on_its_cpu(catalog: Catalog) -> None:
    best = recommend(catalog, machine(16), 4096)

    assert best.entry is not None
    assert best.entry.id == "qwen3-1.7b"
    assert "most capable model that runs well here" in best.why


def test_a_small_machine_gets_the_lightest_model_with_a_warning(catalog: Catalog) -> None:
    best = recommend(catalog, machine(2.2, free_gib=1.0), 4096)

    assert best.entry is not None
    assert best.entry.id == "llama-3.2-1b-instruct"
    assert best.why.startswith("No model runs comfortably")


def test_a_tiny_machine_gets_no_recommendation_and_the_reason(catalog: Catalog) -> None:
    best = recommend(catalog, machine(1), 4096)

    assert best.entry is None
    assert "None of the catalog's models fits this machine" in best.why
    assert "1.0 GiB of memory in all" in best.why


def test_the_research_only_model_is_never_the_first_suggestion(catalog: Catalog) -> None:
    for total in (2.5, 3, 4, 6, 8, 16, 64):
        for gpu in (False, True):
            best = recommend(catalog, machine(total, gpu=gpu), 4096)
            assert best.entry is None or best.entry.id != "qwen2.5-3b-instruct"
