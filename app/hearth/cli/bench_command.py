"""`hearth bench`: points to the benchmarks, which live in a source checkout.

The benchmarks (`bench/`) share the test model generator (`tests/gguf_factory.py`); neither
ships in the wheel or the bundle, and the installed app never reaches into a checkout or
edits sys.path. So the command says where to run them instead.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hearth.cli.context import CommandContext

MESSAGE = (
    "hearth bench: the benchmarks run from a source checkout: run `uv run python -m bench` "
    "there (see docs/benchmarks.md)"
)


def add_parser(sub: Any) -> argparse.ArgumentParser:
    bench: argparse.ArgumentParser = sub.add_parser(
        "bench",
        help="how to measure speed (python -m bench, in a source checkout)",
        description=MESSAGE,
    )
    bench.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return bench


def run(args: argparse.Namespace, context: CommandContext) -> int:
    print(f"error: {MESSAGE}", file=sys.stderr)
    return 2


__all__ = ["add_parser", "run"]
