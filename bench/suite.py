"""`hearth bench`: every performance figure of issue 7 in one run, each next to its baseline.

Same model file, threads and context for both paths; the engine path and the in-process
baseline (bench.inprocess, a child process) take turns request by request, so that the drift
of a shared machine lands on both. Several repetitions, medians.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bandwidth import best_read_bandwidth, tensor_bytes
from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.messages import Message
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationResult,
    LoadOptions,
    PrefillProgress,
    TokenText,
)
from hearth.core.errors import Cancelled
from hearth.core.hardware import default_threads, memory
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.task import TaskSink

CHECKOUT = Path(__file__).resolve().parent.parent
PROMPT_TOKENS = 200
DECODE_TOKENS = 64
CANCEL_AFTER_S = 0.3
LABELS = [
    {"name": "billing", "description": "invoices, payments, refunds"},
    {"name": "technical", "description": "something does not work"},
    {"name": "account", "description": "login, password, profile"},
    {"name": "feedback", "description": "praise or complaints about the service"},
    {"name": "other", "description": "anything else"},
]
TEXTS = [
    "I was charged twice for my subscription this month, please refund one payment.",
    "The app crashes every time I open the settings page on my phone.",
    "I forgot my password and the reset e-mail never arrives.",
]
Log = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    model: Path
    threads: int
    repeat: int = 3
    context: int = 4096
    batch: int = 512
    gui: bool = True
    # Testing: no page-cache drop (it slows every other process on the machine) and a
    # smaller bandwidth probe. Figures keep their shape; their values mean little.
    quick: bool = False


def figure(
    value: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    return {
        "value": r(value),
        "unit": unit,
        "baseline": r(baseline),
        "ratio": r(ratio),
        "target": target,
        "met": met,
        "note": note,
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> float:
    """Median absolute deviation: the noise of a figure, robust to one outlier."""
    mid = statistics.median(values)
    return statistics.median(abs(v - mid) for v in values)


def drop_page_cache() -> bool:
    """Evict the model from the page cache (root on Linux only); False when not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
        return True
    except OSError:
        return False


