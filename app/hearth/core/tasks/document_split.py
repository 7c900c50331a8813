"""Split a document on its own structure before its sentences: pages (form feeds, as every
paged reader writes them), else Markdown headings, else paragraphs. Each part is marked with
where it came from ([page 3], [section: Decisions]) so a summary of it can cite its source.

Sections are joined while they fit the budget; a section larger than the budget is split by
`split_to_fit` (paragraphs, then sentences), each piece keeping its section's mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hearth.core.tasks.text_split import Counter, split_to_fit

PAGE_BREAK = "\f"  # the readers' page separator (hearth.core.documents.document.PAGE_BREAK)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass(frozen=True)
class Section:
    """A page or a heading's section. `label` is how a summary cites it: "page 3", or
    "section: Decisions"; empty for text with no structure."""

    label: str
    text: str

    @property
    def marked(self) -> str:
        return f"[{self.label}]\n{self.text}" if self.label else self.text


@dataclass(frozen=True)
class Part:
    text: str  # the sections' marked texts
    labels: tuple[str, ...]

    def describe(self) -> str:
        """The part's place in the document, in words: "pages 3-5", "section: Costs"."""
        if not self.labels:
            return ""
        first, last = self.labels[0], self.labels[-1]
        if first == last:
            return first
        if first.startswith("page ") and last.startswith("page "):
            return f"pages {first.removeprefix('page ')}-{last.removeprefix('page ')}"
        return f"{first} to {last}"


def citation_kind(text: str) -> str | None:
    """ "page" when the text has pages, "section" when it has headings, else None."""
    if PAGE_BREAK in text.strip():
        return "page"
    if _HEADING.search(text):
        return "section"
    return None


def document_sections(text: str) -> list[Section]:
    kind = citation_kind(text)
    if kind == "page":
        return [
            Section(f"page {number}", page.strip())
            for number, page in enumerate(text.split(PAGE_BREAK), 1)
            if page.strip()
        ]
    if kind == "section":
        sections: list[Section] = []
        matches = list(_HEADING.finditer(text))
        if text[: matches[0].start()].strip():
            sections.append(Section("", text[: matches[0].start()].strip()))
        for match, following in zip(matches, [*matches[1:], None], strict=True):
            end = following.start() if following is not None else len(text)
            body = text[match.start() : end].strip()
            sections.append(Section(f"section: {match.group(2).strip()}", body))
        return sections
    return [Section("", text.strip())] if text.strip() else []


def marked_text(text: str) -> str:
    """The whole text with its sections marked, for a prompt that fits in one go."""
    return "\n\n".join(section.marked for section in document_sections(text))


def split_document(text: str, budget: int, count: Counter) -> list[Part]:
    if budget < 16:
        raise ValueError("budget too small to split into")
    pieces: list[tuple[Section, int]] = []
    sections = document_sections(text)
    for section, size in zip(sections, count([s.marked for s in sections]), strict=True):
        if size <= budget:
            pieces.append((section, size))
            continue
        mark = count([f"[{section.label}]\n"])[0] if section.label else 0
        for chunk in split_to_fit(section.text, max(8, budget - mark), count):
            piece = Section(section.label, chunk)
            pieces.append((piece, count([piece.marked])[0]))
    parts: list[Part] = []
    texts: list[str] = []
    labels: list[str] = []
    size = 0
    for section, n in pieces:
        if texts and size + 2 + n > budget:
            parts.append(Part("\n\n".join(texts), _unique(labels)))
            texts, labels, size = [], [], 0
        texts.append(section.marked)
        if section.label:
            labels.append(section.label)
        size += n + (2 if size else 0)
    if texts:
        parts.append(Part("\n\n".join(texts), _unique(labels)))
    return parts


def _unique(labels: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(labels))
