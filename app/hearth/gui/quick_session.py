"""What the popup needs for as long as the tray (or one `hearth quick`) lives: the settings,
the assistant on its own engine host, the worker thread, the recent instructions, and the
desktop window when the user asks for it ("Open in Hearth")."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from hearth.core.assistant import Assistant
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.history import HistoryStore
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import child_environment
from hearth.core.settings import Settings, SettingsStore
from hearth.gui.air_gap import AirGap
from hearth.gui.paste import PasteTarget
from hearth.gui.popup import QuickPopup
from hearth.gui.popup_worker import PopupWorker
from hearth.gui.quick_tasks import ordered
from hearth.gui.recent_instructions import RecentInstructions
from hearth.gui.selection import Selection

if TYPE_CHECKING:
    from hearth.gui.main_window import MainWindow


class QuickSession:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.store = SettingsStore(paths.settings_file)
        settings = self.store.load().settings
        # Before anything can connect, as in the window: air-gapped means nothing leaves.
        self.air_gap = AirGap()
        self.air_gap.apply(settings.air_gapped)
        env = {**os.environ, **child_environment(air_gapped=True)} if settings.air_gapped else None
        self.engine = EngineClient(host_command(), log_dir=paths.log_dir, env=env)
        # Settings are read per request: the window may have changed them since.
        self.assistant = Assistant(
            paths, self.settings, self.engine, history=HistoryStore.in_folder(paths.data_dir)
        )
        self.worker = PopupWorker(self.assistant.answer)
        self.recent = RecentInstructions.in_folder(paths.data_dir)
        self._window: object | None = None  # the desktop app, once opened

    def settings(self) -> Settings:
        return self.store.load().settings

    def popup(self, selection: Selection, target: PasteTarget) -> QuickPopup:
        return QuickPopup(
            selection,
            ordered(self.settings().popup_tasks),
            self.worker,
            target=target,
            recent=self.recent.load(),
            remember_instruction=self.recent.add,
            open_in_hearth=self.open_in_hearth,
        )

    def open_in_hearth(self, text: str) -> None:
        """The desktop window in this process, with `text` as its input."""
        from hearth.gui.app import HearthApp

        if self._window is None:
            self._window = HearthApp(self.paths)
        app = self._window
        assert isinstance(app, HearthApp)
        app.window.input.replace_text(text)
        app.window.show()
        app.window.raise_()
        app.window.activateWindow()

    @property
    def window(self) -> MainWindow | None:
        from hearth.gui.app import HearthApp

        return self._window.window if isinstance(self._window, HearthApp) else None

    def shutdown(self) -> None:
        from hearth.gui.app import HearthApp

        if isinstance(self._window, HearthApp):
            self._window.shutdown()
        self.worker.shutdown()
        self.assistant.close()
        self.engine.close()
        self.air_gap.apply(False)
