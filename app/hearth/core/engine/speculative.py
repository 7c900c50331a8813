"""Greedy decoding with prompt-lookup drafts, verified in one batch (engine host only).

llama-cpp-python's own `LlamaPromptLookupDecoding` forces `logits_all`, a full vocabulary of
logits for every prompt position (0.5-2 GB at a 128k vocabulary), and was measured slower. This
decoder asks llama.cpp for logits only at the positions it verifies: the pending token and its
k drafts go into one `llama_decode`, with an output row for each of those k+1 positions.

The tokens come from the same llama.cpp sampler chain `Llama.generate` builds (penalties,
grammar, greedy), sampled row by row in order, so every token it yields is the token plain
decoding would have produced at that position: a draft is kept only while it equals what the
sampler picked, and the first disagreement is itself the next token. The output is therefore
the plain decoder's, token for token; only the number of forward passes changes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import llama_cpp

from hearth.core.engine.kernels import MAX_DRAFTS
from hearth.core.engine.prompt_lookup import PromptLookup


class SpeculativeDecoder:
    """Owns a small llama.cpp batch on the `Llama`'s context; `close()` frees it."""

    def __init__(self, llm: llama_cpp.Llama, max_draft: int = MAX_DRAFTS) -> None:
        # A pass of the pending token and its drafts stays on the kernels a single token gets
        # (`kernels`): up to 7 tokens.
        self._llm = llm
        self.max_draft = max_draft
        self._batch = llama_cpp.llama_batch_init(max_draft + 1, 0, 1)
        self.proposed = 0  # drafts proposed and accepted in the last run: for the stats
        self.accepted = 0

    def close(self) -> None:
        llama_cpp.llama_batch_free(self._batch)

    def run(self, sampler: Any, lookup: PromptLookup) -> Generator[tuple[int, int], None, None]:
        """Yield (token, logits row) pairs; the row stays readable until the next is asked.

        The KV cache must hold the prompt (`llm.n_tokens` of `llm.input_ids`) with the last
        position's logits fresh, as after `Llama.eval`. The caller stops the iteration; on
        return `llm.n_tokens` and `llm.input_ids` describe the KV cache exactly, so the next
        request reuses its prefix as after plain decoding.
        """
        llm = self._llm
        ctx = llm._ctx
        n_ctx = int(llm.n_ctx())
        self.proposed = self.accepted = 0
        token = int(sampler.sample(ctx, -1))
        yield token, -1
        while True:
            pos = int(llm.n_tokens)
            if pos >= n_ctx:
                return
            lookup.append(token)
            drafts = lookup.draft(min(self.max_draft, n_ctx - pos - 1))
            self.proposed += len(drafts)
            batch = [token, *drafts]
            self._decode(batch, pos)
            kept = 0
            for row in range(len(batch)):
                sampled = int(sampler.sample(ctx, row))
                if row < len(drafts) and sampled == drafts[row]:
                    kept += 1
                    self.accepted += 1
                    yield sampled, row
                    continue
                # The first disagreement: `sampled` is the next token, and the drafts after
                # it are not the text; drop them from the cache before yielding.
                valid = pos + row + 1
                if valid < pos + len(batch):
                    llama_cpp.llama_memory_seq_rm(ctx.memory, 0, valid, -1)
                    llm.n_tokens = valid
                lookup.extend(drafts[:kept])
                lookup.record(len(drafts), kept)
                token = sampled
                yield sampled, row
                break

    def _decode(self, tokens: list[int], pos: int) -> None:
        llm = self._llm
        batch = self._batch
        batch.n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            batch.token[i] = token
            batch.pos[i] = pos + i
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = 1
        # Cells past `pos` may hold an abandoned answer's tokens: they must not be attended to.
        llama_cpp.llama_memory_seq_rm(llm._ctx.memory, 0, pos, -1)
        code = llama_cpp.llama_decode(llm._ctx.ctx, batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")
        llm.input_ids[pos : pos + len(tokens)] = tokens
        llm.n_tokens = pos + len(tokens)


__all__ = ["SpeculativeDecoder"]
