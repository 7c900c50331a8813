"""Does prompt-lookup decoding pay on CPU? Plain decoding vs llama-cpp-python's
`LlamaPromptLookupDecoding`, in-process, same model, threads and context.

    uv run python -m bench.prompt_lookup [--shape llama32-1b]

Random weights cannot show the gain (their output never copies the input, so drafts are
rejected); what this measures is the price paid for trying: `logits_all=True`, which the
draft model forces, makes every prompt position compute a full vocabulary of logits.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import llama_cpp
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

from bench.real_shape import real_shape_model
from hearth.core.paths import Paths

TEXT = (
    "Their going to the libary tomorow to returne the books they borrowed last week. "
    "The opening hours is from nine to five, exept on sundays. "
) * 3


def run(llm: llama_cpp.Llama, tokens: list[int], n: int) -> tuple[float, float]:
    llm.reset()
    started = time.perf_counter()
    first = None
    produced = 0
    for _ in llm.generate(tokens, temp=0.0):
        produced += 1
        if first is None:
            first = time.perf_counter()
        if produced >= n:
            break
    end = time.perf_counter()
    assert first is not None
    return (first - started) * 1000, (produced - 1) / (end - first)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", default="llama32-1b")
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = str(real_shape_model(Paths.from_environment().cache_dir / "bench", args.shape))
    results = {}
    for name, extra in (
        ("plain", {}),
        ("prompt_lookup", {"draft_model": LlamaPromptLookupDecoding(10)}),
    ):
        llm = llama_cpp.Llama(model, n_ctx=1024, verbose=False, **extra)  # type: ignore[arg-type]
        prompt = f"<|im_start|>user\nCorrect this text:\n{TEXT}<|im_end|>\n<|im_start|>assistant\n"
        tokens = llm.tokenize(prompt.encode(), add_bos=False, special=True)
        runs = [run(llm, tokens, args.tokens) for _ in range(args.repeat)]
        results[name] = {
            "prompt_tokens": len(tokens),
            "ttft_ms": round(statistics.median(r[0] for r in runs), 1),
            "decode_tokens_per_s": round(statistics.median(r[1] for r in runs), 2),
        }
        llm.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
