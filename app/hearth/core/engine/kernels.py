"""What llama.cpp 0.3.36's CPU kernels do with a batch of tokens, as measured on this project's
machines: the facts the engine's batched work (speculative verification, batched scoring) must
respect to give every token the logits it gets alone.

- Attention: the exact layout (`LoadOptions.exact_batches`: flash attention with an F16 K and a
  Q8_0 V cache) keeps every pass on one kernel; llama.cpp's default layout does not.
- K-quant weights (Q2_K..Q6_K, IQ*; Q4_K_M files are mostly Q4_K and Q6_K) are multiplied by one
  kernel in passes of up to `TILED_FROM_TOKENS - 1` tokens and by a tiled kernel from
  `TILED_FROM_TOKENS` on (`GGML_CPU_TILED_MM`); the two round differently (max |logit delta|
  4.8 on the random-weight 1B shape, 0.4 on the generated Q4_K_M test model), while passes on
  the same side of the line agree to the bit. Speculative verification stays below the line
  (it must match single-token decoding); batched scoring stays above it.
- F16/BF16/F32 weights are multiplied by another kernel (llamafile's) in a batch: not exact.
"""

from __future__ import annotations

TILED_FROM_TOKENS = 8
# Drafts per verification pass: the pending token and its drafts, at most 7 tokens.
MAX_DRAFTS = TILED_FROM_TOKENS - 2


def resume_at(cached: int, total: int) -> int:
    """Where to resume computing `total` tokens whose first `cached` are in the cache, so that
    the pass is at least TILED_FROM_TOKENS long: cached tokens are recomputed where it would be
    shorter (and the last token is always computed: its logits are read)."""
    return max(0, min(cached, total - TILED_FROM_TOKENS))


def passes(start: int, end: int, size: int) -> list[tuple[int, int]]:
    """[start, end) in passes of `size` tokens, the last no shorter than TILED_FROM_TOKENS
    where there are several (it takes tokens from the one before it)."""
    starts = list(range(start, end, size))
    if not starts:
        return []
    if len(starts) > 1 and end - starts[-1] < TILED_FROM_TOKENS:
        starts[-1] = end - TILED_FROM_TOKENS
    return list(zip(starts, [*starts[1:], end], strict=True))


__all__ = ["MAX_DRAFTS", "TILED_FROM_TOKENS", "passes", "resume_at"]
