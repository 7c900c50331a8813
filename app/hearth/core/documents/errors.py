"""Why a file could not be read. All are usage errors (exit 2): the input, not Hearth, is wrong,
and each message says what to do instead."""

from __future__ import annotations

from hearth.core.errors import UsageError


class DocumentError(UsageError):
    """A file could not be read as a document."""


class DocumentTooLarge(DocumentError):
    """Over one of the reading limits (bytes, pages, characters)."""


class UnsupportedDocument(DocumentError):
    """Not a format Hearth reads (an image, a spreadsheet, an old .doc, binary data)."""


class DamagedDocument(DocumentError):
    """The file claims a format but its content is broken or cut short."""


class UnsafeArchive(DocumentError):
    """A .docx whose zip would unpack to far more than a document needs (a zip bomb)."""


class NoTextLayer(DocumentError):
    """A PDF of scanned images: there is no text to read."""


class PasswordRequired(DocumentError):
    """An encrypted PDF, opened with no password or a wrong one. The window asks for one."""

    def __init__(self, message: str, *, wrong_password: bool) -> None:
        super().__init__(message)
        self.wrong_password = wrong_password
