"""Which calibration mode to use for a label set, chosen by measurement, and why, in words.

The rule (issue 12): a calibration must never make things worse than none beyond the noise: it
may not lower the accuracy, nor raise the expected calibration error (ECE), by more than the
noise of figures measured on this many texts. Among the modes that pass, one is chosen over
`none` only when it raises the accuracy by more than that noise; otherwise `none` wins (it
needs no data and cannot drift). The noise is one standard error of an accuracy measured on
the examples, `sqrt(p (1 - p) / n)`, and at least one text in `n` either way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hearth.core.evaluation.classification import ModeReport


@dataclass(frozen=True)
class ModeChoice:
    mode: str
    reason: str
    noise: float


def noise_of(accuracy: float, n: int) -> float:
    if n <= 0:
        return 1.0
    return max(1.0 / n, math.sqrt(max(accuracy * (1 - accuracy), 0.0) / n))


def choose_mode(reports: Sequence[ModeReport], n: int) -> ModeChoice:
    by_mode = {r.mode: r for r in reports}
    base = by_mode["none"]
    noise = noise_of(base.accuracy, n)
    verdicts: list[str] = []
    passing: list[ModeReport] = []
    for report in reports:
        if report.mode == "none":
            continue
        if report.accuracy < base.accuracy - noise:
            verdicts.append(
                f"{report.mode} lowers the accuracy ({_p(report.accuracy)} against "
                f"{_p(base.accuracy)})"
            )
        elif _ece(report) > _ece(base) + noise:
            verdicts.append(
                f"{report.mode} raises the ECE ({_f(report.ece)} against {_f(base.ece)}): its "
                "probabilities are further from how often its answers are right"
            )
        elif report.accuracy <= base.accuracy + noise:
            verdicts.append(
                f"{report.mode} is no more accurate beyond the noise ({_p(report.accuracy)} "
                f"against {_p(base.accuracy)})"
            )
        else:
            passing.append(report)
    noise_text = f"±{_p(noise)} on {n} examples"
    if not passing:
        why = "; ".join(verdicts) if verdicts else "nothing else was measured"
        return ModeChoice(
            "none",
            f"no calibration (accuracy {_p(base.accuracy)}, ECE {_f(base.ece)}): {why} "
            f"(noise {noise_text}).",
            noise,
        )
    best = max(passing, key=lambda r: (r.accuracy, -_ece(r)))
    return ModeChoice(
        best.mode,
        f"{best.mode} calibration: accuracy {_p(best.accuracy)} against {_p(base.accuracy)} "
        f"without, more than the noise ({noise_text}), and ECE {_f(best.ece)} against "
        f"{_f(base.ece)}, not worse beyond it.",
        noise,
    )


def _ece(report: ModeReport) -> float:
    return report.ece if report.ece is not None else 1.0


def _p(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


@dataclass(frozen=True)
class FormChoice:
    form: str
    reason: str


def choose_form(best: dict[str, tuple[str, float]], default: str, n: int) -> FormChoice:
    """Letters or names, by the same rule: another form than the default only for a gain in
    accuracy beyond the noise. `best`: per form measured, its chosen mode and that accuracy."""
    base_mode, base = best[default]
    noise = noise_of(base, n)
    others = [(form, mode, acc) for form, (mode, acc) in best.items() if form != default]
    winners = [o for o in others if o[2] > base + noise]
    if not winners:
        said = "; ".join(f"as {f} {_p(a)} ({m})" for f, m, a in others) or "nothing else measured"
        return FormChoice(
            default,
            f"options as {default} (the default for these labels; {_p(base)} with {base_mode}): "
            f"{said}, not more accurate beyond the noise (±{_p(noise)} on {n} examples).",
        )
    form, mode, acc = max(winners, key=lambda o: o[2])
    return FormChoice(
        form,
        f"options as {form}: {_p(acc)} ({mode}) against {_p(base)} as {default} ({base_mode}), "
        f"more than the noise (±{_p(noise)} on {n} examples).",
    )
