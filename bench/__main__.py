"""`python -m bench`: every performance figure in one run, each next to its baseline.

    uv run python -m bench [--json] [--shape llama32-1b] [--quant Q4_K_M] [--repeat 3]
    uv run python -m bench tasks|classify-batch|speculative|cli-rewrite ...   (bench/tasks.py)
    uv run python -m bench first-token [--model PATH] [--repeat 3]   (see bench/first_token.py)

Runs from a source checkout (it uses tests/gguf_factory.py). Everything that loads llama.cpp
(quantizing the model, the in-process baseline) runs in child processes, so this process, like
the app, never loads llama_cpp itself.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import real_shape, suite
from hearth.core.hardware import default_threads
from hearth.core.paths import Paths

SHAPES = ("llama32-1b", "llama32-3b")
QUANTS = ("Q4_K_M", "Q4_0")
ROOT = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    bench = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    bench.add_argument("--json", action="store_true", help="one JSON object on stdout")
    bench.add_argument("--shape", choices=SHAPES, default="llama32-1b")
    bench.add_argument("--quant", choices=QUANTS, default="Q4_K_M")
    bench.add_argument("--threads", type=int, default=None, help="default: physical cores")
    bench.add_argument("--repeat", type=int, default=3, help="repetitions per figure (median)")
    bench.add_argument("--context", type=int, default=4096, help=argparse.SUPPRESS)
    # Testing: an existing GGUF instead of the generated real-shape model, and no GUI probe.
    bench.add_argument("--model", type=Path, default=None, help=argparse.SUPPRESS)
    bench.add_argument("--no-gui", action="store_true", help=argparse.SUPPRESS)
    bench.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    return bench


def real_shape_model(cache: Path, shape: str, quant: str) -> Path:
    """The cached model, made in a child process (llama.cpp's quantizer) when missing."""
    target = real_shape.cached_path(cache, shape, quant)
    if target.exists():
        return target
    print(
        f"making a random-weight {shape} {quant} model in {cache} (once; minutes)…", file=sys.stderr
    )
    made = subprocess.run(
        [sys.executable, "-m", "bench.real_shape", str(cache), shape, quant],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise SystemExit(f"error: could not make the benchmark model: {made.stderr.strip()[-400:]}")
    return Path(made.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("tasks", "classify-batch", "speculative", "cli-rewrite"):
        from bench import tasks

        return tasks.main(argv)
    if argv and argv[0] == "first-token":
        from bench import first_token

        return first_token.main(argv[1:])
    args = parser().parse_args(argv)
    if args.model is not None:
        if not args.model.is_file():
            print(f"error: no model file at {args.model}", file=sys.stderr)
            return 3
        model = args.model
    else:
        model = real_shape_model(
            Paths.from_environment().cache_dir / "bench", args.shape, args.quant
        )
    config = suite.BenchConfig(
        model=model,
        threads=args.threads or default_threads(),
        repeat=max(1, args.repeat),
        context=args.context,
        gui=not args.no_gui,
        quick=args.quick,
    )
    report = suite.run_suite(config, lambda line: print(f"bench: {line}", file=sys.stderr))
    report["command"] = "python -m bench " + " ".join(argv)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("\n".join(format_report(report)))
    return 0


def format_report(report: dict[str, Any]) -> list[str]:
    settings = report["settings"]
    lines = [
        f"{report['model']['name']} ({report['model']['quantization']}), "
        f"{settings['threads']} threads, context {settings['context']}, "
        f"median of {settings['repeat']}",
        f"{'figure':<34}{'Hearth':>12}{'baseline':>12}{'ratio':>8}  target",
    ]
    for name, f in report["figures"].items():
        value = "-" if f["value"] is None else f"{f['value']:.2f}"
        base = "" if f["baseline"] is None else f"{f['baseline']:.2f}"
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
        verdict = "" if f["met"] is None else ("met" if f["met"] else "MISSED")
        target = f"{f['target']} {verdict}" if f["target"] else ""
        lines.append(
            f"{name + ' (' + f['unit'] + ')':<34}{value:>12}{base:>12}{ratio:>8}  {target}"
        )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
