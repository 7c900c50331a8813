"""The text the user selected in any application, read without synthetic keys.

On X11 and Wayland every selection is the PRIMARY selection, which Qt reads as
`QClipboard.Mode.Selection`; nothing is copied and no Ctrl+C is sent (a synthetic Ctrl+C types
"c" or "©" into documents on non-Latin and AltGr layouts, and misses slow applications). Only
where there is no PRIMARY (Windows, macOS, a compositor without primary selection) or it holds
no text is the clipboard read instead, and the caller is told which one it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QClipboard

PRIMARY = "primary"
CLIPBOARD = "clipboard"


@dataclass(frozen=True)
class Selection:
    text: str
    source: str  # PRIMARY | CLIPBOARD (the `selection_source` of `hearth quick --json`)


def read_selection(clipboard: QClipboard) -> Selection:
    if clipboard.supportsSelection():
        text = clipboard.text(QClipboard.Mode.Selection)
        if text.strip():
            return Selection(text, PRIMARY)
    return Selection(clipboard.text(QClipboard.Mode.Clipboard), CLIPBOARD)
