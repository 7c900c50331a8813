"""Web pages (the article only, in any encoding), e-mail, Markdown and text, and formats
told by their content rather than their names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth.core.documents import DocumentError, UnsupportedDocument, read_document
from tests.core.documents.samples import ARTICLE, html_page

NOISE = ("NAVLINK", "SCRIPTTEXT", "STYLETEXT", "COOKIETEXT", "FOOTERTEXT", "Accept all")


def test_html_keeps_the_article_and_drops_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(html_page(), encoding="utf-8")
    document = read_document(path)
    assert document.format == "html"
    assert ARTICLE in document.text
    assert "## The boats" in document.text
    for noise in NOISE:
        assert noise not in document.text, noise
    assert [h.title for h in document.headings][-1] == "The boats"
    assert document.dropped


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-15", "shift_jis", "utf-16"])
def test_html_in_an_undeclared_encoding_is_decoded(tmp_path: Path, encoding: str) -> None:
    # The page claims nothing (charset removed); the bytes are not UTF-8.
    page = html_page().replace('<meta charset="utf-8">', "")
    if encoding == "shift_jis":
        japanese = "港の喫茶店は冬の間閉まります。村の人々は毎朝、古い船を見送ります。"
        page = page.replace("café", japanese).replace("©", "(c)")
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode(encoding, errors="strict"))
    document = read_document(path)
    assert document.format == "html"
    expected = "港の喫茶店は冬の間閉まります" if encoding == "shift_jis" else "café"
    assert expected in document.text
    assert "\ufffd" not in document.text


def test_html_declaring_a_wrong_charset_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(html_page(charset="utf-8").encode("cp1252"))
    assert "café" in read_document(path).text


def test_eml_gives_sender_subject_and_body_and_names_attachments(tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Ingrid <ingrid@example.org>"
    message["To"] = "board@example.org"
    message["Subject"] = "Pier repairs"
    message["Date"] = "Tue, 05 Nov 2024 09:00:00 +0100"
    message.set_content("The western pier reopens on Friday.\nCosts came to 4,200 kroner.")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="bill.pdf")
    path = tmp_path / "mail.txt"  # a wrong name: the content says e-mail
    path.write_bytes(bytes(message))
    document = read_document(path)
    assert document.format == "eml"
    assert "Subject: Pier repairs" in document.text
    assert "The western pier reopens on Friday." in document.text
    assert "bill.pdf" in " ".join(document.dropped)


def test_markdown_and_text(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# Plan\r\n\r\nFix the pier.\r\n\r\n## Later\r\n\r\nPaint it.", encoding="utf-8")
    document = read_document(md)
    assert document.format == "markdown"
    assert document.text == "# Plan\n\nFix the pier.\n\n## Later\n\nPaint it."
    assert [h.title for h in document.headings] == ["Plan", "Later"]
    txt = tmp_path / "note.txt"
    txt.write_bytes("\ufeffPlain café text.".encode())
    plain = read_document(txt)
    assert (plain.format, plain.text, plain.headings) == ("text", "Plain café text.", ())


def test_a_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    from tests.core.documents.samples import report_pages, write_pdf

    path = write_pdf(tmp_path / "report.pdf", report_pages()).rename(tmp_path / "report.txt")
    assert read_document(path).format == "pdf"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Office"),
        (bytes(range(256)) * 8, "binary data"),
    ],
)
def test_unsupported_files_say_what_they_are(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    with pytest.raises(UnsupportedDocument, match=needle):
        read_document(path)


def test_missing_empty_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        read_document(tmp_path / "nope.pdf")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        read_document(tmp_path / "empty.txt")
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)
