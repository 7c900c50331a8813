"""The headings of a text whose headings are Markdown `#` lines (what every reader writes)."""

from __future__ import annotations

import re

from hearth.core.documents.document import Heading

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def markdown_headings(text: str) -> tuple[Heading, ...]:
    return tuple(
        Heading(match.group(2).strip(), len(match.group(1)), match.start())
        for match in _HEADING.finditer(text)
    )
