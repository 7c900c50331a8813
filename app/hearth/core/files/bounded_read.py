"""Reading what a user names — a text, a schema, a file of examples — with a limit.

A path may name something endless (`/dev/zero`, a FIFO that never closes) or merely huge (a
10 GB log). Every reader of user-named input goes through here, so none reads until the kernel
kills Hearth: past the limit the read stops and the error names the limit and how to raise it.
FIFOs and character devices are read like files (a FIFO is how some users feed a batch);
folders are refused.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from hearth.core.errors import UsageError

MB: Final = 1_000_000
# One environment variable raises the limit of every input text (the others are structural:
# a schema or label list of megabytes is a mistake, not a big job).
INPUT_LIMIT_ENV: Final = "HEARTH_MAX_INPUT_MB"
DEFAULT_INPUT_MB: Final = 50


class InputTooLarge(UsageError):
    """An input is larger than Hearth reads at once."""


@dataclass(frozen=True)
class Limit:
    max_bytes: int
    what: str  # "the input text", "the JSON Schema"
    how_to_raise: str  # "set HEARTH_MAX_INPUT_MB=100 for a bigger one"

    def refuse(self, name: str) -> InputTooLarge:
        return InputTooLarge(
            f"{name} is larger than {_size(self.max_bytes)}, the most Hearth reads as "
            f"{self.what}; nothing was read past that. {self.how_to_raise}"
        )


def input_limit(environ: Mapping[str, str]) -> Limit:
    """The limit of one input text: 50 MB, or HEARTH_MAX_INPUT_MB."""
    raw = environ.get(INPUT_LIMIT_ENV, "").strip()
    megabytes = DEFAULT_INPUT_MB
    if raw:
        try:
            megabytes = int(raw)
            if not 1 <= megabytes <= 1_000_000:
                raise ValueError
        except ValueError:
            raise UsageError(
                f"{INPUT_LIMIT_ENV}={raw!r} is not a number of megabytes from 1 to 1000000."
            ) from None
    return Limit(
        megabytes * MB,
        "one text",
        f"Split it, or raise the limit with {INPUT_LIMIT_ENV}={megabytes * 4} (megabytes).",
    )


# Structural files: a schema or label set this large is not one a model can follow.
SCHEMA_LIMIT: Final = Limit(
    1 * MB, "a JSON Schema", "A schema this large cannot guide a model; make it smaller."
)
LABELS_LIMIT: Final = Limit(
    1 * MB, "a label list", "A label set this large cannot be classified; make it smaller."
)
# One line of a JSONL file (a batch item, a calibration example); the file may be long.
LINE_LIMIT: Final = Limit(
    4 * MB,
    "one line of a JSONL file",
    "Each line holds one text; split longer texts over several lines.",
)


def read_bytes(path: Path, limit: Limit) -> bytes:
    with _open(path) as handle:
        return _read_limited(handle, limit, str(path))


def read_text(path: Path, limit: Limit, *, errors: str = "strict") -> str:
    """The file's text (UTF-8); `errors="replace"` for texts where a bad byte is no reason
    to refuse the whole input."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
        ) from None


def read_stream(stream: BinaryIO, limit: Limit, name: str = "standard input") -> bytes:
    return _read_limited(stream, limit, name)


def read_stdin_text(limit: Limit) -> str:
    """Standard input as text, bounded (bytes, so a binary pipe cannot break decoding)."""
    if sys.stdin is None:
        raise UsageError("No text given: pass --input FILE, or pipe text into hearth.")
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return read_stream(stream, limit).decode("utf-8", errors="replace")
    # A text stream without bytes underneath (an embedding program's): bounded in characters.
    text = sys.stdin.read(limit.max_bytes + 1)
    if len(text) > limit.max_bytes:
        raise limit.refuse("standard input")
    return text


def iter_lines(path: Path, limit: Limit = LINE_LIMIT) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, each bounded by `limit` (the file may be long)."""
    with _open(path) as handle:
        number = 0
        while True:
            line = handle.readline(limit.max_bytes + 1)
            if not line:
                return
            number += 1
            if len(line) > limit.max_bytes:
                raise limit.refuse(f"Line {number} of {path}")
            yield number, line.decode("utf-8", errors="replace")


def _open(path: Path) -> BinaryIO:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(status.st_mode):
        raise UsageError(f"{path} is a folder; give a file.")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _read_limited(handle: BinaryIO, limit: Limit, name: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit.max_bytes:
        try:
            chunk = handle.read(min(1 << 20, limit.max_bytes + 1 - total))
        except OSError as exc:
            raise UsageError(f"Cannot read {name}: {exc.strerror or exc}.") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise limit.refuse(name)


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n / 1000:g} kB"
