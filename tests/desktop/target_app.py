"""A small X11 application for the desktop tests: one line edit holding a selected text.

Prints `ready WINDOW_ID` once it has the focus, then its text as a JSON line each time it
changes; exits when stdin closes.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication, QLineEdit


def main() -> int:
    app = QApplication(sys.argv[:1])
    edit = QLineEdit(sys.argv[1] if len(sys.argv) > 1 else "")
    edit.setWindowTitle("hearth-test-target")
    edit.resize(500, 40)
    edit.textChanged.connect(lambda text: print(json.dumps(text), flush=True))
    edit.show()
    edit.activateWindow()
    edit.setFocus()
    edit.selectAll()

    def announce() -> None:
        print(f"ready {int(edit.winId())}", flush=True)

    app.focusChanged.connect(lambda _old, new: announce() if new is edit else None)
    if edit.hasFocus():
        announce()
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(lambda: app.quit() if not sys.stdin.readline() else None)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
