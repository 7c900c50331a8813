"""The evaluation's picture: one reliability diagram per calibration mode, and the coverage
curves of all modes in one panel.

Reliability panel: x is the top label's probability (0..1), bars are the accuracy of the texts
in each tenth (bar width: their share), the grey diagonal is perfect calibration. Coverage
panel: x is the share of texts kept on the device, y the accuracy of all answers with a cloud
that is always right answering the rest (0.5..1), one line per mode in its panel's colour.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hearth.core.evaluation.classification import ModeReport
from hearth.core.evaluation.png import Canvas, Color

COLORS: dict[str, Color] = {
    "none": (90, 90, 90),
    "batch": (30, 110, 200),
    "contextual": (210, 90, 30),
}
_PANEL, _PAD = 240, 36
_GRID: Color = (225, 225, 225)
_AXIS: Color = (60, 60, 60)


def report_png(reports: Sequence[ModeReport]) -> bytes:
    panels = len(reports) + 1
    canvas = Canvas(panels * (_PANEL + _PAD) + _PAD, _PANEL + 2 * _PAD)
    for index, report in enumerate(reports):
        _reliability(canvas, _PAD + index * (_PANEL + _PAD), _PAD, report)
    _coverage(canvas, _PAD + len(reports) * (_PANEL + _PAD), _PAD, reports)
    return canvas.to_png()


def _frame(canvas: Canvas, x0: int, y0: int, low: str, high: str) -> None:
    for tenth in range(11):
        offset = round(tenth * _PANEL / 10)
        canvas.line(x0 + offset, y0, x0 + offset, y0 + _PANEL, _GRID)
        canvas.line(x0, y0 + offset, x0 + _PANEL, y0 + offset, _GRID)
    canvas.line(x0, y0 + _PANEL, x0 + _PANEL, y0 + _PANEL, _AXIS)
    canvas.line(x0, y0, x0, y0 + _PANEL, _AXIS)
    canvas.text(x0 - 4, y0 + _PANEL + 6, "0", _AXIS)
    canvas.text(x0 + _PANEL - 4, y0 + _PANEL + 6, "1", _AXIS)
    canvas.text(x0 - 30, y0 + _PANEL - 10, low, _AXIS)
    canvas.text(x0 - 30, y0, high, _AXIS)


def _reliability(canvas: Canvas, x0: int, y0: int, report: ModeReport) -> None:
    color = COLORS.get(report.mode, _AXIS)
    _frame(canvas, x0, y0, "0", "1")
    total = sum(b.count for b in report.reliability) or 1
    for b in report.reliability:
        if not b.count or b.accuracy is None:
            continue
        left = x0 + round(b.lower * _PANEL)
        width = max(2, round((b.upper - b.lower) * _PANEL * min(1.0, 4 * b.count / total)))
        top = y0 + _PANEL - round(b.accuracy * _PANEL)
        canvas.rect(left + 1, top, left + width - 1, y0 + _PANEL - 1, color)
    canvas.line(x0, y0 + _PANEL, x0 + _PANEL, y0, (160, 160, 160))
    canvas.rect(x0, y0 - 20, x0 + 24, y0 - 12, color)  # the mode's colour, as in the legend
    if report.ece is not None:
        canvas.text(x0 + 32, y0 - 22, f"{report.ece:.3f}", _AXIS)
    canvas.text(x0 + 120, y0 - 22, f"{report.accuracy:.2f}", color)


def _coverage(canvas: Canvas, x0: int, y0: int, reports: Sequence[ModeReport]) -> None:
    _frame(canvas, x0, y0, ".5", "1")
    for report in reports:
        color = COLORS.get(report.mode, _AXIS)
        points = [
            (
                x0 + round(p.share_on_device * _PANEL),
                y0 + _PANEL - round(max(0.0, (p.accuracy_with_cloud - 0.5) * 2) * _PANEL),
            )
            for p in sorted(report.coverage, key=lambda p: p.share_on_device)
        ]
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            canvas.line(ax, ay, bx, by, color, width=2)
