"""Which llama.cpp context options pay on this machine? A/B in one process, interleaved.

    python -m bench.options_ab [--model PATH] [--repeat 3] [--prompt 200] [--tokens 32]

Each configuration is loaded in turn in the in-process baseline (bench.inprocess) and the
rounds alternate between them, so the drift of a shared machine lands on all of them alike.
Prints medians of time to first token and decode tokens/s per configuration.
"""

from __future__ import annotations

import argparse
import json
import statistics
import uuid
from pathlib import Path

from bench.suite import Baseline
from hearth.core.hardware import default_threads
from hearth.core.paths import Paths

GGML_TYPE_Q8_0 = 8

CONFIGS: dict[str, dict[str, object]] = {
    "default (flash_attn off, f16 KV)": {},
    "flash_attn on": {"flash_attn": True},
    "flash_attn on, q8_0 KV": {
        "flash_attn": True,
        "type_k": GGML_TYPE_Q8_0,
        "type_v": GGML_TYPE_Q8_0,
    },
    "batch 256": {"batch": 256},
    "1 thread": {"threads": 1},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prompt", type=int, default=200, help="prompt length in words")
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--context", type=int, default=4096)
    parser.add_argument("--only", nargs="*", default=None, help="configuration names")
    args = parser.parse_args()
    model = args.model or Paths.from_environment().cache_dir / "bench/llama32-1b-Q4_K_M-v2.gguf"
    configs = {k: v for k, v in CONFIGS.items() if not args.only or k in args.only}
    base = {
        "model": str(model),
        "context": args.context,
        "batch": 512,
        "threads": default_threads(),
        "gpu_layers": 0,
    }
    words = " ".join(f"w{i % 97}" for i in range(args.prompt))
    results: dict[str, list[dict[str, float]]] = {name: [] for name in configs}
    baseline = Baseline()
    try:
        for _ in range(args.repeat):
            for name, extra in configs.items():
                baseline.ask(op="load", **{**base, **extra})
                baseline.ask(op="generate", text="warm up", max_tokens=2)  # first-use costs
                text = f"{uuid.uuid4().hex} {words}"
                results[name].append(baseline.ask(op="generate", text=text, max_tokens=args.tokens))
    finally:
        baseline.close()
    report = {
        name: {
            "prompt_tokens": runs[0]["prompt_tokens"],
            "ttft_ms": round(statistics.median(r["ttft_ms"] for r in runs), 1),
            "decode_tokens_per_s": round(
                statistics.median(r["decode_tokens_per_s"] for r in runs), 2
            ),
        }
        for name, runs in results.items()
    }
    print(
        json.dumps({"model": str(model), "threads": base["threads"], "results": report}, indent=2)
    )


if __name__ == "__main__":
    main()
