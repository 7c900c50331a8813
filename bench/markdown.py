"""The table of docs/benchmarks.md from a `hearth bench --json` report.

python -m bench.markdown report.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def cell(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def table(report: dict[str, Any]) -> str:
    rows = [
        "| figure | Hearth | baseline | ratio | target | met | how |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for name, f in report["figures"].items():
        met = "" if f["met"] is None else ("yes" if f["met"] else "**no**")
        rows.append(
            f"| {name} ({f['unit']}) | {cell(f['value'])} | {cell(f['baseline'])} | "
            f"{cell(f['ratio'])} | {f['target'] or ''} | {met} | {f['note'] or ''} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(json.loads(Path(sys.argv[1]).read_text())))
