"""Proofreading changes shown in place: removed words struck through, added words marked."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

# Translucent, so the marks read on light and dark themes alike.
DELETED = "background-color: rgba(220, 60, 60, 0.28); text-decoration: line-through;"
INSERTED = "background-color: rgba(40, 170, 80, 0.30);"


def diff_html(original: str, changes: Sequence[Mapping[str, Any]]) -> str:
    """The original text with each change marked; offsets are into `original`."""
    parts: list[str] = []
    at = 0
    for change in sorted(changes, key=lambda c: int(c["start"])):
        start = int(change["start"])
        before, after = str(change["before"]), str(change["after"])
        if start < at or original[start : start + len(before)] != before:
            continue  # an overlapping or stale change: show the text as it is
        parts.append(html.escape(original[at:start]))
        if before:
            parts.append(f'<span style="{DELETED}">{html.escape(before)}</span>')
        if after:
            parts.append(f'<span style="{INSERTED}">{html.escape(after)}</span>')
        at = start + len(before)
    parts.append(html.escape(original[at:]))
    return '<div style="white-space: pre-wrap;">' + "".join(parts) + "</div>"


class DiffView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Proofreading changes"))
        self.setOpenLinks(False)
        self.change_count = 0

    def show_changes(self, original: str, changes: Sequence[Mapping[str, Any]]) -> None:
        self.change_count = len(changes)
        if not changes:
            self.setHtml(
                "<p><i>"
                + html.escape(self.tr("No changes: the text looks right."))
                + "</i></p>"
                + diff_html(original, ())
            )
            return
        self.setHtml(diff_html(original, changes))
