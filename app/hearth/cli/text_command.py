"""`hearth text FILE`: the text Hearth reads from a document, as pdftotext prints it (pages
separated by a form feed), or with --json, the text and what was read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.cancel import CancelToken
from hearth.core.documents import read_document


def add_parser(sub: Any) -> argparse.ArgumentParser:
    text: argparse.ArgumentParser = sub.add_parser(
        "text", help="print the text Hearth reads from a PDF, Word, web page, e-mail or text file"
    )
    text.add_argument("file", help="the document")
    text.add_argument("--password", help="the password of an encrypted PDF")
    text.add_argument(
        "--json", action="store_true", help="one JSON object: the text, format, pages, dropped"
    )
    return text


def run(args: argparse.Namespace, context: CommandContext) -> int:
    cancel = CancelToken()
    path = Path(args.file)
    progress = _Progress(path.name) if sys.stderr is not None and sys.stderr.isatty() else None
    try:
        document = read_document(path, password=args.password, cancel=cancel, on_progress=progress)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        if progress is not None:
            progress.done()
    if args.json:
        data: dict[str, Any] = {
            "path": str(path),
            "format": document.format,
            "chars": len(document.text),
        }
        if document.pages is not None:
            data["pages"] = len(document.pages)
        data["headings"] = [{"title": h.title, "level": h.level} for h in document.headings]
        data["tables"] = document.tables
        data["dropped"] = list(document.dropped)
        data["text"] = document.text
        print_json(data)
        return 0
    sys.stdout.write(document.text)
    if not document.text.endswith("\n"):
        sys.stdout.write("\n")
    for note in document.dropped:
        print(f"note: left out {note}", file=sys.stderr)
    return 0


class _Progress:
    """Pages read, on one stderr line, for a terminal only and only for long documents."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if total >= 50 and (done % 25 == 0 or done == total):
            print(f"\r… reading {self._name}: page {done} of {total}", end="", file=sys.stderr)
            self._shown = True

    def done(self) -> None:
        if self._shown:
            print(file=sys.stderr)
