"""Classification latency: Hearth's scored fast path vs naive generate-and-parse.

    uv run python -m bench.classify_speed [--shape llama32-1b] [--repeat 5]

Same engine host, model, threads and context for every figure. The fast path scores lettered
options from the logits after one forward pass, with the label-set prefix cached after the
first call. Naive generate-and-parse asks for the label name, decodes a few tokens and
matches them; measured both stateless (a unique tag makes every prompt's prefix new, as with a
per-request server call) and with the engine's prefix cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.real_shape import real_shape_model
from bench.suite import LABELS, naive_classify
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions
from hearth.core.paths import Paths
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.task import TaskSink

TEXTS = [
    "I was charged twice for my subscription this month, please refund one payment.",
    "The app crashes every time I open the settings page on my phone.",
    "I forgot my password and the reset e-mail never arrives.",
    "Your support team was wonderful yesterday, thank you so much!",
    "Do you have an office in Lisbon that I could visit next week?",
    "The export to PDF button does nothing since the last update.",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", default="llama32-1b")
    parser.add_argument("--quant", default="Q4_K_M")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = Paths.from_environment()
    model = real_shape_model(paths.cache_dir / "bench", args.shape, args.quant)
    with (
        tempfile.TemporaryDirectory() as logs,
        EngineClient(host_command(), log_dir=Path(logs)) as engine,
    ):
        info = engine.load(LoadOptions(str(model), context_size=2048, threads=args.threads))
        cold, warm, naive_stateless, naive_cached = [], [], [], []
        for _ in range(args.repeat):
            classify = Classify()  # a new label-set cache: the first call is cold
            nonce = uuid.uuid4().hex[:6]  # a new prefix: nothing of it in the KV cache
            labels = [*LABELS[:-1], {"name": f"other-{nonce}", "description": "anything else"}]
            for i, text in enumerate(TEXTS):
                started = time.perf_counter()
                classify.run(text, {"labels": labels}, engine, TaskSink())
                elapsed = (time.perf_counter() - started) * 1000
                (cold if i == 0 else warm).append(elapsed)
            for text in TEXTS:
                naive_stateless.append(naive_classify(engine, text, stateless=True))
            for text in TEXTS:
                naive_cached.append(naive_classify(engine, text, stateless=False))
        report = {
            "model": info.model_name,
            "quant": args.quant,
            "threads": info.threads,
            "context": info.context_size,
            "fast_cold_ms": statistics.median(cold),
            "fast_warm_ms": statistics.median(warm),
            "naive_stateless_ms": statistics.median(naive_stateless),
            "naive_prefix_cached_ms": statistics.median(naive_cached),
        }
        report["warm_vs_naive_stateless"] = report["naive_stateless_ms"] / report["fast_warm_ms"]
        report["warm_vs_naive_cached"] = report["naive_prefix_cached_ms"] / report["fast_warm_ms"]
        print(
            json.dumps(
                {k: round(v, 2) if isinstance(v, float) else v for k, v in report.items()}, indent=2
            )
        )


if __name__ == "__main__":
    main()
