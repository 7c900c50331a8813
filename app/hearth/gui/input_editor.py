"""The text to work on: typed, pasted, opened, or dropped as a .txt/.md file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hearth.core.errors import UsageError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_text_file(path: Path) -> str:
    """A text file's content, with a clear refusal for what is not one."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise UsageError(
            QCoreApplication.translate(
                "InputEditor", "{0} is not a text file; open a .txt or .md file."
            ).format(path.name)
        )
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(
                QCoreApplication.translate(
                    "InputEditor", "{0} is larger than 20 MB; open a smaller part of it."
                ).format(path.name)
            )
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(
            QCoreApplication.translate("InputEditor", "Could not open {0}: {1}").format(
                path, exc.strerror or exc
            )
        ) from exc


class InputEditor(QPlainTextEdit):
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Your text"))
        self.setPlaceholderText(
            self.tr("Paste or type the text to work on, or drop a .txt or .md file here…")
        )
        self.setTabChangesFocus(True)

    def load_file(self, path: Path) -> bool:
        try:
            text = read_text_file(path)
        except UsageError as exc:
            self.problem.emit(exc.message)
            return False
        self.replace_text(text)
        return True

    def replace_text(self, text: str) -> None:
        """Replace all the text as one undoable edit (Ctrl+Z brings the old text back)."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt's name
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        files = [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()]
        if files:
            self.load_file(files[0])
            return
        super().insertFromMimeData(source)
