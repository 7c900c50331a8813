"""Engine-path latencies: cancel during prefill and during decode, and the pipe's overhead
on time to first token (wall time in the app process vs the host's own measurement).

    uv run python -m bench.engine_latency [--shape llama32-1b]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.real_shape import real_shape_model
from hearth.core.cancel import CancelToken
from hearth.core.engine.chat_template import Message
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import (
    GenerateRequest,
    LoadOptions,
    PrefillProgress,
    TokenText,
)
from hearth.core.errors import Cancelled
from hearth.core.paths import Paths


def cancel_latency(engine: EngineClient, request: GenerateRequest, during: str) -> float:
    cancel = CancelToken()
    asked = 0.0
    try:
        for event in engine.generate(request, cancel=cancel):
            hit = (
                during == "prefill"
                and isinstance(event, PrefillProgress)
                and event.done > 0
                and event.done < event.total
            ) or (during == "decode" and isinstance(event, TokenText))
            if hit and not asked:
                asked = time.perf_counter()
                cancel.cancel()
    except Cancelled:
        return (time.perf_counter() - asked) * 1000
    raise RuntimeError("the request finished before it could be cancelled")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", default="llama32-1b")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = real_shape_model(Paths.from_environment().cache_dir / "bench", args.shape)
    long_text = " ".join(f"w{i % 50}" for i in range(400))
    with (
        tempfile.TemporaryDirectory() as logs,
        EngineClient(host_command(), log_dir=Path(logs)) as engine,
    ):
        engine.load(LoadOptions(str(model), context_size=4096, batch_size=128))
        prefill, decode, overhead = [], [], []
        for i in range(args.repeat):
            text = f"{i} {long_text}"  # a new prompt: nothing cached
            request = GenerateRequest((Message("user", text),), max_tokens=200)
            prefill.append(cancel_latency(engine, request, "prefill"))
            decode.append(
                cancel_latency(
                    engine,
                    GenerateRequest((Message("user", f"{i} short"),), max_tokens=200),
                    "decode",
                )
            )
            result = engine.complete(
                GenerateRequest((Message("user", f"{i} hello"),), max_tokens=4)
            )
            overhead.append(result.wall_ttft_ms - result.stats.ttft_ms)
        print(
            json.dumps(
                {
                    "cancel_during_prefill_ms": round(statistics.median(prefill), 2),
                    "cancel_during_decode_ms": round(statistics.median(decode), 2),
                    "ttft_pipe_overhead_ms": round(statistics.median(overhead), 3),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
