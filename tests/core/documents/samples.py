"""Documents written by the tests themselves: PDFs (reportlab), Word files (python-docx), web
pages and e-mails by hand. Nothing is checked in."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

HEADER = "ACME Harbour Authority - Annual Report"

# One distinct topic per page, so that a citation can be checked against its page.
TOPICS = [
    "The harbour dredging finished in March and deepened the channel to twelve metres.",
    "Fishing licences rose to 412, mostly for small boats from the northern villages.",
    "The new lighthouse lamp uses light-emitting diodes and saves 9,000 kroner a year.",
    "Storm damage in November closed the western pier for three weeks of repairs.",
    "Visitor numbers reached 18,500, helped by the summer ferry to Skarvik island.",
]


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = HEADER,
    footer: bool = True,
    password: str | None = None,
) -> Path:
    """A PDF with a text layer: each page's lines, plus a running header and page footer."""
    from reportlab.lib.pdfencrypt import StandardEncryption  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    encrypt = StandardEncryption(password, ownerPassword=password + "-owner") if password else None
    pdf = canvas.Canvas(str(path), encrypt=encrypt, pageCompression=1)
    for number, lines in enumerate(pages, 1):
        if header:
            pdf.drawString(72, 800, header)
        y = 740
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        if footer:
            pdf.drawString(270, 40, f"Page {number} of {len(pages)}")
        pdf.showPage()
    pdf.save()
    return path


def report_pages() -> list[list[str]]:
    return [[f"Section {i}.", topic] for i, topic in enumerate(TOPICS, 1)]


def write_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A 'scan': every page an image, no text layer."""
    # A tiny grey PNG, written by hand so no imaging library is needed.
    import struct
    import zlib

    from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * 16 for _ in range(16))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.drawImage(ImageReader(io.BytesIO(png)), 72, 300, width=400, height=400)
        pdf.showPage()
    pdf.save()
    return path


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Harbour board meeting", level=1)
    document.add_paragraph("The board met on Tuesday to plan the winter season.")
    document.add_heading("Decisions", level=2)
    document.add_paragraph("Repair the western pier", style="List Bullet")
    document.add_paragraph("Order a new lamp", style="List Bullet")
    document.add_paragraph("First step", style="List Number")
    document.add_paragraph("Second step", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("Item", "Owner", "Cost"), ("Pier", "Ingrid", "4,200"), ("Lamp", "Nils", "1,150")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("The meeting closed at nine.")
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL DRAFT"
    document.save(str(path))
    return path


def write_zip_bomb(path: Path, unpacked_mib: int) -> Path:
    """A .docx-shaped zip whose one extra entry unpacks to `unpacked_mib` MiB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(unpacked_mib):
                member.write(zeros)
    return path


ARTICLE = (
    "The fishing village of Skarvik has kept its harbour open through every winter since "
    "1870, and the people who live there say that the cold is the least of their worries."
)


def html_page(charset: str = "utf-8", title_word: str = "harbours") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>Quiet {title_word}</title>
<style>body {{ font-family: STYLETEXT; }}</style>
<script>var tracker = "SCRIPTTEXT";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/news">NAVLINK News</a> <a href="/about">About</a></nav>
<div id="cookie-banner" class="cookie-consent">COOKIETEXT We use cookies to improve your
experience. <button>Accept all</button></div>
<main><article>
<h1>Quiet {title_word} of the north</h1>
<p>{ARTICLE}</p>
<h2>The boats</h2>
<p>Eleven boats still go out each morning. Most are older than the men who sail them, and each
carries the name of a grandmother who once waited on the pier for it to come home.</p>
<p>In summer the harbour fills with visitors who come for the light and leave before the first
storm, and the village is quiet again by October, when the café closes for the winter.</p>
</article></main>
<footer>FOOTERTEXT © 2024 Harbour News. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""
