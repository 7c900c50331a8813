"""A task's input from a file: the document's text and what was read (`InputInfo`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.core.cancel import CancelToken
from hearth.core.documents.reader import read_document
from hearth.core.request import InputInfo


def read_input_file(
    path: Path,
    *,
    password: str | None = None,
    cancel: CancelToken | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[str, InputInfo]:
    document = read_document(Path(path), password=password, cancel=cancel, on_progress=on_progress)
    info = InputInfo(
        path=str(path),
        format=document.format,
        chars=len(document.text),
        pages=document.page_count,
        dropped=document.dropped,
    )
    return document.text, info
