"""A PDF page's text made readable: line ends joined where a word was hyphenated, and the
running headers and footers that repeat on every page taken out (with what was taken out)."""

from __future__ import annotations

import re
from collections import Counter

# PDFium marks a hyphen it recognised at a line end with U+FFFE and has already joined the
# lines; an explicit hyphen between two lower-case letters across a line end is joined too.
_SOFT_HYPHEN = "\ufffe"
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_A-ZÀ-Þ])")
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 2  # lines at the top and the bottom of a page that may be running lines
_MIN_PAGES = 3
_SHARE = 0.6  # a running line is on at least this share of the pages that have text


def clean_page(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN, "")
    text = _LINE_END_HYPHEN.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def remove_running_lines(pages: list[str]) -> tuple[list[str], list[str]]:
    """The pages without lines repeated at the same edge of most pages (numbers may differ:
    "Page 3 of 40"), and a description of each kind removed."""
    with_text = [i for i, page in enumerate(pages) if page.strip()]
    if len(with_text) < _MIN_PAGES:
        return pages, []
    counts: Counter[tuple[int, str]] = Counter()
    offsets: dict[tuple[int, str], Counter[int]] = {}
    exact: Counter[tuple[int, str]] = Counter()
    for i in with_text:
        for _, position, key, line in _edges(pages[i].split("\n")):
            counts[(position, key)] += 1
            exact[(position, line.strip())] += 1
            numbers = {int(n) for n in _DIGITS.findall(line)[:4] if len(n) < 7}
            offsets.setdefault((position, key), Counter()).update({n - i for n in numbers})
    needed = max(_MIN_PAGES, int(len(with_text) * _SHARE + 0.999))
    running = {
        key
        for key, n in counts.items()
        # A line whose numbers change from page to page repeats only if a number counts the
        # pages ("Page 7 of 40"); "Tide at 3 m" on one page and "at 5 m" on the next does not.
        # Only the outermost line may be such a page number: a second line that counts pages
        # ("Section 3." on page 3) is more likely the page's own text.
        if n >= needed
        and (
            "#" not in key[1]
            or (key[0] in (0, -1) and max(offsets[key].values(), default=0) >= needed)
        )
    } | {edge for edge, n in exact.items() if n >= needed}
    if not running:
        return pages, []
    removed: Counter[tuple[int, str]] = Counter()
    example: dict[tuple[int, str], str] = {}
    cleaned = []
    for page in pages:
        lines = page.split("\n")
        drop = [(index, (position, key)) for index, position, key, _ in _edges(lines)]
        drop = [
            (index, edge)
            for index, edge in drop
            if edge in running or (edge[0], lines[index].strip()) in running
        ]
        if len({index for index, _ in drop}) >= sum(1 for line in lines if line.strip()):
            cleaned.append(page)  # all of it would go: it is the page, not a running line
            continue
        for index, edge in drop:
            removed[edge] += 1
            example.setdefault(edge, lines[index].strip())
        gone = {index for index, _ in drop}
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in gone).strip())
    dropped = []
    for edge, n in sorted(removed.items()):
        where = "header" if edge[0] >= 0 else "footer"
        dropped.append(f'a running {where} on {n} pages ("{_shorten(example[edge])}")')
    return cleaned, dropped


def _edges(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """(line index, position from the top 0,1 or bottom -1,-2, normalized text, the line) of
    the non-empty lines at a page's edges."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    top = filled[:_EDGE_LINES]
    bottom = filled[-_EDGE_LINES:][::-1]
    found = [(i, position, _normalized(lines[i]), lines[i]) for position, i in enumerate(top)]
    found += [
        (i, -1 - position, _normalized(lines[i]), lines[i]) for position, i in enumerate(bottom)
    ]
    return found


def _normalized(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _shorten(line: str, limit: int = 60) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"
