"""Words for a download's or copy's progress: bytes so far, rate and time left."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar

from hearth.core.models.progress import Phase, Progress

_MB = 1000**2
_GB = 1000**3


def _tr(text: str) -> str:
    return QCoreApplication.translate("Transfer", text)


def size_text(n: int) -> str:
    if n >= _GB:
        return _tr("{0:.2f} GB").format(n / _GB)
    return _tr("{0:.1f} MB").format(n / _MB)


def eta_text(seconds: float) -> str:
    if seconds < 60:
        return _tr("{0} s left").format(max(1, round(seconds)))
    if seconds < 3600:
        return _tr("{0} min left").format(round(seconds / 60))
    return _tr("{0:.1f} h left").format(seconds / 3600)


def progress_text(p: Progress) -> str:
    """E.g. "Downloading 12.0 MB of 800.0 MB · 5.1 MB/s · 3 min left"."""
    doing = {
        Phase.DOWNLOAD: _tr("Downloading"),
        Phase.COPY: _tr("Copying"),
        Phase.VERIFY: _tr("Checking"),
    }[p.phase]
    parts = [
        f"{doing} {size_text(p.done_bytes)}"
        if p.total_bytes is None
        else _tr("{0} {1} of {2}").format(doing, size_text(p.done_bytes), size_text(p.total_bytes))
    ]
    if p.bytes_per_s:
        parts.append(_tr("{0}/s").format(size_text(round(p.bytes_per_s))))
    if p.eta_s is not None and p.done_bytes < (p.total_bytes or 0):
        parts.append(eta_text(p.eta_s))
    if p.resumed_from:
        parts.append(_tr("resumed at {0}").format(size_text(p.resumed_from)))
    return " · ".join(parts)


def show_fraction(bar: QProgressBar, phase: str, fraction: float) -> None:
    """Put a job's phase and share done on a progress bar (a negative share: unknown)."""
    if fraction >= 0:
        bar.setRange(0, 1000)
        bar.setValue(round(fraction * 1000))
    bar.setFormat(f"{phase} %p%")
