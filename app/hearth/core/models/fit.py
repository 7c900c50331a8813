"""Will a model fit in this machine's memory at a given context size?

The estimate counts what llama.cpp allocates: the weights (memory-mapped, so the file size),
the KV cache (grows with the context: peers that forget it run out of memory at long
context), and compute buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

from hearth.core.hardware import Memory
from hearth.core.models.gguf_header import GGUFHeader

GIB = 1024**3
_BASE_OVERHEAD = 256 * 1024**2  # llama.cpp's own allocations, the host's Python
_KV_BYTES_PER_VALUE = 2  # f16 K and V caches


@dataclass(frozen=True)
class MemoryEstimate:
    weights_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes + self.overhead_bytes

    def describe(self) -> str:
        return (
            f"about {self.total_bytes / GIB:.1f} GiB (weights {self.weights_bytes / GIB:.1f}, "
            f"context {self.kv_cache_bytes / GIB:.1f}, working memory "
            f"{self.overhead_bytes / GIB:.1f})"
        )


def estimate_memory(header: GGUFHeader, context_size: int, batch_size: int = 512) -> MemoryEstimate:
    layers = header.block_count or 0
    heads = header.head_count or 1
    kv_heads = header.head_count_kv or heads
    width = header.embedding_length or 0
    head_dim = width // heads if heads else 0
    kv = 2 * layers * context_size * kv_heads * head_dim * _KV_BYTES_PER_VALUE
    vocab = header.array_lengths.get("tokenizer.ggml.tokens", 0)
    # Logits for one batch plus activations of a batch, in f32.
    compute = 4 * batch_size * (vocab + 4 * width)
    return MemoryEstimate(header.file_size, kv, _BASE_OVERHEAD + compute)


def too_big_reason(estimate: MemoryEstimate, memory: Memory, context_size: int) -> str | None:
    """Why the model cannot run here, or None when it can (perhaps slowly)."""
    if estimate.total_bytes <= memory.total_bytes:
        return None
    return (
        f"needs {estimate.describe()} at a context of {context_size} tokens, but this machine "
        f"has {memory.total_bytes / GIB:.1f} GiB of memory in all. Choose a smaller model or "
        "quantization, or lower the context size in settings."
    )
