"""Start the desktop app: wire core objects together and hand them to the window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hearth.core.assistant import Assistant
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.errors import HearthError
from hearth.core.history import HistoryStore
from hearth.core.models.library import ModelLibrary
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import child_environment
from hearth.core.settings import SettingsStore
from hearth.core.tasks.label_sets import LabelSetStore
from hearth.core.version import app_version
from hearth.gui.air_gap import AirGap
from hearth.gui.engine_worker import EngineWorker
from hearth.gui.escalation_ask import EscalationAsker
from hearth.gui.library_worker import LibraryWorker
from hearth.gui.main_window import MainWindow


class HearthApp:
    """Owns the long-lived objects of one app session and shuts them down in order."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.store = SettingsStore(paths.settings_file)
        loaded = self.store.load()
        problems = loaded.problems
        # Before anything can connect: air-gapped means no connection leaves this process.
        self.air_gap = AirGap()
        self.air_gap.apply(loaded.settings.air_gapped)
        try:
            self._build(paths, loaded.settings.air_gapped, problems)
        except BaseException:
            self.air_gap.apply(False)  # the guard is process-wide: never leave it behind
            raise

    def _build(self, paths: Paths, air_gapped: bool, problems: tuple[str, ...]) -> None:
        # The engine host guards itself too when the app starts air-gapped (it makes no
        # connections of its own; this is defence in depth, fixed for the host's lifetime).
        env = {**os.environ, **child_environment(air_gapped=True)} if air_gapped else None
        self.engine = EngineClient(host_command(), log_dir=paths.log_dir, env=env)
        self.history = HistoryStore.in_folder(paths.data_dir)
        library = ModelLibrary.for_paths(paths)
        # The one request path; it reads the window's settings at each request.
        self.assistant = Assistant(
            paths,
            lambda: self.window.current_settings(),
            self.engine,
            history=self.history,
            library=library,
        )
        # Asks the user, in a dialog over the window, before an ask-policy request leaves.
        self.asker = EscalationAsker()
        self.worker = EngineWorker(self.assistant, self.asker.asker)
        self.library = LibraryWorker(library)
        self.window = MainWindow(
            {n: t for n, t in self.assistant.tasks.items() if t.capabilities.in_window},
            self.worker,
            self.store,
            problems,
            label_sets=LabelSetStore.in_folder(paths.data_dir),
            library=self.library,
            history=self.history,
        )
        self.asker.parent_widget = self.window
        self.window.settings_changed.connect(lambda s: self.air_gap.apply(s.air_gapped))

    def warm_up(self) -> None:
        """Start the engine (and load the chosen model) now, not at the first request."""
        self.worker.warm_up()

    def shutdown(self) -> None:
        self.window.stop()
        self.worker.shutdown()  # waits for the job to end; the engine is then free
        self.library.shutdown()  # cancels a copy or hash under way, and waits for it
        self.engine.close()
        self.air_gap.apply(False)


def _missing_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_app(argv: list[str] | None = None) -> int:
    if _missing_display():
        # Qt would abort the process with a message about xcb plugins; say it plainly instead.
        raise HearthError(
            "No display found, so the desktop app cannot open. Use the command line instead "
            "(hearth run summarize --help), or set QT_QPA_PLATFORM=offscreen."
        )
    qt_app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Hearth")
    qt_app.setApplicationVersion(app_version())
    from hearth.gui.translations import install_translations

    install_translations(qt_app)  # before any widget: texts are translated when set
    app = HearthApp(Paths.from_environment())
    qt_app.aboutToQuit.connect(app.shutdown)
    app.window.show()
    app.window.show_welcome_if_needed()
    app.warm_up()
    return qt_app.exec()


def screenshot_app(
    path: Path, *, task: str | None = None, text_file: Path | None = None, run_task: bool = False
) -> str | None:
    """Open the window offscreen, render it to `path`, close; the run's problem, if any."""
    from hearth.gui.screenshot import take_screenshot
    from hearth.gui.translations import install_translations

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Hearth")
    install_translations(qt_app)
    app = HearthApp(Paths.from_environment())
    try:
        return take_screenshot(app, path, task=task, text_file=text_file, run=run_task)
    finally:
        app.shutdown()
