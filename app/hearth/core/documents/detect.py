"""Which format a file is, from its first bytes: a renamed file is read for what it is."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from hearth.core.documents.errors import UnsupportedDocument

HEAD_BYTES = 8192

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAGS = re.compile(rb"<(html|head|body|p|div|article|h1)\b[^>]*>", re.I)
# An e-mail starts with header fields, and real ones carry these.
_MAIL_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]", re.M)
_MAIL_NAMES = (b"from:", b"date:", b"subject:", b"message-id:", b"mime-version:", b"received:")

# Formats people try that Hearth does not read, by signature: what to do instead.
_REFUSED = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls, .ppt)"),
    (b"{\\rtf", "an RTF file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


def detect_format(head: bytes, path: Path, data: bytes | None = None) -> str:
    """ "pdf", "docx", "html", "eml", "markdown" or "text"; refused with a reason otherwise.

    `head` is the file's first bytes; `data` the whole file when it is a zip (to look inside).
    The extension only tells Markdown from plain text, which no signature can."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path, data)
    for signature, what in _REFUSED:
        if head.startswith(signature):
            hint = " OCR is not built in;" if "image" in what else ""
            raise UnsupportedDocument(
                f"{path.name} is {what}, which Hearth does not read.{hint} Give a PDF, Word "
                "(.docx), web page, e-mail (.eml), Markdown or text file."
            )
    sample = _as_ascii(head)
    if _HTML_START.match(sample) or len(_HTML_TAGS.findall(sample)) >= 2:
        return "html"
    if _looks_like_mail(sample):
        return "eml"
    if _is_binary(head):
        raise UnsupportedDocument(
            f"{path.name} is binary data, not a document Hearth reads. Give a PDF, Word "
            "(.docx), web page, e-mail (.eml), Markdown or text file."
        )
    return "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"


def _zip_format(path: Path, data: bytes | None) -> str:
    names: set[str] = set()
    if data is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "docx"  # a broken zip: the docx reader says it is damaged
    if not names or "word/document.xml" in names:
        return "docx"
    kind = (
        "a spreadsheet (.xlsx)"
        if "xl/workbook.xml" in names
        else "a presentation (.pptx)"
        if "ppt/presentation.xml" in names
        else "an OpenDocument file"
        if "mimetype" in names
        else "a zip archive"
    )
    raise UnsupportedDocument(
        f"{path.name} is {kind}, which Hearth does not read. Save it as PDF or .docx, or "
        "copy its text."
    )


def _as_ascii(head: bytes) -> bytes:
    """UTF-16 text has a zero byte between ASCII letters: drop them to match markup."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].replace(b"\x00", b"")
    return head.lstrip(b"\xef\xbb\xbf")


def _looks_like_mail(sample: bytes) -> bool:
    header = sample.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    lines = [line for line in header.splitlines() if line and not line[:1].isspace()]
    if not lines or not all(_MAIL_HEADER.match(line) for line in lines[:3]):
        return False
    names = {line.split(b":", 1)[0].lower() + b":" for line in lines}
    return b"from:" in names and len(names & set(_MAIL_NAMES)) >= 2


def _is_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\x1b")
    return bool(head) and control / len(head) > 0.1
