"""Bytes of text in an unknown encoding, decoded: declared, then UTF-8, then detected."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def decode_text(data: bytes, *, markup: bool = False) -> str:
    """A byte-order mark wins; then (for markup) the charset the page declares, if the bytes
    decode with it; then UTF-8; then the best guess of charset-normalizer; then cp1252, which
    decodes any bytes."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    candidates: list[str] = []
    if markup:
        head = data[:4096]
        found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if found:
            candidates.append(found.group(1).decode("ascii"))
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(_codec(name))
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262_144]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("cp1252", errors="replace")


def _codec(name: str) -> str:
    # Browsers read a page labelled latin-1 or ascii as windows-1252 (the WHATWG encoding
    # standard); so does Hearth, or the curly quotes of such pages become control characters.
    lowered = name.lower()
    if lowered in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        return "cp1252"
    return name
