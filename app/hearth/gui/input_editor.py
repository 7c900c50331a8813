"""The text to work on: typed, pasted, opened, or dropped as a file (text, Markdown, PDF,
Word, web page, e-mail). Documents are read on a worker thread; the header above the text says
what was read, shows the progress of a long read and can cancel it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData, Signal
from PySide6.QtGui import QResizeEvent, QTextCursor
from PySide6.QtWidgets import QInputDialog, QLineEdit, QPlainTextEdit, QWidget

from hearth.core.documents import read_input_file
from hearth.core.documents.detect import HEAD_BYTES, detect_format
from hearth.core.documents.errors import UnsupportedDocument
from hearth.core.errors import UsageError
from hearth.core.request import InputInfo
from hearth.gui.document_reader import DocumentReader
from hearth.gui.input_header import InputHeader

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_FILE_BYTES = 20 * 1024 * 1024
_READ_AT_ONCE = 1024 * 1024  # text files up to this size are read on the GUI thread


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
    document_loaded = Signal(object)  # InputInfo of the file now in the editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Your text"))
        self.setPlaceholderText(
            self.tr(
                "Paste or type the text to work on, or drop a file here: text, Markdown, "
                "PDF, Word, web page or e-mail…"
            )
        )
        self.setTabChangesFocus(True)
        self.header = InputHeader(self)
        self._loaded_text: str | None = None  # the text as the last document gave it
        self.reader = DocumentReader()
        self._reading: tuple[int, Path] | None = None
        self.header.cancel_requested.connect(self.cancel_reading)
        self.reader.progress.connect(self._read_progress)
        self.reader.finished.connect(self._read_finished)
        self.reader.failed.connect(self._read_failed)
        self.reader.password_needed.connect(self._ask_password)
        self.reader.cancelled.connect(self._read_cancelled)
        reader = self.reader
        # A lambda, not the reader's slot: the reader lives on its thread, and its own slot
        # would run there and wait on itself.
        self.destroyed.connect(lambda: reader.shutdown())

    @property
    def input_info(self) -> InputInfo | None:
        """What was read from the file the text came from, while the header shows it and the
        text is still the file's (an edited text is the user's, not the document's)."""
        info = self.header.info
        if info is None or self.toPlainText() != self._loaded_text:
            return None
        return info

    def load_file(self, path: Path, password: str | None = None) -> bool:
        """Start reading `path` (any supported format, told by its content); False if it is
        refused at once. The text replaces the editor's when the read finishes."""
        try:
            with path.open("rb") as file:
                head = file.read(HEAD_BYTES)
            kind = detect_format(head, path) if head else "text"
            if kind in ("text", "markdown") and path.stat().st_size <= _READ_AT_ONCE:
                # A small text file needs no thread: in at once, as it always was.
                text, info = read_input_file(path)
                self._reading = None
                self.replace_text(text)
                self._loaded_text = self.toPlainText()
                self.header.show_info(path.name, info)
                self._place_header()
                self.document_loaded.emit(info)
                return True
        except (UnsupportedDocument, OSError) as exc:
            message = (
                self.tr(
                    "{0} is not a text file or a document Hearth reads; open a PDF, Word "
                    "(.docx), web page, e-mail, .txt or .md file."
                ).format(path.name)
                if isinstance(exc, UnsupportedDocument)
                else self.tr("Could not open {0}: {1}").format(path, exc.strerror or exc)
            )
            self.problem.emit(message)
            return False
        except UsageError as exc:  # an empty file, or one over the limits
            self.problem.emit(exc.message)
            return False
        self._reading = (self.reader.read(path, password), path)
        self.header.show_reading(path.name)
        self._place_header()
        return True

    def cancel_reading(self) -> None:
        self.reader.cancel()

    def _current(self, number: int) -> Path | None:
        if self._reading is None or self._reading[0] != number:
            return None  # a read that a newer one replaced
        return self._reading[1]

    def _read_progress(self, number: int, done: int, total: int) -> None:
        if self._current(number) is not None:
            self.header.set_progress(done, total)

    def _read_finished(self, number: int, text: str, info: object) -> None:
        path = self._current(number)
        if path is None or not isinstance(info, InputInfo):
            return
        self._reading = None
        self.replace_text(text)
        self._loaded_text = self.toPlainText()
        self.header.show_info(path.name, info)
        self._place_header()
        self.document_loaded.emit(info)

    def _read_failed(self, number: int, message: str) -> None:
        if self._current(number) is not None:
            self._reading = None
            self._end_reading()
            self.problem.emit(message)

    def _read_cancelled(self, number: int) -> None:
        if self._current(number) is not None:
            self._reading = None
            self._end_reading()

    def _ask_password(self, number: int, path_text: str, wrong: bool) -> None:
        path = self._current(number)
        if path is None:
            return
        self._reading = None
        prompt = (
            self.tr("That password is wrong. The password of {0}:")
            if wrong
            else self.tr("{0} is encrypted. Its password:")
        ).format(path.name)
        password, ok = QInputDialog.getText(
            self, self.tr("Password"), prompt, QLineEdit.EchoMode.Password
        )
        if ok and password:
            self.load_file(path, password)
        else:
            self._end_reading()

    def _end_reading(self) -> None:
        """Back to what the header showed before the read (the previous file, or nothing)."""
        if self.header.info is None:
            self.header.clear()
        else:
            self.header.progress.hide()
            self.header.cancel_button.hide()
        self._place_header()

    def _place_header(self) -> None:
        # The header sits in the editor's top margin, so the text scrolls below it.
        height = self.header.sizeHint().height() if self.header.isVisible() else 0
        self.setViewportMargins(0, height, 0, 0)
        rect = self.contentsRect()
        self.header.setGeometry(rect.left(), rect.top(), rect.width(), height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_header()

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
