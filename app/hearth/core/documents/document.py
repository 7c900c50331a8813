"""What a reader returns: the text, and where its pages and headings are in it."""

from __future__ import annotations

from dataclasses import dataclass

# Pages are separated by a form feed, as pdftotext does: the text alone still says where a
# page ends, so a task that only sees the text (the summarizer's splitting) finds the pages.
PAGE_BREAK = "\f"
# Between pages in the text: the form feed on a line of its own, so that a text view (which
# shows no form feed) still shows the pages apart.
PAGE_SEPARATOR = f"\n{PAGE_BREAK}\n"


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) is `text[start:end]` of its document."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """A heading of `level` (1 the highest) whose line starts at `start` in the text."""

    title: str
    level: int
    start: int


@dataclass(frozen=True)
class Document:
    """A file's text as Hearth reads it. Headings are Markdown `#` lines and tables Markdown
    rows in `text`, so an extraction schema or a split can reach them from the text alone.
    `dropped` says, in words, what the reader left out (running headers, images, pages with
    no text layer, the page's navigation)."""

    text: str
    format: str  # "pdf" | "docx" | "html" | "text" | "markdown" | "eml"
    pages: tuple[Page, ...] | None = None  # only formats that have pages
    headings: tuple[Heading, ...] = ()
    tables: int = 0
    dropped: tuple[str, ...] = ()

    @property
    def page_count(self) -> int | None:
        return None if self.pages is None else len(self.pages)

    def page_text(self, number: int) -> str:
        if not self.pages or not 1 <= number <= len(self.pages):
            raise IndexError(f"no page {number}")
        page = self.pages[number - 1]
        return self.text[page.start : page.end]


def join_pages(texts: list[str]) -> tuple[str, tuple[Page, ...]]:
    """The pages' texts as one text with a form feed between pages, and where each page is."""
    parts: list[str] = []
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, 1):
        if number > 1:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        pages.append(Page(number, offset, offset + len(text)))
        offset += len(text)
    return "".join(parts), tuple(pages)
