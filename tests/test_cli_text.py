"""`hearth text FILE`, run as users run it: PDF (every page), Word, web pages, and one clear
error line for the PDFs it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.documents.samples import (
    ARTICLE,
    HEADER,
    TOPICS,
    html_page,
    report_pages,
    write_docx,
    write_image_only_pdf,
    write_pdf,
)
from tests.test_cli import assert_clean_error, hearth


def test_pdf_prints_every_page_separated_by_form_feeds(tmp_path: Path) -> None:
    result = hearth("text", str(write_pdf(tmp_path / "report.pdf", report_pages())))
    assert result.returncode == 0, result.stderr
    pages = result.stdout.rstrip("\n").split("\f")
    assert len(pages) == len(TOPICS)
    for page, topic in zip(pages, TOPICS, strict=True):
        assert topic in page
    assert HEADER not in result.stdout
    assert "note: left out a running header" in result.stderr


def test_json_reports_format_pages_and_chars(tmp_path: Path) -> None:
    result = hearth("text", str(write_pdf(tmp_path / "report.pdf", report_pages())), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "pdf"
    assert data["pages"] == len(TOPICS)
    assert data["chars"] == len(data["text"])
    assert TOPICS[4] in data["text"]


def test_docx_prints_headings_paragraphs_and_table_cells(tmp_path: Path) -> None:
    result = hearth("text", str(write_docx(tmp_path / "minutes.docx")))
    assert result.returncode == 0, result.stderr
    assert "# Harbour board meeting" in result.stdout
    assert "The board met on Tuesday to plan the winter season." in result.stdout
    assert "| Pier | Ingrid | 4,200 |" in result.stdout


def test_html_prints_the_article_only(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(html_page(), encoding="utf-8")
    result = hearth("text", str(path))
    assert result.returncode == 0, result.stderr
    assert ARTICLE in result.stdout
    for noise in ("NAVLINK", "SCRIPTTEXT", "STYLETEXT", "COOKIETEXT", "FOOTERTEXT"):
        assert noise not in result.stdout


def test_encrypted_pdf_is_one_error_line_and_opens_with_its_password(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "secret.pdf", report_pages(), password="s3cret")
    assert_clean_error(hearth("text", str(path)), 2, "secret.pdf is encrypted", "--password")
    assert_clean_error(hearth("text", str(path), "--password", "nope"), 2, "wrong")
    opened = hearth("text", str(path), "--password", "s3cret")
    assert opened.returncode == 0, opened.stderr
    assert TOPICS[0] in opened.stdout


def test_image_only_pdf_is_one_error_line(tmp_path: Path) -> None:
    result = hearth("text", str(write_image_only_pdf(tmp_path / "scan.pdf")))
    assert_clean_error(result, 2, "no text layer", "OCR is not built in")
    assert result.stdout == ""


def test_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    assert_clean_error(hearth("text", str(tmp_path / "gone.pdf")), 2, "does not exist")


def test_run_summarize_on_a_pdf_reports_what_was_read(tiny_model: Path, tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "report.pdf", report_pages())
    result = hearth(
        "run",
        "summarize",
        "--input",
        str(path),
        "--model",
        str(tiny_model),
        "--json",
        "--offline",
    )
    assert result.returncode == 0, result.stderr
    # Strict JSON: a number the model made too large is null, never Infinity.
    data = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(name))
    assert data["input"]["format"] == "pdf"
    assert data["input"]["pages"] == len(TOPICS)
    assert data["input"]["chars"] > sum(len(t) for t in TOPICS)
    assert data["input"]["path"] == str(path)


def test_run_on_an_encrypted_pdf_without_its_password_is_one_error_line(
    tiny_model: Path, tmp_path: Path
) -> None:
    path = write_pdf(tmp_path / "secret.pdf", report_pages(), password="s3cret")
    result = hearth("run", "summarize", "--input", str(path), "--model", str(tiny_model))
    assert_clean_error(result, 2, "encrypted", "--password")


def test_extraction_over_a_pdf_is_grounded_against_the_document(
    tmp_path: Path, tiny_model: Path
) -> None:
    """`--schema invoice --input invoice.pdf`: the schema's answer, the document's facts, and
    every value checked against the document's text (a random model's values are not in it)."""
    invoice = write_pdf(
        tmp_path / "invoice.pdf",
        [["Invoice 4471", "From: Acme Tools Ltd", "Total due: 1,250.00 EUR by 3 March 2026."]],
        header=None,
        footer=False,
    )
    result = hearth(
        "run", "extract", "--schema", "invoice", "--input", str(invoice), "--model",
        str(tiny_model), "--json", "--offline",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Strict JSON: a number the model made too large is null, never Infinity.
    data = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(name))
    assert data["input"]["format"] == "pdf"
    assert data["input"]["pages"] == 1
    assert isinstance(data["output"], dict)
    assert isinstance(data["ungrounded"], list)
    document = " ".join(
        [
            "Invoice",
            "4471",
            "From:",
            "Acme",
            "Tools",
            "Ltd",
            "Total",
            "due:",
            "1,250.00",
            "EUR",
            "by",
            "3",
            "March",
            "2026.",
        ]
    ).casefold()
    for key, value in data["output"].items():
        if isinstance(value, str) and value.strip():
            found = " ".join(value.split()).casefold() in document
            assert found or f"$.{key}" in data["ungrounded"], (key, value, data["ungrounded"])
