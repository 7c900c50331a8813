"""Documents in: PDF, Word, web pages, e-mail and plain text, read into text with its structure.

One reader module per format behind `read_document`; the format is told from the content, not
the file name. `read_input_file` is what the front ends call for a task's input.
"""

from hearth.core.documents.document import Document, Heading, Page
from hearth.core.documents.errors import (
    DamagedDocument,
    DocumentError,
    DocumentTooLarge,
    NoTextLayer,
    PasswordRequired,
    UnsafeArchive,
    UnsupportedDocument,
)
from hearth.core.documents.input_file import read_input_file
from hearth.core.documents.limits import ReadLimits
from hearth.core.documents.reader import read_document

__all__ = [
    "DamagedDocument",
    "Document",
    "DocumentError",
    "DocumentTooLarge",
    "Heading",
    "NoTextLayer",
    "Page",
    "PasswordRequired",
    "ReadLimits",
    "UnsafeArchive",
    "UnsupportedDocument",
    "read_document",
    "read_input_file",
]
