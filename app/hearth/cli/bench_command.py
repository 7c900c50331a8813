"""`hearth bench`: Hearth's speed next to raw llama.cpp and the hardware limit (issue 7).

The benchmarks live in the top-level `bench/` folder of a source checkout, next to the test
model generator (`tests/gguf_factory.py`) they share; neither ships in the wheel or the
PyInstaller bundle, and a console script's sys.path does not reach them. So this command finds
the checkout from this file's own location (app/hearth/cli/ -> the repository root), puts it
on sys.path for this process only, and otherwise says plainly that it needs one. Everything
that loads llama.cpp (quantizing the model, the in-process baseline) runs in child processes
of `python -m bench.…`, so this process keeps the app's rule: it never loads llama_cpp.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.errors import HearthError, ModelFileError
from hearth.core.hardware import default_threads

SHAPES = ("llama32-1b", "llama32-3b")
QUANTS = ("Q4_K_M", "Q4_0")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    bench: argparse.ArgumentParser = sub.add_parser(
        "bench",
        help="measure speed against raw llama.cpp and the memory-bandwidth limit",
        description="Generate (once, cached) a random-weight model at a real shape and measure "
        "decode, prompt processing, time to first token, classification, load, cancel and GUI "
        "figures, each next to its baseline. Needs a source checkout and the dev dependencies "
        "(uv run hearth bench).",
    )
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


def checkout_root() -> Path:
    """The source checkout this hearth runs from; a clear error for installed or frozen apps."""
    root = Path(__file__).resolve().parents[3]
    if getattr(sys, "frozen", False) or not (root / "bench" / "suite.py").is_file():
        raise HearthError(
            "hearth bench runs from a source checkout (it uses the bench/ and tests/ folders, "
            "which the installed app does not include): clone the repository and run "
            "`uv run hearth bench` there."
        )
    missing = [name for name in ("gguf", "numpy") if importlib.util.find_spec(name) is None]
    if missing:
        raise HearthError(
            f"hearth bench needs the dev dependencies ({', '.join(missing)} missing): run "
            "`uv sync` (dev group) in the checkout, then `uv run hearth bench`."
        )
    return root


def real_shape_model(root: Path, cache: Path, shape: str, quant: str) -> Path:
    """The cached model, made in a child process (llama.cpp's quantizer) when missing."""
    # The naming lives with the generator (bench/real_shape.py), on sys.path by now.
    target: Path = importlib.import_module("bench.real_shape").cached_path(cache, shape, quant)
    if target.exists():
        return target
    print(
        f"making a random-weight {shape} {quant} model in {cache} (once; minutes)…",
        file=sys.stderr,
    )
    made = subprocess.run(
        [sys.executable, "-m", "bench.real_shape", str(cache), shape, quant],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise HearthError(f"could not make the benchmark model: {made.stderr.strip()[-400:]}")
    return Path(made.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace, context: CommandContext) -> int:
    root = checkout_root()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    suite = importlib.import_module("bench.suite")
    if args.model is not None:
        if not args.model.is_file():
            raise ModelFileError(f"no model file at {args.model}")
        model = args.model
    else:
        model = real_shape_model(root, context.paths.cache_dir / "bench", args.shape, args.quant)
    threads = args.threads or default_threads()
    config = suite.BenchConfig(
        model=model,
        threads=threads,
        repeat=max(1, args.repeat),
        context=args.context,
        gui=not args.no_gui,
        quick=args.quick,
    )
    report = suite.run_suite(config, lambda line: print(f"bench: {line}", file=sys.stderr))
    report["command"] = "hearth bench " + " ".join(sys.argv[2:])
    if args.json:
        print_json(report)
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


__all__ = ["add_parser", "run"]
