"""`hearth quick`: the popup on the current selection, as its own short-lived process (the
command a desktop shortcut runs where there is no global-hotkey portal, and a test handle).

"Open in Hearth" opens the desktop window in this same process, on the engine the popup used
(`QuickSession.open_in_hearth`): the model is already loaded, no second engine starts, and the
selected text never goes through a file. The process then lives until the window closes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

from hearth.core.answer import Answer
from hearth.core.errors import HearthError, UsageError
from hearth.core.paths import Paths
from hearth.core.version import app_version
from hearth.gui.desktop.paste import can_send_keys, capture_target
from hearth.gui.desktop.quick_session import QuickSession
from hearth.gui.desktop.quick_tasks import QuickTask
from hearth.gui.desktop.selection import read_selection


@dataclass(frozen=True)
class QuickRun:
    task: QuickTask | None  # None: wait for the user to choose
    replace: bool = False
    json: bool = False
    screenshot: Path | None = None

    @property
    def unattended(self) -> bool:
        """Ends by itself once the answer is done (nobody needs to look at the popup)."""
        return self.json or self.replace or self.screenshot is not None


def run_quick(run: QuickRun) -> int:
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Hearth")
    qt_app.setApplicationVersion(app_version())
    qt_app.setQuitOnLastWindowClosed(False)
    from hearth.gui.translations import install_translations

    install_translations(qt_app)
    target = capture_target()  # before anything of Hearth's takes the focus
    selection = read_selection(QApplication.clipboard())
    if not selection.text.strip():
        raise UsageError(
            "No text is selected. Select text in any application (or copy it), then run "
            "hearth quick again."
        )
    session = QuickSession(Paths.from_environment())
    popup = session.popup(selection, target)
    outcome: dict[str, object] = {}

    def finished(answer: Answer | None) -> None:
        if not run.unattended or "answer" in outcome:
            return  # the user is driving: the popup stays
        outcome["answer"] = answer
        if answer is None:
            outcome["error"] = popup.status.text()
            qt_app.quit()
            return
        if run.screenshot is not None:
            # Let the layout settle (the diff view sizes itself) before grabbing.
            QTimer.singleShot(50, lambda: (popup.grab().save(str(run.screenshot)), qt_app.quit()))
            return
        if run.replace:
            popup.replace()
            return
        qt_app.quit()

    def replaced(problem: object) -> None:
        outcome["replace_problem"] = problem
        if run.unattended:
            qt_app.quit()

    def popup_closed() -> None:
        # "Open in Hearth" closes the popup as the window opens: the window keeps us running.
        if not run.unattended and not session.window_open:
            qt_app.quit()

    popup.finished.connect(finished)
    popup.replaced.connect(replaced)
    popup.closed.connect(popup_closed)
    session.window_closed.connect(qt_app.quit)
    popup.show_near()
    if run.task is not None:
        popup.run(run.task)
    try:
        qt_app.exec()
        answer = outcome.get("answer")
        if "error" in outcome:
            raise HearthError(str(outcome["error"]))
        if run.json and isinstance(answer, Answer):
            data = answer.to_json()
            data["selection_source"] = selection.source
            if run.replace:
                problem = outcome.get("replace_problem")
                data["replaced"] = problem is None
                if problem is not None:
                    data["replace_problem"] = problem
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            sys.stdout.flush()
        elif run.screenshot is not None:
            print(run.screenshot)
        if isinstance(outcome.get("replace_problem"), str):
            print(f"warning: {outcome['replace_problem']}", file=sys.stderr)
        popup.close()
        if run.replace and outcome.get("replace_problem") is None:
            _keep_clipboard(qt_app)
    finally:
        session.shutdown()
    return 0


def _keep_clipboard(qt_app: QApplication) -> None:
    """After a Replace this process holds the user's clipboard again. A clipboard manager
    takes it over when Qt exits; without one (a bare X server) it would vanish with the
    process, so the process stays until something else is copied, as xclip does."""
    clipboard = QApplication.clipboard()
    if not (can_send_keys() and clipboard.ownsClipboard()) or _has_clipboard_manager():
        return
    print(
        "… keeping your clipboard until something else is copied (no clipboard manager runs)",
        file=sys.stderr,
        flush=True,
    )
    clipboard.changed.connect(
        lambda mode: (
            qt_app.quit()
            if mode == QClipboard.Mode.Clipboard and not clipboard.ownsClipboard()
            else None
        )
    )
    qt_app.exec()


def _has_clipboard_manager() -> bool:
    from hearth.gui.desktop.x11_input import X11Input

    x11 = X11Input()
    try:
        owner = x11.display.get_selection_owner(x11.display.intern_atom("CLIPBOARD_MANAGER"))
        return bool(getattr(owner, "id", 0))
    finally:
        x11.close()
