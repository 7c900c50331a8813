"""Render hearth.svg to the PNG sizes of the Linux icon theme, a Windows .ico and a macOS .icns.

    uv run python packaging/icons/make_icons.py

Uses Qt from PySide6-Essentials (QtSvg renders, Qt's ico/icns image plugins write). The
results are committed, so a build does not need to run this.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "hearth.svg"))
    if not renderer.isValid():
        print("error: hearth.svg does not render", file=sys.stderr)
        return 1
    png_dir = HERE / "png"
    png_dir.mkdir(exist_ok=True)
    for size in SIZES:
        if not render(renderer, size).save(str(png_dir / f"hearth-{size}.png")):
            print(f"error: could not write the {size}px PNG", file=sys.stderr)
            return 1
    # The .ico carries 256px (Windows scales it down); the .icns 512px (Qt writes one size).
    windows = HERE.parent / "windows" / "hearth.ico"
    macos = HERE.parent / "macos" / "hearth.icns"
    ok = render(renderer, 256).save(str(windows), "ICO")
    ok = render(renderer, 512).save(str(macos), "ICNS") and ok
    if not ok:
        print("warning: Qt's ico/icns plugins could not write an icon", file=sys.stderr)
    print(f"icons written under {png_dir}, {windows.name}, {macos.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
