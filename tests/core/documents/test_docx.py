"""Word files: headings, paragraphs, lists and table cells in reading order; zip bombs and
broken files refused before anything large is unpacked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hearth.core.documents import DamagedDocument, ReadLimits, UnsafeArchive, read_document
from tests.core.documents.samples import write_docx, write_zip_bomb


def test_headings_lists_and_table_cells_in_reading_order(tmp_path: Path) -> None:
    document = read_document(write_docx(tmp_path / "minutes.docx"))
    assert document.format == "docx"
    assert document.page_count is None
    text = document.text
    assert text.startswith("# Harbour board meeting\n\nThe board met on Tuesday")
    assert "## Decisions\n\n- Repair the western pier\n- Order a new lamp" in text
    assert "1. First step\n2. Second step" in text
    assert "| Item | Owner | Cost |\n|---|---|---|\n| Pier | Ingrid | 4,200 |" in text
    assert text.index("| Lamp | Nils | 1,150 |") < text.index("The meeting closed at nine.")
    assert [(h.title, h.level) for h in document.headings] == [
        ("Harbour board meeting", 1),
        ("Decisions", 2),
    ]
    assert document.tables == 1
    assert "CONFIDENTIAL DRAFT" not in text
    assert "page headers and footers" in document.dropped


def test_a_docx_under_another_name_is_read_by_its_content(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "minutes.docx").rename(tmp_path / "minutes.txt")
    document = read_document(path)
    assert document.format == "docx"
    assert "Ingrid" in document.text


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    path = write_zip_bomb(tmp_path / "bomb.docx", unpacked_mib=24)
    assert path.stat().st_size < 200_000
    with pytest.raises(UnsafeArchive) as raised:
        read_document(path, limits=ReadLimits(max_unpacked_bytes=16 * 1024 * 1024))
    assert "zip bomb" in raised.value.message
    assert "16 MB" in raised.value.message


def test_zip_bomb_that_lies_about_its_size_is_stopped(tmp_path: Path) -> None:
    path = write_zip_bomb(tmp_path / "liar.docx", unpacked_mib=24)
    _declare_small_sizes(path)
    with pytest.raises((UnsafeArchive, DamagedDocument)):
        read_document(path, limits=ReadLimits(max_unpacked_bytes=16 * 1024 * 1024))


def test_truncated_docx_is_damaged(tmp_path: Path) -> None:
    whole = write_docx(tmp_path / "whole.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DamagedDocument, match="damaged or cut short"):
        read_document(cut)


def test_a_zip_that_is_not_a_word_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "numbers.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(Exception, match="spreadsheet"):
        read_document(path)


def _declare_small_sizes(path: Path) -> None:
    """Rewrite every size field of the zip (local headers and central directory) to 1 KB."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    for info in infos:
        if info.file_size > 1 << 20:
            # Zip64 entries keep their sizes in the extra field: patch that 8-byte value.
            big = info.file_size.to_bytes(8, "little")
            data = bytearray(bytes(data).replace(big, (1024).to_bytes(8, "little")))
    path.write_bytes(bytes(data))
