"""Runs one Replace from its own Qt process on the X server, as the popup would.

Arguments: WINDOW_ID TEXT. Prints the outcome as one JSON line, then keeps serving the
clipboard (on a bare X server with no clipboard manager the owner must stay alive for others
to read it) until stdin closes.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from hearth.gui.desktop.paste import PasteTarget, Replacer


def main() -> int:
    app = QApplication(sys.argv[:1])
    replacer = Replacer()

    def report(problem: object) -> None:
        print(json.dumps({"problem": problem, "restored": replacer.restored}), flush=True)

    replacer.finished.connect(report)
    replacer.replace(sys.argv[2], PasteTarget(int(sys.argv[1])))
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(lambda: app.quit() if not sys.stdin.readline() else None)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
