"""What goes into the engine and what comes out, as plain typed values."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from hearth.core.engine.messages import Message


@dataclass(frozen=True)
class LoadOptions:
    model_path: str
    context_size: int = 4096
    threads: int | None = None  # None: physical cores
    gpu_layers: int = -1  # -1: all layers when a GPU backend exists
    batch_size: int = 512
    seed: int = 0
    # A LoRA adapter applied on top (llama-cpp-python then reads the model without mmap).
    lora_path: str | None = None
    lora_scale: float = 1.0
    # On the CPU, lay the context out so that batching never changes a token's logits: flash
    # attention with an F16 K cache and a Q8_0 V cache. llama.cpp 0.3.36's CPU flash attention
    # has two faster kernels that round differently (a split-KV one for a single token once the
    # cache spans 512+ cells, a tiled one for passes of 64+ tokens); both need K and V of the
    # same F16/F32 type, so mixed types keep every pass on the one exact kernel. Speculative
    # decoding and batched scoring are used only where this holds. Decode measured as fast as
    # llama.cpp's default layout (1B shape 13.74 vs 13.74 tokens/s; docs/benchmarks.md), the V
    # cache takes half the memory. Off: llama.cpp's defaults (and no speculation). A GPU keeps
    # its defaults either way.
    exact_batches: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadOptions:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class LoadInfo:
    model_path: str
    load_ms: float
    context_size: int
    threads: int
    gpu_layers: int  # layers actually offloaded
    backend: str  # "CPU", "CUDA", "Metal", "Vulkan", ...
    gpu_note: str  # why the GPU was or was not used
    chat_format: str  # "model" (its own template) or a fallback's name
    n_layers: int
    architecture: str
    model_name: str
    quantization: str | None
    lora_path: str | None = None  # the adapter applied, if any

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadInfo:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class HostInfo:
    pid: int
    protocol: int
    llama_cpp_version: str
    system_info: str
    supports_gpu_offload: bool
    backends: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostInfo:
        return cls(
            pid=int(data["pid"]),
            protocol=int(data["protocol"]),
            llama_cpp_version=str(data["llama_cpp_version"]),
            system_info=str(data["system_info"]),
            supports_gpu_offload=bool(data["supports_gpu_offload"]),
            backends=tuple(data["backends"]),
        )


# Whether a rewrite (the task whose answer copies its text) asks for prompt-lookup drafts when it
# decodes greedily (proofread): the same text as plain decoding, to the bit, wherever the host
# speculates (`LoadedModel.exact_batches`); measured 0.98-1.14x plain on SmolLM2 (docs/
# benchmarks.md). `--no-speculative` turns it off. Other requests decode plainly unless asked.
SPECULATIVE_BY_DEFAULT = True


@dataclass(frozen=True)
class GenerateRequest:
    messages: tuple[Message, ...]
    max_tokens: int = 512
    temperature: float = 0.2
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    seed: int | None = None
    stop: tuple[str, ...] = ()
    # Constrain decoding: a JSON Schema (converted by llama.cpp) or a GBNF grammar.
    json_schema: dict[str, Any] | None = None
    grammar: str | None = None
    # Report each output token's log-probability (for confidence).
    logprobs: bool = False
    # Prompt-lookup drafts verified in one batch (greedy only: temperature 0). Off by default:
    # without flash attention, llama.cpp's CPU attention gives a batch of tokens logits that
    # differ from one token's (up to 0.8 on SmolLM2), so at a near-tie the greedy text can
    # differ from plain decoding's; with flash attention they are bit-identical.
    speculative: bool = False  # prompt-lookup drafts, at temperature 0 (see SPECULATIVE_BY_DEFAULT)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["messages"] = [m.as_dict() for m in self.messages]
        data["stop"] = list(self.stop)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerateRequest:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["messages"] = _messages(data["messages"])
        values["stop"] = tuple(str(s) for s in data.get("stop", ()))
        return cls(**values)


def _messages(raw: list[dict[str, Any]]) -> tuple[Message, ...]:
    return tuple(Message(str(m["role"]), str(m["content"])) for m in raw)


@dataclass(frozen=True)
class ScoreRequest:
    """Score candidate continuations of a prompt by their first token, in one forward pass.

    Each candidate is a group of spellings (e.g. "A" and " A") whose probabilities add up.
    """

    messages: tuple[Message, ...]
    candidates: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": [m.as_dict() for m in self.messages],
            "candidates": [list(c) for c in self.candidates],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreRequest:
        return cls(
            _messages(data["messages"]),
            tuple(tuple(str(v) for v in group) for group in data["candidates"]),
        )


@dataclass(frozen=True)
class ScoreResult:
    logprobs: tuple[float, ...]  # one per candidate, over the whole vocabulary
    stats: GenerationStats


@dataclass(frozen=True)
class PrefillProgress:
    """Prompt processing advanced: `done` of `total` prompt tokens are in the KV cache."""

    done: int
    total: int
    cached: int  # reused from the previous prompt, not recomputed


@dataclass(frozen=True)
class TokenText:
    text: str


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0  # prefix reused from the previous request's KV cache
    output_tokens: int = 0
    ttft_ms: float = 0.0  # request received -> first token produced, in the host
    prefill_ms: float = 0.0
    decode_ms: float = 0.0
    total_ms: float = 0.0
    prefill_tokens_per_s: float = 0.0
    decode_tokens_per_s: float = 0.0
    # Speculative decoding: tokens drafted by prompt lookup, and how many the model kept.
    draft_tokens: int = 0
    accepted_draft_tokens: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationStats:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class GenerationResult:
    text: str
    finish_reason: str  # "stop" | "length"
    stats: GenerationStats = field(default_factory=GenerationStats)
    # Measured by the client around the pipe: what the user waits for.
    wall_ttft_ms: float = 0.0
    wall_total_ms: float = 0.0
    token_logprobs: tuple[float, ...] = ()


GenerationEvent = PrefillProgress | TokenText | GenerationResult
