"""Random-weight GGUF models at the real shapes of Llama 3.2 1B / 3B, quantized by llama.cpp.

Decode speed depends on shape and quantization, not on the weight values, so these stand in
for the real models where no model hub can be reached. Cached: made once per shape and quant.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.gguf_factory import ModelSpec, write_model

SHAPES = {
    "llama32-1b": ModelSpec(
        width=2048,
        layers=16,
        heads=32,
        kv_heads=8,
        ffn=8192,
        context_length=131072,
        vocab_size=128256,
        name="Llama-3.2-1B shape",
    ),
    "llama32-3b": ModelSpec(
        width=3072,
        layers=28,
        heads=24,
        kv_heads=8,
        ffn=8192,
        context_length=131072,
        vocab_size=128256,
        name="Llama-3.2-3B shape",
    ),
}
QUANTS = {"Q4_K_M": 15, "Q4_0": 2}
FORMAT = 2  # bump when the generated model changes, so caches are remade


def cached_path(cache_dir: Path, shape: str, quant: str) -> Path:
    """Where the model of this shape and quantization is (or will be) cached."""
    return cache_dir / f"{shape}-{quant}-v{FORMAT}.gguf"


def real_shape_model(cache_dir: Path, shape: str = "llama32-1b", quant: str = "Q4_K_M") -> Path:
    """The quantized model file, made and cached on first use (minutes; gigabytes of disk)."""
    target = cached_path(cache_dir, shape, quant)
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    f16 = cache_dir / f"{shape}-F16.gguf.tmp"
    write_model(f16, SHAPES[shape])
    import llama_cpp  # the benchmark process may load llama.cpp: it is not the app

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANTS[quant]
    partial = target.with_suffix(".partial")
    rc = llama_cpp.llama_model_quantize(str(f16).encode(), str(partial).encode(), params)
    f16.unlink()
    if rc != 0:
        raise RuntimeError(f"quantizing failed with status {rc}")
    partial.rename(target)
    return target


if __name__ == "__main__":
    print(real_shape_model(Path(sys.argv[1]), *sys.argv[2:]))