class Baseline:
    """The in-process llama-cpp-python loop, in its own process (see bench.inprocess)."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.inprocess"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=CHECKOUT,
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin
        assert self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the in-process baseline died (is llama-cpp-python installed?)")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.ask_quit()
        self.proc.wait(timeout=30)

    def ask_quit(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.proc.stdin.close()


def prompt_text(engine: EngineClient, tag: str, tokens: int) -> str:
    """A user message whose rendered prompt is about `tokens` tokens, starting with `tag` so
    that nothing of it is in the KV cache yet."""
    words = [f"w{i % 97}" for i in range(tokens)]
    template = engine.complete(GenerateRequest((Message("user", "x"),), max_tokens=1))
    overhead = template.stats.prompt_tokens - 1
    per_word = engine.count_tokens([" ".join(words)])[0] / len(words)
    n = max(1, round((tokens - overhead) / per_word))
    return f"{tag} " + " ".join(words[:n])


def run_engine_generate(engine: EngineClient, text: str) -> GenerationResult:
    request = GenerateRequest((Message("user", text),), max_tokens=DECODE_TOKENS)
    return engine.complete(request)


def cancel_latency(engine: EngineClient, text: str, during: str) -> float | None:
    """ms from cancel() to the engine's answer that it stopped; None when the request ended
    first (a tiny model can finish its prompt before the cancel comes)."""
    cancel = CancelToken()
    asked = [0.0]

    def fire() -> None:
        asked[0] = time.perf_counter()
        cancel.cancel()

    timer: threading.Timer | None = None
    request = GenerateRequest((Message("user", text),), max_tokens=DECODE_TOKENS * 4)
    try:
        for event in engine.generate(request, cancel=cancel):
            if during == "prefill" and isinstance(event, PrefillProgress) and timer is None:
                # Mid-batch: the abort callback, not the check between batches, stops it.
                timer = threading.Timer(CANCEL_AFTER_S, fire)
                timer.start()
            elif during == "decode" and isinstance(event, TokenText) and not asked[0]:
                fire()
    except Cancelled:
        return (time.perf_counter() - asked[0]) * 1000
    finally:
        if timer is not None:
            timer.cancel()
    return None


class ScoreRecorder:
    """The engine, passed to the classify task, remembering what each scoring pass computed."""

    def __init__(self, engine: EngineClient) -> None:
        self.engine = engine
        self.computed: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def score(self, request: Any, **kwargs: Any) -> Any:
        result = self.engine.score(request, **kwargs)
        self.computed.append(result.stats.prompt_tokens - result.stats.cached_prompt_tokens)
        return result


def naive_classify(
    engine: EngineClient, text: str, stateless: bool, computed: list[int] | None = None
) -> float:
    tag = f"[request {uuid.uuid4().hex}]\n" if stateless else ""
    names = ", ".join(label["name"] for label in LABELS)
    request = GenerateRequest(
        (
            Message(
                "system",
                f"{tag}Classify the text into one of: {names}. Answer with the category name only.",
            ),
            Message("user", f"Text:\n{text}"),
        ),
        max_tokens=4,
        temperature=0.0,
    )
    started = time.perf_counter()
    result = engine.complete(request)
    answer = result.text.strip().lower()
    if computed is not None:
        computed.append(result.stats.prompt_tokens - result.stats.cached_prompt_tokens)
    _ = next((label["name"] for label in LABELS if label["name"] in answer), None)
    return (time.perf_counter() - started) * 1000


def gui_probe(repeat: int, log: Log) -> dict[str, Any] | None:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ)
            env.update(
                QT_QPA_PLATFORM="offscreen",
                HEARTH_HOME=home,
                PYTHONPATH=os.pathsep.join(filter(None, [str(CHECKOUT), env.get("PYTHONPATH")])),
                HEARTH_BENCH_LAUNCHED=repr(time.time()),
            )
            done = subprocess.run(
                [sys.executable, "-m", "bench.gui_probe"],
                capture_output=True,
                text=True,
                env=env,
                cwd=CHECKOUT,
                timeout=120,
                check=False,
            )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            log(f"GUI probe failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return None
        runs.append(json.loads(lines[-1]))
    return {key: median([float(r[key]) for r in runs]) for key in runs[0]}


def run_suite(config: BenchConfig, log_line: Log) -> dict[str, Any]:
    figures: dict[str, dict[str, Any]] = {}
    began = time.perf_counter()

    def log(line: str) -> None:
        log_line(f"[{time.perf_counter() - began:6.1f} s] {line}")

    threads = config.threads
    model_bytes = tensor_bytes(config.model)

    log("memory bandwidth")
    probe = {"size": 64 * 2**20, "passes": 2} if config.quick else {}
    bw_1, bw_1_method = best_read_bandwidth(1, **probe)
    bw_n, bw_n_method = (
        best_read_bandwidth(threads, **probe) if threads > 1 else (bw_1, bw_1_method)
    )

    options = LoadOptions(
        str(config.model),
        context_size=config.context,
        threads=threads,
        gpu_layers=0,
        batch_size=config.batch,
    )
    baseline_load = {
        "model": str(config.model),
        "context": config.context,
        "batch": config.batch,
        "threads": threads,
        "gpu_layers": 0,
    }
    baseline = Baseline()
    logs = tempfile.TemporaryDirectory()
    engine = EngineClient(host_command(), log_dir=Path(logs.name))
    try:
        log("model load (cold, then warm)")
        cold_ok = not config.quick and drop_page_cache()
        engine_cold = engine.load(options).load_ms if cold_ok else None
        engine.close()
        if cold_ok:
            drop_page_cache()
        base_cold = float(baseline.ask(op="load", **baseline_load)["load_ms"]) if cold_ok else None
        engine_warm, engine_warm_wall, base_warm = [], [], []
        for _ in range(config.repeat):
            started = time.perf_counter()
            engine_warm.append(engine.load(options).load_ms)
            engine_warm_wall.append((time.perf_counter() - started) * 1000)
            engine.close()
            base_warm.append(float(baseline.ask(op="load", **baseline_load)["load_ms"]))
        info = engine.load(options)

        log(f"generation: {PROMPT_TOKENS}-token prompt, {DECODE_TOKENS} tokens, both paths")
        base_text = prompt_text(engine, "x", PROMPT_TOKENS)
        # One untimed request per path: first-use costs (page faults, allocations) out.
        run_engine_generate(engine, "warm " + base_text)
        baseline.ask(op="generate", text="warm " + base_text, max_tokens=4)
        eng: list[GenerationResult] = []
        base: list[dict[str, Any]] = []
        for i in range(config.repeat):
            text = f"{i} {uuid.uuid4().hex[:8]} {base_text}"
            # The first of a pair runs right after the other path's decode (its threads may
            # still be spinning down): alternate who goes first, so that lands on both alike.
            if i % 2 == 0:
                eng.append(run_engine_generate(engine, text))
            base.append(baseline.ask(op="generate", text=text, max_tokens=DECODE_TOKENS))
            if i % 2 == 1:
                eng.append(run_engine_generate(engine, text))

        log("cancel latency")
        cancel_prefill, cancel_decode = [], []
        long_text = prompt_text(engine, "long", min(config.context // 2, 1500))
        for i in range(config.repeat):
            latency = cancel_latency(engine, f"{uuid.uuid4().hex} {long_text}", "prefill")
            if latency is not None:
                cancel_prefill.append(latency)
            latency = cancel_latency(engine, f"{i} {uuid.uuid4().hex}", "decode")
            if latency is not None:
                cancel_decode.append(latency)

        log("classification: fast path cold/warm vs naive generate-and-parse")
        cold, warm, naive_stateless, naive_cached = [], [], [], []
        warm_computed: list[int] = []
        naive_computed: list[int] = []
        for _ in range(config.repeat):
            classify = Classify()  # a new calibration cache: its first call is cold
            nonce = uuid.uuid4().hex[:6]  # a new label set: nothing of it in the KV cache
            labels = [*LABELS[:-1], {"name": f"other-{nonce}", "description": "anything else"}]
            for j, text in enumerate(TEXTS):
                recorder = ScoreRecorder(engine)
                started = time.perf_counter()
                classify.run(text, {"labels": labels}, recorder, TaskSink())  # type: ignore[arg-type]
                (cold if j == 0 else warm).append((time.perf_counter() - started) * 1000)
                if j > 0:
                    warm_computed += recorder.computed
            naive_stateless += [
                naive_classify(engine, t, stateless=True, computed=naive_computed) for t in TEXTS
            ]
            naive_cached += [naive_classify(engine, t, stateless=False) for t in TEXTS]
    finally:
        engine.close()
        baseline.close()
        logs.cleanup()

    log("GUI: launch, memory, event-loop gap while streaming")
    gui = gui_probe(config.repeat, log) if config.gui else None
    log("done")
    if gui is None and config.gui:
        log("GUI figures missing: see the line above")

    # -- figures ---------------------------------------------------------------------------
    eng_decode = median(
        [
            (r.stats.output_tokens - 1) / ((r.wall_total_ms - r.wall_ttft_ms) / 1000)
            for r in eng
            if r.stats.output_tokens > 1
        ]
    )
    base_decode = median([float(b["decode_tokens_per_s"]) for b in base])
    figures["decode_tokens_per_s"] = figure(
        eng_decode,
        "tokens/s",
        baseline=base_decode,
        ratio=eng_decode / base_decode,
        target=">= 0.97x baseline",
        met=eng_decode / base_decode >= 0.97,
        note=f"{DECODE_TOKENS} tokens after a {PROMPT_TOKENS}-token prompt; engine timed in the "
        "app process (host + pipe)",
    )
    eng_pp = median([r.stats.prompt_tokens / (r.wall_ttft_ms / 1000) for r in eng])
    base_pp = median([b["prompt_tokens"] / (b["ttft_ms"] / 1000) for b in base])
    figures["prompt_tokens_per_s"] = figure(
        eng_pp,
        "tokens/s",
        baseline=base_pp,
        ratio=eng_pp / base_pp,
        note="prompt tokens / time to first token",
    )
    eng_ttft = median([r.wall_ttft_ms for r in eng])
    base_ttft = median([float(b["ttft_ms"]) for b in base])
    paired = median([r.wall_ttft_ms - float(b["ttft_ms"]) for r, b in zip(eng, base, strict=True)])
    noise = spread([float(b["ttft_ms"]) for b in base])
    figures["ttft_ms"] = figure(
        eng_ttft,
        "ms",
        baseline=base_ttft,
        ratio=eng_ttft / base_ttft,
        note=f"prompt {median([r.stats.prompt_tokens for r in eng]):.0f} tokens (engine), "
        f"{median([b['prompt_tokens'] for b in base]):.0f} (baseline)",
    )
    figures["ttft_overhead_ms"] = figure(
        paired,
        "ms",
        target="<= 5 ms",
        met=paired <= 5.0,
        note=f"median of paired differences engine - baseline; baseline noise (MAD) "
        f"{noise:.1f} ms"
        + ("" if abs(paired) > noise else ": within the noise, see the pipe figure"),
    )
    pipe = median([r.wall_ttft_ms - r.stats.ttft_ms for r in eng])
    figures["ttft_pipe_overhead_ms"] = figure(
        pipe,
        "ms",
        target="<= 5 ms",
        met=pipe <= 5.0,
        note="app-side TTFT minus the host's own: IPC, JSON and process hand-off",
    )
    figures["classify_cold_ms"] = figure(median(cold), "ms", note="new label set, calibration")
    warm_ms = median(warm)
    naive_ms = median(naive_stateless)
    figures["classify_warm_ms"] = figure(
        warm_ms,
        "ms",
        baseline=naive_ms,
        ratio=naive_ms / warm_ms,
        target=">= 5x faster than naive",
        met=naive_ms / warm_ms >= 5,
        note="baseline: naive generate-and-parse, no shared prefix cached; prompt tokens "
        f"computed: fast warm {median([float(x) for x in warm_computed]):.0f}, naive "
        f"{median([float(x) for x in naive_computed]):.0f} + 4 decoded",
    )
    cached_ms = median(naive_cached)
    figures["classify_naive_prefix_cached_ms"] = figure(
        cached_ms,
        "ms",
        ratio=cached_ms / warm_ms,
        note="naive generate-and-parse with the engine's prefix cache; ratio vs fast warm",
    )
    cold_note = (
        None
        if cold_ok
        else "quick run: page cache not dropped"
        if config.quick
        else "page cache could not be dropped (not root): warm only"
    )
    figures["load_cold_ms"] = figure(
        engine_cold,
        "ms",
        baseline=base_cold,
        ratio=None if engine_cold is None or base_cold is None else engine_cold / base_cold,
        note=cold_note or "page cache dropped before each; host-side load time (mmap)",
    )
    figures["load_warm_ms"] = figure(
        median(engine_warm),
        "ms",
        baseline=median(base_warm),
        ratio=median(engine_warm) / median(base_warm),
        note=f"host-side; with starting the host process: {median(engine_warm_wall):.0f} ms",
    )
    figures["cancel_prefill_ms"] = figure(
        median(cancel_prefill) if cancel_prefill else None,
        "ms",
        note=f"cancel {CANCEL_AFTER_S * 1000:.0f} ms into a long prompt's first batch"
        if cancel_prefill
        else "the prompt finished before the cancel: model too fast to measure",
    )
    figures["cancel_decode_ms"] = figure(
        median(cancel_decode) if cancel_decode else None, "ms", note="cancel at the first token"
    )
    bound = bw_1 / model_bytes
    figures["read_bandwidth_1_thread_gb_s"] = figure(bw_1 / 1e9, "GB/s", note=bw_1_method)
    figures["read_bandwidth_all_threads_gb_s"] = figure(
        bw_n / 1e9, "GB/s", note=f"{threads} threads, {bw_n_method}"
    )
    figures["bytes_per_token_mib"] = figure(model_bytes / 2**20, "MiB", note="all tensors")
    figures["decode_bound_tokens_per_s"] = figure(
        bw_n / model_bytes,
        "tokens/s",
        note=f"all-threads bandwidth / bytes per token (single-thread: {bound:.1f})",
    )
    figures["decode_share_of_bound"] = figure(
        eng_decode / (bw_n / model_bytes), "fraction", note="engine decode / bound"
    )
    if gui is not None:
        figures["gui_window_shown_ms"] = figure(
            gui["window_shown_ms"],
            "ms",
            target="<= 1000 ms",
            met=gui["window_shown_ms"] <= 1000,
            note="process start (interpreter, imports) to first event-loop turn after show()",
        )
        rss_mb = gui["rss_idle_bytes"] / 1e6
        figures["gui_rss_mb"] = figure(
            rss_mb,
            "MB",
            target="<= 200 MB",
            met=rss_mb <= 200,
            note=f"after streaming: {gui['rss_after_stream_bytes'] / 1e6:.0f} MB",
        )
        figures["gui_max_event_loop_gap_ms"] = figure(
            gui["max_event_loop_gap_ms"],
            "ms",
            target="<= 16 ms",
            met=gui["max_event_loop_gap_ms"] <= 16,
            note=f"{int(gui['stream_tokens'])} tokens queued from a thread at 250/s; "
            "1 ms timer; median over runs of each run's longest gap",
        )
    return {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "logical_cores": os.cpu_count(),
            "physical_cores": default_threads(),
            "memory_gib": round(memory().total_bytes / 2**30, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "model": {
            "path": str(config.model),
            "name": info.model_name,
            "quantization": info.quantization,
            "tensor_bytes": model_bytes,
            # Named in the cached file's name by bench.real_shape: token counts depend on it.
            "tokenizer": next(
                (k for k in ("llama3", "byte-level") if f"-{k}-" in config.model.name),
                "the model's own",
            ),
        },
        "settings": {
            "threads": threads,
            "context": config.context,
            "batch": config.batch,
            "repeat": config.repeat,
            "backend": info.backend,
        },
        "figures": figures,
    }
