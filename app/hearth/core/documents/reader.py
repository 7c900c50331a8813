"""`read_document`: any supported file to a `Document`, its format told by its content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.core.cancel import CancelToken
from hearth.core.documents.detect import HEAD_BYTES, detect_format
from hearth.core.documents.document import Document
from hearth.core.documents.errors import DocumentError, DocumentTooLarge
from hearth.core.documents.limits import ReadLimits, describe_bytes

FORMATS = ("pdf", "docx", "html", "eml", "markdown", "text")


def read_document(
    path: Path,
    *,
    password: str | None = None,
    cancel: CancelToken | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    limits: ReadLimits = ReadLimits(),  # noqa: B008 - frozen, so one shared default is safe
) -> Document:
    """Read `path`. `on_progress(done, total)` counts pages (PDF) or steps; `cancel` stops a
    long read with `Cancelled`. Every refusal is a `DocumentError` saying what to do."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DocumentError(f"{path} is a folder; give a document file.")
        if size > limits.max_bytes:
            raise DocumentTooLarge(
                f"{path.name} is {describe_bytes(size)}; Hearth reads files up to "
                f"{describe_bytes(limits.max_bytes)}. Split it, or give the part you need."
            )
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except FileNotFoundError:
        raise DocumentError(f"{path} does not exist.") from None
    except OSError as exc:
        raise DocumentError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if not head:
        raise DocumentError(f"{path.name} is empty: there is nothing to read.")
    if b"%PDF-" in head[:1024]:
        from hearth.core.documents.pdf import read_pdf

        return read_pdf(
            path, password=password, cancel=cancel, on_progress=on_progress, limits=limits
        )
    data = _read_all(path, limits.max_bytes)
    kind = detect_format(head, path, data)
    document = _read_as(kind, data, path, cancel, limits)
    if len(document.text) > limits.max_chars:
        raise DocumentTooLarge(
            f"{path.name} holds {len(document.text):,} characters; Hearth reads at most "
            f"{limits.max_chars:,}. Split it into parts."
        )
    if on_progress is not None:
        on_progress(1, 1)
    return document


def _read_as(
    kind: str, data: bytes, path: Path, cancel: CancelToken | None, limits: ReadLimits
) -> Document:
    if kind == "docx":
        from hearth.core.documents.docx import read_docx

        return read_docx(data, path.name, cancel=cancel, limits=limits)
    if kind == "html":
        from hearth.core.documents.html import read_html

        return read_html(data, path.name)
    if kind == "eml":
        from hearth.core.documents.eml import read_eml

        return read_eml(data, path.name)
    from hearth.core.documents.text import read_text

    return read_text(data, kind)


def _read_all(path: Path, max_bytes: int) -> bytes:
    """Bounded: a device or FIFO (/dev/zero) reports no size and never ends."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"{path.name} is larger than {describe_bytes(max_bytes)}, the most Hearth reads; "
            "nothing was read past that. Split it, or give the part you need."
        )
    return data
