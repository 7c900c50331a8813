"""Test models that need llama.cpp to make them (quantized in a child process: the test
process, like the app, never loads llama_cpp itself)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.gguf_factory import ModelSpec, write_model

QUANTIZE = """
import sys, llama_cpp
params = llama_cpp.llama_model_quantize_default_params()
params.ftype = getattr(llama_cpp, sys.argv[3])
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), params))
"""


def quantize(source: Path, target: Path, ftype: str) -> Path:
    if not target.exists():
        done = subprocess.run(
            [sys.executable, "-c", QUANTIZE, str(source), str(target), ftype],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return target


@pytest.fixture(scope="session")
def tiny_q4_model(models_dir: Path) -> Path:
    """A generated model quantized to Q4_1: weights llama.cpp multiplies the same way for a
    batch as for one token, so batched verification and scoring are exact on it (F16 weights
    are not: see host._batch_invariant_weights). Its heads are 32 wide, as the exact layout's
    Q8_0 V cache needs (real models' are 64-256; the tiny model's 16)."""
    source = write_model(models_dir / "tiny-h32.gguf", ModelSpec(heads=2, kv_heads=1))
    return quantize(source, models_dir / "tiny-q4_1.gguf", "LLAMA_FTYPE_MOSTLY_Q4_1")


@pytest.fixture(scope="session")
def small_q4k_model(models_dir: Path) -> Path:
    """A generated model in Q4_K_M, the quantization of the Llama 3.2 files users run: rows 256
    wide, as K-quants need. llama.cpp multiplies K-quant weights with one kernel for passes of
    up to 7 tokens and a tiled one from 8 on, which round differently; the engine keeps each
    kind of work on one side of that line (host.SINGLE_KERNEL_MAX_TOKENS)."""
    spec = ModelSpec(width=256, layers=2, heads=8, kv_heads=4, ffn=512, name="Hearth Test Q4_K")
    source = write_model(models_dir / "small-256.gguf", spec)
    return quantize(source, models_dir / "small-q4_k_m.gguf", "LLAMA_FTYPE_MOSTLY_Q4_K_M")
