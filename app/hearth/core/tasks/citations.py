"""Citations in a summary's points, checked against the document: a point citing page 3 keeps
its citation only if page 3 holds the point's key words; otherwise the citation is replaced by
a note saying it was not found there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hearth.core.tasks.document_split import document_sections

CITATION = re.compile(r"[ \t]*\((page [0-9]+|section: [^()\n]+)\)[ \t]*$", re.M)
_WORD = re.compile(r"[^\W_]{4,}|\d[\d,.]*\d|\d")
_STOP_WORDS = (
    "about above after again also been before being between both could does doing down during "
    "each from further have having here into just more most much must only other over same "
    "should some such than that their them then there these they this those through under "
    "until very were what when where which while will with would your text page pages section "
    "point points"
)
_STOP = frozenset(_STOP_WORDS.split())
KEEP_SHARE = 0.6  # of a point's key words that its cited source must hold


@dataclass
class CitationCheck:
    checked: int = 0
    kept: int = 0
    dropped: list[str] = field(default_factory=list)  # the citations dropped, as written

    def to_json(self) -> dict[str, object]:
        return {"checked": self.checked, "kept": self.kept, "dropped": list(self.dropped)}


def check_citations(output: str, source: str) -> tuple[str, CitationCheck]:
    """`output` with every citation its source does not support replaced by a note."""
    sections = {s.label.lower(): _words(s.text) for s in document_sections(source) if s.label}
    check = CitationCheck()
    lines = []
    for line in output.split("\n"):
        match = CITATION.search(line)
        if match is None:
            lines.append(line)
            continue
        check.checked += 1
        point = line[: match.start()]
        label = " ".join(match.group(1).split())
        if _supported(point, sections.get(label.lower())):
            check.kept += 1
            lines.append(line)
        else:
            check.dropped.append(label)
            lines.append(f"{point} (source not found on {label}; citation dropped)")
    return "\n".join(lines), check


def strip_citations(text: str) -> str:
    """The text without its citations: for checks (added facts) that would read a page
    number as a number the summary made up."""
    return CITATION.sub("", text)


def key_words(point: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(point.lower()) if w not in _STOP}


def _supported(point: str, source_words: set[str] | None) -> bool:
    if source_words is None:
        return False  # a page or section the document does not have
    words = key_words(point)
    if not words:
        return False
    found = sum(1 for word in words if word in source_words)
    return found >= max(1, KEEP_SHARE * len(words))


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower())}


def _stem(word: str) -> str:
    # A crude stem, enough to match "licences" with "licence" and "repaired" with "repairs".
    word = word.replace(",", "")
    return word[:6] if word.isalpha() else word
