"""Score many prompts that share a prefix, several sequences per forward pass (engine host only).

llama-cpp-python's `Llama` hard-codes sequence 0, so this owns a second llama.cpp context on
the same loaded weights, with `parallel + 1` sequences and a unified KV cache: sequence 0 holds
the prompts' common prefix (a classifier's instructions and label list), computed once and
kept between calls; each batch copies it to sequences 1..N (`llama_memory_seq_cp`, which in a
unified cache shares the cells instead of copying data), submits the N texts' own tokens in
one `llama_decode`, and asks for logits only at each sequence's last token.

Why it is faster: a forward pass reads every weight once however many tokens it carries, so
N short texts in one pass cost less than N passes. On a 2-core CPU that gain is modest (about
1.27x measured), on a GPU far larger.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import llama_cpp
import numpy as np

from hearth.core.engine.kernels import TILED_FROM_TOKENS, passes, resume_at
from hearth.core.engine.log_probs import Row

MAX_PARALLEL = 64
# Every pass has at least this many tokens (`kernels`: K-quant weights are multiplied by
# another kernel in shorter passes; a label's probability moved by 0.05 on the 1B shape when a
# cached text was scored again in a 1-token pass). Cached tokens are recomputed where a pass
# would be shorter, so a text's probabilities do not depend on what was cached or batched with it.
MIN_PASS = TILED_FROM_TOKENS


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def shared_prefix(prompts: Sequence[Sequence[int]]) -> int:
    """Tokens every prompt starts with, leaving each at least one token of its own (its
    logits are read at its own last token)."""
    if not prompts:
        return 0
    n = min(len(p) for p in prompts) - 1
    for a, b in pairwise(prompts):
        n = min(n, common_prefix(a, b))
    return max(0, n)


class BatchScorer:
    """A multi-sequence llama.cpp context; `close()` frees it (the model stays loaded)."""

    def __init__(
        self,
        llm: llama_cpp.Llama,
        *,
        parallel: int,
        n_ctx: int,
        abort_callback: Any,
        exact_pass: int,
    ) -> None:
        self.parallel = parallel
        self.n_ctx = n_ctx
        self.n_batch = int(llm.n_batch)
        self._n_vocab = int(llm.n_vocab())
        # The main context's settings (threads, KV types: the exact layout on the CPU), with
        # flash attention and micro-batches of `exact_pass` tokens (the whole batch in the
        # exact layout, `host.EXACT_UBATCH` otherwise): with MIN_PASS, a text then gets the
        # same logits whichever texts share its pass and whatever prefix was cached before.
        params = llama_cpp.llama_context_params.from_buffer_copy(llm.context_params)
        params.n_ctx = n_ctx
        params.n_batch = self.n_batch
        params.n_ubatch = min(exact_pass, self.n_batch)
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
        params.n_seq_max = parallel + 1
        params.kv_unified = True  # sequences share the prefix's cells
        params.abort_callback = abort_callback
        ctx = llama_cpp.llama_init_from_model(llm._model.model, params)
        if ctx is None:
            raise RuntimeError("llama.cpp could not create a context for batched scoring")
        self._ctx = ctx
        self._memory = llama_cpp.llama_get_memory(ctx)
        self._batch = llama_cpp.llama_batch_init(self.n_batch, 0, 1)
        self._prefix: list[int] = []  # what sequence 0 holds

    def close(self) -> None:
        llama_cpp.llama_batch_free(self._batch)
        llama_cpp.llama_free(self._ctx)

    def fits(self, parallel: int, n_ctx: int) -> bool:
        return parallel <= self.parallel and n_ctx <= self.n_ctx

    def score(
        self,
        prompts: Sequence[Sequence[int]],
        on_logits: Callable[[int, Row], None],
        cancelled: Callable[[], bool],
    ) -> int:
        """Call `on_logits(i, row)` with the logits after each whole prompt (a view, valid
        during the call). Returns how many prefix tokens were already in the cache."""
        if len(prompts) == 1:
            return self._score_one(prompts[0], on_logits)
        n = shared_prefix(prompts)
        prefix = list(prompts[0][:n]) if prompts else []
        reused = common_prefix(self._prefix, prefix)
        if reused < n:
            reused = resume_at(reused, n)
        llama_cpp.llama_memory_seq_rm(self._memory, 0, reused, -1)
        self._prefix = prefix[:reused]
        self._submit([(t, reused + i, 0, -1) for i, t in enumerate(prefix[reused:])], on_logits)
        self._prefix = prefix
        for group in self._groups(prompts, n):
            if cancelled():
                return reused
            # A pass too short for MIN_PASS recomputes the first text's last prefix tokens.
            short = max(0, MIN_PASS - sum(len(prompts[i]) - n for i in group))
            entries: list[tuple[int, int, int, int]] = []
            for seq, index in enumerate(group, start=1):
                start = max(0, n - short) if seq == 1 else n
                llama_cpp.llama_memory_seq_rm(self._memory, seq, -1, -1)
                llama_cpp.llama_memory_seq_cp(self._memory, 0, seq, -1, -1)
                llama_cpp.llama_memory_seq_rm(self._memory, seq, start, -1)
                own = prompts[index][start:]
                last = len(own) - 1
                entries += [
                    (t, start + i, seq, index if i == last else -1) for i, t in enumerate(own)
                ]
            self._submit(entries, on_logits)
        for seq in range(1, self.parallel + 1):
            llama_cpp.llama_memory_seq_rm(self._memory, seq, -1, -1)
        return reused

    def _score_one(self, prompt: Sequence[int], on_logits: Callable[[int, Row], None]) -> int:
        """One text in sequence 0 itself, after the part of it already cached: one decode,
        as in the main context (a decode call costs most on a loaded CPU)."""
        reused = resume_at(common_prefix(self._prefix, prompt), len(prompt))
        llama_cpp.llama_memory_seq_rm(self._memory, 0, reused, -1)
        self._prefix = list(prompt[:reused])
        last = len(prompt) - 1
        entries = [(t, p, 0, 0 if p == last else -1) for p, t in enumerate(prompt) if p >= reused]
        self._submit(entries, on_logits)
        self._prefix = list(prompt)
        return reused

    def _groups(self, prompts: Sequence[Sequence[int]], n: int) -> list[list[int]]:
        """Up to `parallel` prompts per pass, and no more tokens than one batch holds (a
        longer prompt goes alone, in several batches)."""
        groups: list[list[int]] = []
        size = 0
        for index, prompt in enumerate(prompts):
            own = len(prompt) - n
            if groups and len(groups[-1]) < self.parallel and size + own <= self.n_batch:
                groups[-1].append(index)
                size += own
            else:
                groups.append([index])
                size = own
        return groups

    def _submit(
        self, entries: list[tuple[int, int, int, int]], on_logits: Callable[[int, Row], None]
    ) -> None:
        """Decode (token, position, sequence, prompt index or -1) entries, batch by batch;
        logits are computed only where an index is given."""
        batch = self._batch
        for start, end in passes(0, len(entries), self.n_batch):
            chunk = entries[start:end]
            outputs: list[tuple[int, int]] = []
            batch.n_tokens = len(chunk)
            for i, (token, pos, seq, index) in enumerate(chunk):
                batch.token[i] = token
                batch.pos[i] = pos
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = seq
                batch.logits[i] = 1 if index >= 0 else 0
                if index >= 0:
                    outputs.append((i, index))
            code = llama_cpp.llama_decode(self._ctx, batch)
            if code != 0:
                raise RuntimeError(f"llama_decode returned {code}")
            for row, index in outputs:
                pointer = llama_cpp.llama_get_logits_ith(self._ctx, row)
                on_logits(index, np.ctypeslib.as_array(pointer, shape=(self._n_vocab,)))


def context_size(prefix: int, longest_own: int, n_batch: int) -> int:
    """Cells for the prefix plus one pass of texts (or one long text), in steps of 256."""
    need = prefix + max(n_batch, longest_own) + 1
    return -(-need // 256) * 256


__all__ = ["MAX_PARALLEL", "MIN_PASS", "BatchScorer", "context_size", "shared_prefix"]
