"""PDFs read through PDFium: every page, boundaries kept, running lines and hyphens handled,
and each bad PDF refused with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.documents import (
    DamagedDocument,
    DocumentTooLarge,
    NoTextLayer,
    PasswordRequired,
    ReadLimits,
    read_document,
)
from hearth.core.documents.document import PAGE_BREAK
from hearth.core.errors import Cancelled, UsageError
from tests.core.documents.samples import (
    HEADER,
    TOPICS,
    report_pages,
    write_image_only_pdf,
    write_pdf,
)


def test_every_page_is_read_with_its_boundaries(tmp_path: Path) -> None:
    document = read_document(write_pdf(tmp_path / "report.pdf", report_pages()))
    assert document.format == "pdf"
    assert document.page_count == len(TOPICS)
    assert document.text.count(PAGE_BREAK) == len(TOPICS) - 1
    for number, topic in enumerate(TOPICS, 1):
        assert topic in document.page_text(number)
        assert all(topic not in document.page_text(n) for n in range(1, 6) if n != number)


def test_running_header_and_page_footer_are_removed_and_said(tmp_path: Path) -> None:
    document = read_document(write_pdf(tmp_path / "report.pdf", report_pages()))
    assert HEADER not in document.text
    assert "Page 2 of 5" not in document.text
    said = " ".join(document.dropped)
    assert "running header on 5 pages" in said
    assert HEADER in said
    assert "running footer on 5 pages" in said


def test_a_short_pdf_keeps_its_first_lines(tmp_path: Path) -> None:
    # Two pages are too few to tell a running header from a repeated line.
    document = read_document(write_pdf(tmp_path / "two.pdf", report_pages()[:2]))
    assert HEADER in document.page_text(1)


def test_hyphenated_line_ends_are_joined(tmp_path: Path) -> None:
    lines = ["The committee discussed the environ-", "mental survey and the harbour-", "master."]
    document = read_document(write_pdf(tmp_path / "h.pdf", [lines], header=None, footer=False))
    assert "environmental survey" in document.text
    assert "environ-" not in document.text
    # A hyphen before a capital or a name stays a hyphen (harbour-master is one compound).
    assert "harbour" in document.text


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "secret.pdf", report_pages(), password="s3cret")
    with pytest.raises(PasswordRequired) as missing:
        read_document(path)
    assert not missing.value.wrong_password
    assert "--password" in missing.value.message
    assert "window" in missing.value.message
    with pytest.raises(PasswordRequired) as wrong:
        read_document(path, password="guess")
    assert wrong.value.wrong_password
    assert "wrong" in wrong.value.message
    assert TOPICS[2] in read_document(path, password="s3cret").page_text(3)


def test_image_only_pdf_says_there_is_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(NoTextLayer) as raised:
        read_document(write_image_only_pdf(tmp_path / "scan.pdf"))
    assert "no text layer" in raised.value.message
    assert "OCR" in raised.value.message
    assert raised.value.exit_code == 2


def test_truncated_pdf_is_damaged(tmp_path: Path) -> None:
    whole = write_pdf(tmp_path / "whole.pdf", report_pages()).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(DamagedDocument, match="damaged or cut short"):
        read_document(cut)


def test_garbage_after_the_pdf_signature_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    with pytest.raises(DamagedDocument, match="damaged or cut short"):
        read_document(path)


def test_long_pdf_reports_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    pages = [[f"Tide table entry {n * 7 + n % 3}."] for n in range(1, 301)]
    path = write_pdf(tmp_path / "long.pdf", pages)
    seen: list[tuple[int, int]] = []
    document = read_document(path, on_progress=lambda done, total: seen.append((done, total)))
    assert document.page_count == 300
    assert seen[0] == (1, 300)
    assert seen[-1] == (300, 300)
    assert len(seen) == 300
    assert document.page_text(300) == "Tide table entry 2100."

    cancel = CancelToken()

    def stop_at_ten(done: int, total: int) -> None:
        if done == 10:
            cancel.cancel()

    with pytest.raises(Cancelled):
        read_document(path, cancel=cancel, on_progress=stop_at_ten)


def test_page_and_character_limits_name_the_limit(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "long.pdf", [["Some text."]] * 12)
    with pytest.raises(DocumentTooLarge, match=r"at most 10\."):
        read_document(path, limits=ReadLimits(max_pages=10))
    with pytest.raises(DocumentTooLarge, match="more than 50 characters"):
        read_document(path, limits=ReadLimits(max_chars=50))
    with pytest.raises(DocumentTooLarge, match="up to 100 bytes") as raised:
        read_document(path, limits=ReadLimits(max_bytes=100))
    assert isinstance(raised.value, UsageError)
