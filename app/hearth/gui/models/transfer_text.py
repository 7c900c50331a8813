"""Words for a download's or copy's progress: bytes so far, rate and time left."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar

from hearth.core.models.progress import Phase, Progress

_MB = 1000**2
_GB = 1000**3


def size_text(n: int) -> str:
    if n >= _GB:
        return QCoreApplication.translate("Transfer", "{0:.2f} GB").format(n / _GB)
    return QCoreApplication.translate("Transfer", "{0:.1f} MB").format(n / _MB)


def eta_text(seconds: float) -> str:
    if seconds < 60:
        return QCoreApplication.translate("Transfer", "{0} s left").format(max(1, round(seconds)))
    if seconds < 3600:
        return QCoreApplication.translate("Transfer", "{0} min left").format(round(seconds / 60))
    return QCoreApplication.translate("Transfer", "{0:.1f} h left").format(seconds / 3600)


def phase_text(phase: str) -> str:
    """What a phase of file work (a `Phase`, or its value) is doing, in words."""
    doing: dict[str, str] = {  # a StrEnum: its values find its members
        Phase.DOWNLOAD: QCoreApplication.translate("Transfer", "Downloading"),
        Phase.COPY: QCoreApplication.translate("Transfer", "Copying"),
        Phase.VERIFY: QCoreApplication.translate("Transfer", "Checking"),
    }
    return doing.get(phase, phase)


def progress_text(p: Progress) -> str:
    """E.g. "Downloading 12.0 MB of 800.0 MB · 5.1 MB/s · 3 min left"."""
    doing = phase_text(p.phase)
    parts = [
        f"{doing} {size_text(p.done_bytes)}"
        if p.total_bytes is None
        else QCoreApplication.translate("Transfer", "{0} {1} of {2}").format(
            doing, size_text(p.done_bytes), size_text(p.total_bytes)
        )
    ]
    if p.bytes_per_s:
        parts.append(
            QCoreApplication.translate("Transfer", "{0}/s").format(size_text(round(p.bytes_per_s)))
        )
    if p.eta_s is not None and p.done_bytes < (p.total_bytes or 0):
        parts.append(eta_text(p.eta_s))
    if p.resumed_from:
        parts.append(
            QCoreApplication.translate("Transfer", "resumed at {0}").format(
                size_text(p.resumed_from)
            )
        )
    return " · ".join(parts)


def show_fraction(bar: QProgressBar, phase: str, fraction: float) -> None:
    """Put a job's phase and share done on a progress bar (a negative share: unknown)."""
    if fraction >= 0:
        bar.setRange(0, 1000)
        bar.setValue(round(fraction * 1000))
    bar.setFormat(f"{phase_text(phase)} %p%")
