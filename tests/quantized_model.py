"""Test models that need llama.cpp to make them (quantized in a child process: the test
process, like the app, never loads llama_cpp itself)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

QUANTIZE = """
import sys, llama_cpp
params = llama_cpp.llama_model_quantize_default_params()
params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_1
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), params))
"""


@pytest.fixture(scope="session")
def tiny_q4_model(tiny_model: Path) -> Path:
    """The generated model quantized to Q4_1: weights llama.cpp multiplies the same way for a
    batch as for one token, so batched verification and scoring are exact on it (its F16
    original is not: see host._batch_invariant_weights)."""
    target = tiny_model.with_name("tiny-q4_1.gguf")
    if not target.exists():
        done = subprocess.run(
            [sys.executable, "-c", QUANTIZE, str(tiny_model), str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return target
