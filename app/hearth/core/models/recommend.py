"""Which catalog model suits this machine: every entry labelled, and one recommended.

On first run Hearth suggests exactly one model: the most capable (best `rank`) that fits this
machine well at the chosen context size. If none fits comfortably, the lightest that runs at
all, said plainly; if not even that, none, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from hearth.core.models.catalog import Catalog, CatalogEntry
from hearth.core.models.fit import FitLabel, FitVerdict, Machine, assess_fit


@dataclass(frozen=True)
class Assessed:
    entry: CatalogEntry
    verdict: FitVerdict


@dataclass(frozen=True)
class Recommendation:
    entry: CatalogEntry | None
    verdict: FitVerdict | None
    why: str


def assess_catalog(catalog: Catalog, machine: Machine, context_size: int) -> list[Assessed]:
    """Each catalog model (its suggested quantization) labelled for this machine."""
    return [Assessed(entry, assess_fit(entry.shape(), machine, context_size)) for entry in catalog]


def recommend(catalog: Catalog, machine: Machine, context_size: int) -> Recommendation:
    assessed = assess_catalog(catalog, machine, context_size)
    fitting = sorted(
        (a for a in assessed if a.verdict.label is FitLabel.FITS), key=lambda a: a.entry.rank
    )
    if fitting:
        best = fitting[0]
        return Recommendation(
            best.entry,
            best.verdict,
            f"{best.entry.name} is the most capable model that runs well here. "
            f"{best.verdict.reason}",
        )
    runnable = sorted(
        (a for a in assessed if a.verdict.label is FitLabel.SLOW),
        key=lambda a: a.verdict.estimate.total_bytes,
    )
    if runnable:
        lightest = runnable[0]
        return Recommendation(
            lightest.entry,
            lightest.verdict,
            f"No model runs comfortably on this machine; {lightest.entry.name} is the "
            f"lightest. {lightest.verdict.reason}",
        )
    smallest = min(assessed, key=lambda a: a.verdict.estimate.total_bytes, default=None)
    reason = "The catalog is empty." if smallest is None else smallest.verdict.reason
    return Recommendation(None, None, f"None of the catalog's models fits this machine. {reason}")
