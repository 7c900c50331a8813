"""Plain text and Markdown, as Hearth always read them, in whatever encoding they came."""

from __future__ import annotations

from hearth.core.documents.document import Document
from hearth.core.documents.encoding import decode_text
from hearth.core.documents.structure import markdown_headings


def read_text(data: bytes, format: str) -> Document:
    text = decode_text(data).replace("\r\n", "\n")
    headings = markdown_headings(text) if format == "markdown" else ()
    return Document(text, format, headings=headings)
