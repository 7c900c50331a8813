"""The user's clipboard, saved format by format and put back byte for byte.

Replace must borrow the clipboard to paste; whatever the user had there (an image, rich text,
a file list) comes back afterwards with every MIME format's exact bytes, and only if the
clipboard still holds what Hearth put there: something the user copied meanwhile is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard

# Formats Qt makes up from others when reading (an image decoded from image/png); writing them
# back would make Qt re-encode the image instead of serving the original bytes.
_SYNTHETIC = frozenset({"application/x-qt-image"})


@dataclass(frozen=True)
class ClipboardSnapshot:
    formats: tuple[tuple[str, bytes], ...]  # MIME type -> its bytes, in the owner's order

    @classmethod
    def take(cls, clipboard: QClipboard) -> ClipboardSnapshot:
        mime: QMimeData | None = clipboard.mimeData(QClipboard.Mode.Clipboard)
        if mime is None:  # no owner: Qt returns None though its stubs say otherwise
            return cls(())
        saved = []
        for name in mime.formats():
            if name in _SYNTHETIC:
                continue
            saved.append((name, bytes(mime.data(name).data())))
        return cls(tuple(saved))

    @property
    def empty(self) -> bool:
        return not self.formats

    def restore(self, clipboard: QClipboard) -> None:
        if self.empty:
            clipboard.clear(QClipboard.Mode.Clipboard)
            return
        mime = QMimeData()
        for name, data in self.formats:
            mime.setData(name, data)
        clipboard.setMimeData(mime, QClipboard.Mode.Clipboard)


class AnswerOnClipboard(QMimeData):
    """Hearth's answer as clipboard data that notes when an application fetched it: on X11 the
    paste has landed once the target asked for the text, and only then may the user's
    clipboard come back."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.answer = text
        self.fetched = 0
        self.setText(text)

    def retrieveData(self, mimetype: str, preferredType: object) -> object:  # noqa: N802, N803
        self.fetched += 1
        return super().retrieveData(mimetype, preferredType)  # type: ignore[arg-type]


def still_holds(clipboard: QClipboard, answer: AnswerOnClipboard) -> bool:
    """Whether the clipboard still holds Hearth's answer (nobody copied anything since)."""
    return clipboard.ownsClipboard() and clipboard.text(QClipboard.Mode.Clipboard) == answer.answer
