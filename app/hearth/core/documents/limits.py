"""How much a reader takes in before it refuses: a file must not exhaust the machine."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 200 * MIB  # the file on disk
    max_pages: int = 10_000
    # ~20 M characters is some 5 M tokens: far beyond anything a local model summarizes in
    # reasonable time, and about 80 MB of str at worst.
    max_chars: int = 20_000_000
    # A .docx unpacks its XML; real documents unpack to a few MB (images included, tens).
    max_unpacked_bytes: int = 256 * MIB
    max_archive_entries: int = 5_000


def describe_bytes(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size} bytes"
