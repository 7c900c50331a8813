"""Does batching change a token's logits? llama.cpp in-process, one model, one layout:

    uv run python -m bench.exactness MODEL [--layout exact|default|fa-f16]
        [--passes 1,5,7,8,11,64,512] [--positions 600] [--against 1]

Feeds the same random token sequence through the model in passes of each size and compares
every position's logits with those from passes of `--against` tokens (1: single-token
decoding). Prints, per pass size, how many positions differ, the first one and the largest
|logit delta|, and the seconds the whole sequence took. `exact` is the engine's layout on the CPU
(flash attention, F16 K cache, Q8_0 V cache: `LoadOptions.exact_batches`); `default` is
llama-cpp-python's; `fa-f16` is flash attention with llama.cpp's default F16 cache. The
figures in docs/benchmarks.md ("Issue 14, second session") come from this script.
"""

from __future__ import annotations

import argparse
import json
import time

import llama_cpp
import numpy as np

from bench.tasks import model_path
from hearth.core.engine.host import _load_progress
from hearth.core.hardware import default_threads

LAYOUTS = {
    "exact": {
        "flash_attn": True,
        "type_k": llama_cpp.GGML_TYPE_F16,
        "type_v": llama_cpp.GGML_TYPE_Q8_0,
    },
    "default": {},
    "fa-f16": {"flash_attn": True},
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.exactness")
    parser.add_argument("model", help="smollm2, gemma3 or a GGUF path")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="exact")
    parser.add_argument("--passes", default="1,5,7,8,11,64,512")
    parser.add_argument("--positions", type=int, default=600)
    parser.add_argument("--against", type=int, default=1)
    parser.add_argument("--threads", type=int, default=default_threads())
    args = parser.parse_args()
    with _load_progress(lambda _fraction: True):  # as the host loads (no repacking on AMX)
        llm = llama_cpp.Llama(
            str(model_path(args.model)),
            n_ctx=max(2048, args.positions + 16),
            n_batch=512,
            n_ubatch=512,
            n_threads=args.threads,
            n_threads_batch=args.threads,
            verbose=False,
            **LAYOUTS[args.layout],  # type: ignore[arg-type]
        )
    n_vocab = int(llm.n_vocab())
    rng = np.random.default_rng(0)
    sequence = [int(t) for t in rng.integers(10, min(20000, n_vocab), size=args.positions)]
    batch = llama_cpp.llama_batch_init(512, 0, 1)

    def logits(size: int) -> tuple[np.ndarray, float]:
        llama_cpp.llama_memory_clear(llm._ctx.memory, True)
        rows = []
        started = time.perf_counter()
        for start in range(0, len(sequence), size):
            part = sequence[start : start + size]
            batch.n_tokens = len(part)
            for i, token in enumerate(part):
                batch.token[i] = token
                batch.pos[i] = start + i
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = 1
            if llama_cpp.llama_decode(llm._ctx.ctx, batch) != 0:
                raise SystemExit("llama_decode failed")
            for i in range(len(part)):
                row = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, i)
                rows.append(np.ctypeslib.as_array(row, shape=(n_vocab,)).copy())
        return np.array(rows), time.perf_counter() - started

    reference, _ = logits(args.against)
    report = []
    for size in (int(x) for x in args.passes.split(",")):
        rows, seconds = logits(size)
        delta = np.abs(rows - reference).max(axis=1)
        differing = np.nonzero(delta)[0]
        report.append(
            {
                "pass_tokens": size,
                "positions_differing": len(differing),
                "first_differing": int(differing[0]) if len(differing) else None,
                "max_logit_delta": float(delta.max()),
                "seconds": round(seconds, 2),
            }
        )
    llama_cpp.llama_batch_free(batch)
    llm.close()
    print(
        json.dumps(
            {
                "model": args.model,
                "layout": args.layout,
                "against": args.against,
                "positions": args.positions,
                "passes": report,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
