"""What the popup needs for as long as the tray (or one `hearth quick`) lives: the settings, the
process's one engine and assistant (`DesktopCore`), the popup's worker on the core's thread, the
question asked before a request leaves (over the popup), the recent instructions, and the
desktop window when the user asks for it ("Open in Hearth"), built on the same core: one
model in memory, whichever face asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog

from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.gui.desktop.desktop_core import DesktopCore
from hearth.gui.desktop.paste import PasteTarget
from hearth.gui.desktop.popup import QuickPopup
from hearth.gui.desktop.popup_worker import PopupWorker
from hearth.gui.desktop.quick_tasks import ordered
from hearth.gui.desktop.recent_instructions import RecentInstructions
from hearth.gui.desktop.selection import Selection
from hearth.gui.escalation_ask import EscalationAsker

if TYPE_CHECKING:
    from hearth.gui.app import HearthApp
    from hearth.gui.main_window import MainWindow


class QuickSession(QObject):
    settings_changed = Signal(object)  # Settings, saved from the window
    window_closed = Signal()

    def __init__(self, paths: Paths) -> None:
        super().__init__()
        self.paths = paths
        self.store = SettingsStore(paths.settings_file)
        # Settings are read per request: the window may have changed them since.
        self.core = DesktopCore(
            paths, self.settings, air_gapped=self.store.load().settings.air_gapped
        )
        self.engine = self.core.engine
        self.assistant = self.core.assistant
        # The popup's own asker: its dialog opens over the popup shown at the time.
        self.asker = EscalationAsker()
        self.asker.asked.connect(self._on_asked)
        # On the core's thread: the popup's requests and the window's run one at a time.
        self.worker = PopupWorker(
            self.assistant.answer, thread=self.core.thread, ask=self.asker.asker
        )
        self.recent = RecentInstructions.in_folder(paths.data_dir)
        self._app: HearthApp | None = None  # the desktop window, once opened

    def settings(self) -> Settings:
        return self.store.load().settings

    def popup(self, selection: Selection, target: PasteTarget) -> QuickPopup:
        popup = QuickPopup(
            selection,
            ordered(self.settings().popup_tasks),
            self.worker,
            target=target,
            recent=self.recent.load(),
            remember_instruction=self.recent.add,
            open_in_hearth=self.open_in_hearth,
        )
        self.asker.parent_widget = popup
        popup.closed.connect(self._withdraw_question)
        return popup

    def _on_asked(self, dialog: QDialog) -> None:
        # The popup stays on top of every window; the question over it must too, or it opens
        # behind it. (Changing a shown window's flags hides it: show it again.)
        dialog.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        dialog.show()
        popup = dialog.parentWidget()
        if isinstance(popup, QuickPopup):
            popup.show_asking()

    def _withdraw_question(self) -> None:
        # Closing the popup has cancelled its request, which withdraws the question too, but
        # only once the worker wakes: the dialog is the popup's child, so close it now, before
        # the popup can be deleted under it (the tray drops a closed popup at once).
        if self.asker.dialog is not None:
            self.asker.dialog.reject()

    # -- the desktop window, on the same engine ---------------------------------------------

    def open_in_hearth(self, text: str) -> None:
        """Show the desktop window of this process (built at the first call, on this
        session's engine), with `text` as its input when there is one."""
        app = self._app
        if app is None:
            from hearth.gui.app import HearthApp

            app = HearthApp(self.paths, core=self.core)
            app.window.settings_changed.connect(self.settings_changed)
            app.window.installEventFilter(self)
            self._app = app
        if text:
            app.window.input.replace_text(text)
        app.window.show()
        app.window.raise_()
        app.window.activateWindow()

    @property
    def app(self) -> HearthApp | None:
        return self._app

    @property
    def window(self) -> MainWindow | None:
        return self._app.window if self._app is not None else None

    @property
    def window_open(self) -> bool:
        return self._app is not None and self._app.window.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close and self._app is not None:
            # Told once the close has happened (the window may still refuse it).
            QTimer.singleShot(0, self._check_window_closed)
        return False

    def _check_window_closed(self) -> None:
        if not self.window_open:
            self.window_closed.emit()

    def shutdown(self) -> None:
        self.worker.shutdown()  # cancels the popup's request
        if self._app is not None:
            self._app.shutdown()  # stops the window's request
        self.core.close()  # waits for the request under way, then ends the engine
