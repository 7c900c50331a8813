"""PDF through PDFium (pypdfium2; Apache-2.0/BSD, where PyMuPDF's AGPL would not fit an app we
ship): the text layer page by page, page boundaries kept, with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from hearth.core.cancel import CancelToken
from hearth.core.documents.document import Document, join_pages
from hearth.core.documents.errors import (
    DamagedDocument,
    DocumentError,
    DocumentTooLarge,
    NoTextLayer,
    PasswordRequired,
)
from hearth.core.documents.limits import ReadLimits
from hearth.core.documents.page_cleanup import clean_page, remove_running_lines

Progress = Callable[[int, int], None]

# PDFium is one library-wide state and not thread-safe: the window's reader thread and any other
# caller in the process take turns. A process-wide lock, as the library is process-wide.
_PDFIUM = threading.Lock()

# PDFium's load error codes (FPDF_ERR_*).
_ERR_FILE, _ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 2, 3, 4, 5


def read_pdf(
    path: Path,
    *,
    password: str | None = None,
    cancel: CancelToken | None = None,
    on_progress: Progress | None = None,
    limits: ReadLimits = ReadLimits(),  # noqa: B008 - frozen, so one shared default is safe
) -> Document:
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path), password=password or None)
        except pdfium.PdfiumError as exc:
            raise _load_error(path, exc.err_code, password) from None
        try:
            texts, unreadable = _page_texts(pdf, path, cancel, on_progress, limits)
        finally:
            pdf.close()
    empty = [n for n, text in enumerate(texts, 1) if not text.strip()]
    if not texts or len(empty) == len(texts):
        raise NoTextLayer(
            f"{path.name} has no text layer: its pages are images (a scan?), and OCR is not "
            "built into Hearth. Run it through an OCR tool first, or copy its text."
        )
    texts, dropped = remove_running_lines(texts)
    no_text = [n for n in empty if n not in unreadable]
    if no_text:
        dropped.insert(0, f"{_pages(no_text)} with no text layer (images only; no OCR)")
    if unreadable:
        dropped.insert(0, f"{_pages(unreadable)} that could not be read (damaged)")
    text, pages = join_pages(texts)
    return Document(text, "pdf", pages=pages, dropped=tuple(dropped))


def _page_texts(
    pdf: object,
    path: Path,
    cancel: CancelToken | None,
    on_progress: Progress | None,
    limits: ReadLimits,
) -> tuple[list[str], list[int]]:
    import pypdfium2 as pdfium

    assert isinstance(pdf, pdfium.PdfDocument)
    total = len(pdf)
    if total > limits.max_pages:
        raise DocumentTooLarge(
            f"{path.name} has {total:,} pages; Hearth reads at most {limits.max_pages:,}. "
            "Split it, or give the pages you need."
        )
    texts: list[str] = []
    unreadable: list[int] = []
    chars = 0
    for index in range(total):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            # One page at a time, closed at once: memory stays flat on a 2,000-page file.
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    raw = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
        except pdfium.PdfiumError:
            unreadable.append(index + 1)
            raw = ""
        text = clean_page(raw)
        chars += len(text)
        if chars > limits.max_chars:
            raise DocumentTooLarge(
                f"{path.name} holds more than {limits.max_chars:,} characters of text (reached "
                f"on page {index + 1}); Hearth reads at most that. Split it into parts."
            )
        texts.append(text)
        if on_progress is not None:
            on_progress(index + 1, total)
    return texts, unreadable


def _load_error(path: Path, code: int | None, password: str | None) -> DocumentError:
    if code == _ERR_PASSWORD:
        if password:
            return PasswordRequired(
                f"The password for {path.name} is wrong. Give the right one with --password, "
                "or open it in the window, which asks.",
                wrong_password=True,
            )
        return PasswordRequired(
            f"{path.name} is encrypted: give its password with --password, or open it in the "
            "window, which asks.",
            wrong_password=False,
        )
    if code == _ERR_SECURITY:
        return DamagedDocument(
            f"{path.name} is protected by a security scheme Hearth cannot open. Save an "
            "unprotected copy in a PDF viewer, or copy its text."
        )
    return DamagedDocument(
        f"{path.name} is damaged or cut short: it starts like a PDF, but PDFium cannot read it. "
        "Download or export it again."
    )


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"page {shown}" if len(numbers) == 1 else f"pages {shown}{more}"
