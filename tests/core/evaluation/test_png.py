"""The evaluation picture is a valid PNG of the size its panels need."""

from __future__ import annotations

import struct
import zlib

from hearth.core.evaluation.classification import evaluate
from hearth.core.evaluation.picture import _PAD, _PANEL, report_png
from hearth.core.evaluation.png import Canvas


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        at += 12 + length
    return chunks


def _decode(png: bytes) -> tuple[int, int, bytes]:
    chunks = _chunks(png)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)  # 8-bit RGB
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)
    return width, height, raw


def test_a_canvas_is_written_as_a_valid_png_of_its_size() -> None:
    canvas = Canvas(7, 3)
    canvas.point(2, 1, (255, 0, 0))
    width, height, raw = _decode(canvas.to_png())
    assert (width, height) == (7, 3)
    row = raw[1 * (1 + 21) : 2 * (1 + 21)]
    assert row[0] == 0  # filter type none
    assert row[1 + 3 * 2 : 1 + 3 * 3] == bytes((255, 0, 0))
    assert row[1:4] == bytes((255, 255, 255))


def test_the_report_picture_has_one_panel_per_mode_and_the_coverage_panel() -> None:
    reports = evaluate(["a", "b"] * 6, [[0.7, 0.3], [0.4, 0.6]] * 6, ["a", "b"], [0.5, 0.5])
    width, height, raw = _decode(report_png(reports))
    assert (width, height) == (4 * (_PANEL + _PAD) + _PAD, _PANEL + 2 * _PAD)
    assert len(set(raw)) > 3  # something was drawn
