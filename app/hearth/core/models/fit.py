"""Will a model fit in this machine's memory at a given context size, and will it be quick?

The estimate counts what llama.cpp allocates: the weights (memory-mapped, so the file size),
the KV cache (grows with the context: peers that forget it run out of memory at long
context), and compute buffers. The same estimate works from a file's header, from a store
entry, or from the catalog before anything is downloaded: all three give a `ModelShape`.

Whether a model is quick is a second question. Decoding reads every weight once per token,
so on a CPU tokens/s is about memory bandwidth / weight bytes (field notes: a 763 MiB model
decodes at ~28 tokens/s on the 2-core development machines, ~21 GB/s). With GPU offload the
GPU's own bandwidth decides, which the engine does not report, so no speed is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hearth.core.hardware import Memory
from hearth.core.models.gguf_header import GGUFHeader

GIB = 1024**3
_BASE_OVERHEAD = 256 * 1024**2  # llama.cpp's own allocations, the host's Python
_KV_BYTES_PER_VALUE = 2  # f16 K and V caches
# A laptop's dual-channel DDR4/DDR5 as llama.cpp uses it; conservative, so "fits" means fits.
DEFAULT_CPU_BANDWIDTH = 20e9
# Below this a summary of a page takes long enough that people give up waiting.
SLOW_TOKENS_PER_S = 10.0
# Leave room for the OS, the app and a browser: past this share of RAM, everything slows.
_MOST_OF_MEMORY = 0.8


@dataclass(frozen=True)
class ModelShape:
    """What the memory estimate needs to know about a model."""

    weights_bytes: int
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    key_length: int  # per head; width / heads unless the model says otherwise
    value_length: int
    vocab_size: int

    @classmethod
    def from_header(cls, header: GGUFHeader) -> ModelShape:
        heads = header.head_count or 1
        width = header.embedding_length or 0
        head_dim = width // heads if heads else 0
        key_length = header.key_length or head_dim
        return cls(
            weights_bytes=header.file_size,
            block_count=header.block_count or 0,
            embedding_length=width,
            head_count=heads,
            head_count_kv=header.head_count_kv or heads,
            key_length=key_length,
            value_length=header.value_length or key_length,
            vocab_size=header.vocab_size,
        )

    def to_json(self) -> dict[str, int]:
        return {
            "weights_bytes": self.weights_bytes,
            "block_count": self.block_count,
            "embedding_length": self.embedding_length,
            "head_count": self.head_count,
            "head_count_kv": self.head_count_kv,
            "key_length": self.key_length,
            "value_length": self.value_length,
            "vocab_size": self.vocab_size,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelShape:
        values = {name: data[name] for name in cls.__dataclass_fields__}
        if not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values.values()
        ):
            raise ValueError(f"a model shape needs whole numbers, got {values}")
        return cls(**values)


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

    def to_json(self) -> dict[str, int]:
        return {
            "total_bytes": self.total_bytes,
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv_cache_bytes,
            "overhead_bytes": self.overhead_bytes,
        }


def estimate_memory(
    model: GGUFHeader | ModelShape, context_size: int, batch_size: int = 512
) -> MemoryEstimate:
    shape = model if isinstance(model, ModelShape) else ModelShape.from_header(model)
    per_token = shape.head_count_kv * (shape.key_length + shape.value_length)
    kv = shape.block_count * context_size * per_token * _KV_BYTES_PER_VALUE
    # Logits for one batch plus activations of a batch, in f32.
    compute = 4 * batch_size * (shape.vocab_size + 4 * shape.embedding_length)
    return MemoryEstimate(shape.weights_bytes, kv, _BASE_OVERHEAD + compute)


def too_big_reason(estimate: MemoryEstimate, memory: Memory, context_size: int) -> str | None:
    """Why the model cannot run here, or None when it can (perhaps slowly)."""
    if estimate.total_bytes <= memory.total_bytes:
        return None
    return (
        f"needs {estimate.describe()} at a context of {context_size} tokens, but this machine "
        f"has {memory.total_bytes / GIB:.1f} GiB of memory in all. Choose a smaller model or "
        "quantization, or lower the context size in settings."
    )


# --- fits / may be slow / won't fit ----------------------------------------------------------


class FitLabel(StrEnum):
    FITS = "fits"
    SLOW = "may be slow"
    WONT_FIT = "won't fit"


@dataclass(frozen=True)
class Machine:
    """This computer as the fit check sees it.

    `gpu_offload` and `backends` come from the engine host's HostInfo (only that process
    may load llama.cpp to find out); the caller passes them in. `gpu_offload` None means not
    asked: then memory decides alone and no speed is guessed.
    """

    memory: Memory
    gpu_offload: bool | None = None
    backends: tuple[str, ...] = ()
    cpu_bandwidth: float = DEFAULT_CPU_BANDWIDTH

    @property
    def gpu_backend(self) -> str | None:
        if not self.gpu_offload:
            return None
        gpus = [name for name in self.backends if name.upper() != "CPU"]
        return gpus[0] if gpus else "GPU"


@dataclass(frozen=True)
class FitVerdict:
    label: FitLabel
    reason: str
    estimate: MemoryEstimate
    context_size: int
    tokens_per_s: float | None  # the CPU decode estimate; None when a GPU does the work

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label.value,
            "reason": self.reason,
            "context_size": self.context_size,
            "memory": self.estimate.to_json(),
            "tokens_per_s": None if self.tokens_per_s is None else round(self.tokens_per_s, 1),
        }


def assess_fit(model: GGUFHeader | ModelShape, machine: Machine, context_size: int) -> FitVerdict:
    """Label a model for this machine at `context_size`, with the reason in words."""
    estimate = estimate_memory(model, context_size)
    memory = machine.memory
    too_big = too_big_reason(estimate, memory, context_size)
    if too_big is not None:
        return FitVerdict(FitLabel.WONT_FIT, f"It {too_big}", estimate, context_size, None)
    needs = f"Needs {estimate.describe()} at {context_size} tokens of context"
    backend = machine.gpu_backend
    cpu_only = machine.gpu_offload is False
    speed = machine.cpu_bandwidth / max(estimate.weights_bytes, 1) if cpu_only else None
    if estimate.total_bytes > memory.available_bytes:
        return FitVerdict(
            FitLabel.SLOW,
            f"{needs}, but only {memory.available_bytes / GIB:.1f} GiB is free right now: close "
            "other programs, or the system will swap and answers will crawl.",
            estimate,
            context_size,
            speed,
        )
    if estimate.total_bytes > _MOST_OF_MEMORY * memory.total_bytes:
        return FitVerdict(
            FitLabel.SLOW,
            f"{needs}, most of this machine's {memory.total_bytes / GIB:.1f} GiB: other "
            "programs will be squeezed. A smaller model will feel faster.",
            estimate,
            context_size,
            speed,
        )
    if speed is not None and speed < SLOW_TOKENS_PER_S:
        return FitVerdict(
            FitLabel.SLOW,
            f"{needs}; without a GPU, expect only about {speed:.0f} tokens/s on this CPU. "
            "A smaller model answers faster.",
            estimate,
            context_size,
            speed,
        )
    if backend:
        where = f"; with {backend} offload"
    elif speed is not None:
        where = f"; about {speed:.0f} tokens/s on the CPU"
    else:
        where = ""
    return FitVerdict(
        FitLabel.FITS,
        f"{needs}, of {memory.total_bytes / GIB:.1f} GiB{where}.",
        estimate,
        context_size,
        speed,
    )
