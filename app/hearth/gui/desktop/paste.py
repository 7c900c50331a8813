"""Replace: put the answer where the selection was, in the application that had it.

The steps: the focus goes back to that application, the answer goes on the clipboard, a paste
keystroke is sent with the key of the layout in effect (x11_input), and once the application
has fetched the answer the user's clipboard comes back, every format byte for byte, unless
something else was copied meanwhile. An empty answer is never pasted (nor is an error: the
caller passes only a finished answer's text).

Only X11 can send the keystroke (XTest; on Wayland no client may type into another). Elsewhere
the answer stays on the clipboard and the user is told to paste it.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from hearth.gui.desktop.clipboard_snapshot import AnswerOnClipboard, ClipboardSnapshot, still_holds

if TYPE_CHECKING:
    from hearth.gui.desktop.x11_input import X11Input

# How long the target application gets to fetch the answer after the keystroke.
FETCH_TIMEOUT_MS = 3000
# After the fetch: the answer's bytes are on their way; a larger one is sent in pieces
# (INCR), which the clipboard must keep serving until they are all out.
AFTER_FETCH_MS = 250


@dataclass(frozen=True)
class PasteTarget:
    """Where the selection was: the X11 window that had the focus, 0 if unknown."""

    window: int = 0


def can_send_keys() -> bool:
    return (
        sys.platform.startswith("linux")
        and QGuiApplication.platformName() == "xcb"
        and bool(os.environ.get("DISPLAY"))
    )


def capture_target() -> PasteTarget:
    """The window with the focus now: call it before Hearth shows anything."""
    if not can_send_keys():
        return PasteTarget()
    from hearth.gui.desktop.x11_input import X11Input

    x11 = X11Input()
    try:
        return PasteTarget(x11.focused_window())
    finally:
        x11.close()


class Replacer(QObject):
    """One Replace at a time. `finished` carries None when the answer was pasted, or what the
    user should know (pasted, but the clipboard could not come back; or not pasted)."""

    finished = Signal(object)  # str | None

    def __init__(self, clipboard: QClipboard | None = None) -> None:
        super().__init__()
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._answer: AnswerOnClipboard | None = None
        self._snapshot = ClipboardSnapshot(())
        self._poll = QTimer(self)
        self._poll.setInterval(20)
        self._poll.timeout.connect(self._check_fetched)
        self._waited_ms = 0
        self._x11: X11Input | None = None
        self.restored: bool | None = None  # after finished: whether the clipboard came back

    def replace(self, text: str, target: PasteTarget) -> None:
        if not text.strip():
            self.finished.emit(self.tr("The answer is empty; nothing was pasted."))
            return
        self._snapshot = ClipboardSnapshot.take(self._clipboard)
        self._answer = AnswerOnClipboard(text)
        if not can_send_keys():
            self._clipboard.setMimeData(self._answer, QClipboard.Mode.Clipboard)
            self._answer = None  # nothing to restore: the answer stays for the user to paste
            self.finished.emit(
                self.tr("The answer is on the clipboard: paste it with Ctrl+V (Cmd+V on a Mac).")
            )
            return
        problem = self._send(target)
        if problem is not None:
            self._restore()
            self.finished.emit(problem)
            return
        self._waited_ms = 0
        self._poll.start()

    def _send(self, target: PasteTarget) -> str | None:
        from hearth.gui.desktop.x11_input import X11Input

        x11 = X11Input()
        # Kept open until the paste is over: it holds the keymap as the keystroke needs it.
        self._x11 = x11
        before = x11.clipboard_owner()
        assert self._answer is not None  # set by replace() before the paste is sent
        self._clipboard.setMimeData(self._answer, QClipboard.Mode.Clipboard)
        # Qt asks the X server for the clipboard when it next flushes its connection; a
        # paste sent before that would paste what was there before.
        deadline = time.monotonic() + 1.0
        while x11.clipboard_owner() in (before, 0) and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        if not x11.give_focus(target.window):
            return self.tr(
                "The application that had the selection could not be given the focus "
                "back; nothing was pasted. Use Copy instead."
            )
        x11.wait_for_modifiers_released()
        x11.send_paste()
        return None

    def _check_fetched(self) -> None:
        answer = self._answer
        self._waited_ms += self._poll.interval()
        if answer is not None and answer.fetched == 0 and self._waited_ms < FETCH_TIMEOUT_MS:
            return
        self._poll.stop()
        fetched = answer is not None and answer.fetched > 0
        QTimer.singleShot(AFTER_FETCH_MS if fetched else 0, lambda: self._done(fetched))

    def _done(self, fetched: bool) -> None:
        self._restore()
        if not fetched:
            self.finished.emit(
                self.tr(
                    "The application did not take the answer (it may not accept pasting). "
                    "Use Copy instead."
                )
            )
        elif self.restored is False:
            self.finished.emit(
                self.tr("Pasted. Your clipboard was changed meanwhile, so it was left as it is.")
            )
        else:
            self.finished.emit(None)

    def _restore(self) -> None:
        x11, self._x11 = self._x11, None
        if x11 is not None:
            x11.close()
        answer, self._answer = self._answer, None
        if answer is None:
            return
        self.restored = still_holds(self._clipboard, answer)
        if self.restored:
            self._snapshot.restore(self._clipboard)
