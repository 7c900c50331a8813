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
params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_1
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), params))
"""


@pytest.fixture(scope="session")
def tiny_q4_model(models_dir: Path) -> Path:
    """A generated model quantized to Q4_1: weights llama.cpp multiplies the same way for a
    batch as for one token, so batched verification and scoring are exact on it (F16 weights
    are not: see host._batch_invariant_weights). Its heads are 32 wide, as the exact layout's
    Q8_0 V cache needs (real models' are 64-256; the tiny model's 16)."""
    target = models_dir / "tiny-q4_1.gguf"
    if not target.exists():
        source = write_model(models_dir / "tiny-h32.gguf", ModelSpec(heads=2, kv_heads=1))
        done = subprocess.run(
            [sys.executable, "-c", QUANTIZE, str(source), str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return target
