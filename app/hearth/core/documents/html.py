"""Web pages through trafilatura (Apache-2.0): the article, not the navigation, scripts,
styles, cookie banners and footer around it. Headings and tables come out as Markdown."""

from __future__ import annotations

import re

from hearth.core.documents.document import Document
from hearth.core.documents.encoding import decode_text
from hearth.core.documents.errors import DocumentError
from hearth.core.documents.structure import markdown_headings

_TABLE_SEPARATOR = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$", re.M)


def read_html(data: bytes, name: str) -> Document:
    return html_document(decode_text(data, markup=True), name)


def html_document(markup: str, name: str) -> Document:
    import trafilatura

    text = trafilatura.extract(
        markup,
        output_format="markdown",
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
    )
    dropped = ["navigation, scripts, styles, banners and footer around the article"]
    if not text or not text.strip():
        # Too little prose for an article (a form, a list of links): the visible text, all of it.
        text = trafilatura.html2txt(markup) or ""
        dropped = ["scripts and styles (no article found: all visible text kept)"]
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if not text:
        raise DocumentError(f"{name} is a web page with no text to read.")
    return Document(
        text,
        "html",
        headings=markdown_headings(text),
        tables=len(_TABLE_SEPARATOR.findall(text)),
        dropped=tuple(dropped),
    )
