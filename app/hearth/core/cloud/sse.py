"""Server-sent events: the `data` of each event in a stream of bytes.

Only what chat-completions streams use: `data:` fields (joined by newlines when an event has
several); comments (`: keep-alive`, OpenRouter's `: PROCESSING`) and other fields are ignored.

Lines are split on bytes, at LF (CRLF and CR also end a line, as the SSE spec says), not with
str.splitlines: JSON may carry U+2028 or U+0085 unescaped inside a string, and splitting there
would cut an event's JSON in two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        # A CR at the end of a chunk may be the first half of a CRLF: decide with the next one.
        held = b"\r" if buffer.endswith(b"\r") else b""
        if held:
            buffer = buffer[:-1]
        *complete, rest = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        buffer = rest + held
        yield from complete
    # Bytes after the last line end are a line cut short: dropped with its event below.


def iter_sse_data(chunks: Iterable[bytes]) -> Iterator[str]:
    data: list[str] = []
    for raw in _lines(chunks):
        if not raw:
            if data:
                yield "\n".join(data)
                data = []
            continue
        line = raw.decode("utf-8", errors="replace")
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    # An event without its closing blank line was cut off: as the SSE spec says, it is not
    # dispatched (its JSON may be half there). The caller notices the missing end of stream.
