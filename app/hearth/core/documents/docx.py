"""Word (.docx) through python-docx (MIT): paragraphs, headings, lists and tables in reading
order; headings as Markdown `#` lines and tables as Markdown rows, so a split or an extraction
schema can reach a heading or a cell from the text."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.documents.archive_guard import check_archive
from hearth.core.documents.document import Document
from hearth.core.documents.errors import DamagedDocument
from hearth.core.documents.limits import ReadLimits
from hearth.core.documents.structure import markdown_headings


def read_docx(
    data: bytes,
    name: str,
    *,
    cancel: CancelToken | None = None,
    limits: ReadLimits = ReadLimits(),  # noqa: B008 - frozen, so one shared default is safe
) -> Document:
    check_archive(data, name, limits, cancel)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.etree import LxmlError  # type: ignore[import-untyped]

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        tables = 0
        numbering = _Numbering()
        for item in document.iter_inner_content():
            if cancel is not None:
                cancel.raise_if_cancelled()
            if isinstance(item, Paragraph):
                line = numbering.line(item)
                if line:
                    blocks.append(line)
            elif isinstance(item, Table):
                numbering.reset()
                rows = _table_rows(item)
                if rows:
                    blocks.append("\n".join(rows))
                    tables += 1
        dropped = _dropped(document)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, LxmlError) as exc:
        raise DamagedDocument(
            f"{name} is not a readable Word document ({exc}). Save it again from Word, or "
            "export it as PDF."
        ) from None
    text = _join(blocks)
    return Document(
        text, "docx", headings=markdown_headings(text), tables=tables, dropped=tuple(dropped)
    )


class _Numbering:
    """Numbers the items of consecutive numbered-list paragraphs; any other paragraph ends the
    list. (Word's own numbering definitions are not evaluated: 1., 2., 3. per run of items.)"""

    def __init__(self) -> None:
        self._count = 0

    def reset(self) -> None:
        self._count = 0

    def line(self, paragraph: Any) -> str:
        text = " ".join(paragraph.text.split())
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        level = _heading_level(style)
        if level and text:
            self.reset()
            return f"{'#' * level} {text}"
        list_kind, depth = _list_kind(paragraph, style)
        if list_kind is None or not text:
            self.reset()
            return text
        indent = "  " * depth
        if list_kind == "number":
            self._count += 1
            return f"{indent}{self._count}. {text}"
        return f"{indent}- {text}"


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        number = style.removeprefix("Heading ").strip()
        if number.isdigit():
            return min(6, max(1, int(number)))
    return 0


def _list_kind(paragraph: Any, style: str) -> tuple[str | None, int]:
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    depth = 0
    if numbered and properties.numPr.ilvl is not None:
        depth = int(properties.numPr.ilvl.val or 0)
    if style.startswith("List Number"):
        return "number", depth
    if style.startswith(("List Bullet", "List Paragraph", "List")) or numbered:
        return "bullet", depth
    return None, 0


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: show it once.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()).replace("|", "\\|"))
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
            if len(rows) == 1:
                rows.append("|" + "---|" * len(cells))
    return rows


def _dropped(document: Any) -> list[str]:
    dropped: list[str] = []
    images = len(document.inline_shapes)
    if images:
        dropped.append(f"{images} image{'s' if images > 1 else ''}")
    headers = False
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous and any(p.text.strip() for p in part.paragraphs):
                headers = True
    if headers:
        dropped.append("page headers and footers")
    return dropped


def _join(blocks: list[str]) -> str:
    """Blank lines between blocks, but list items stay together as one list."""
    out: list[str] = []
    for block in blocks:
        if out and _is_item(block) and _is_item(out[-1]):
            out[-1] = f"{out[-1]}\n{block}"
        else:
            out.append(block)
    return "\n\n".join(out)


def _is_item(block: str) -> bool:
    head = block.lstrip().split(" ", 1)[0]
    return head == "-" or (head.endswith(".") and head[:-1].isdigit())
