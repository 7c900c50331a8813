"""Start the desktop app: wire core objects together and hand them to the window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from hearth.core.errors import HearthError
from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.core.tasks.label_sets import LabelSetStore
from hearth.core.version import app_version
from hearth.gui.desktop import autostart
from hearth.gui.desktop.desktop_core import DesktopCore
from hearth.gui.main_window import MainWindow
from hearth.gui.models.library_worker import LibraryWorker


class HearthApp:
    """Owns the long-lived objects of one app session and shuts them down in order.

    With `core` (the tray, or `hearth quick` after "Open in Hearth") the window uses that
    process's engine and worker thread instead of starting its own, and leaves them running
    when it shuts down: their owner closes them."""

    def __init__(self, paths: Paths, core: DesktopCore | None = None) -> None:
        self.paths = paths
        self.store = SettingsStore(paths.settings_file)
        loaded = self.store.load()
        self._owns_core = core is None
        self._start_in_tray = loaded.settings.start_in_tray
        if core is None:
            # The assistant reads the window's settings at each request.
            core = DesktopCore(
                paths,
                lambda: self.window.current_settings(),
                air_gapped=loaded.settings.air_gapped,
            )
        self.core = core
        self.air_gap = core.air_gap
        self.engine = core.engine
        self.history = core.history
        self.assistant = core.assistant
        self.asker = core.asker
        self.worker = core.worker
        try:
            self._build(loaded.problems)
        except BaseException:
            if self._owns_core:
                core.close()
            raise

    def _build(self, problems: tuple[str, ...]) -> None:
        self.library = LibraryWorker(self.core.library)
        self.window = MainWindow(
            {n: t for n, t in self.assistant.tasks.items() if t.capabilities.in_window},
            self.worker,
            self.store,
            problems,
            label_sets=LabelSetStore.in_folder(self.paths.data_dir),
            library=self.library,
            history=self.history,
        )
        self.asker.parent_widget = self.window
        self.window.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: Settings) -> None:
        self.air_gap.apply(settings.air_gapped)
        if settings.start_in_tray == self._start_in_tray:
            return  # the entry is left alone unless the user changed the setting
        self._start_in_tray = settings.start_in_tray
        try:
            autostart.sync(settings.start_in_tray)
        except OSError as exc:
            self.window.show_problem(
                QCoreApplication.translate(
                    "HearthApp", "Could not change the start-at-login entry: {0}"
                ).format(exc)
            )

    def warm_up(self) -> None:
        """Start the engine (and load the chosen model) now, not at the first request."""
        self.window.warm_up()

    def shutdown(self) -> None:
        self.window.stop()
        self.library.shutdown()  # cancels a copy or hash under way, and waits for it
        if self._owns_core:
            self.core.close()  # waits for the job to end; the engine is then free


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
    open_app(qt_app, Paths.from_environment())
    return qt_app.exec()


def open_app(qt_app: QApplication, paths: Paths) -> HearthApp:
    """Everything `hearth` does before its event loop runs: the window shown, the model
    loading. bench/first_token.py measures launch to first token through this same function."""
    qt_app.setApplicationName("Hearth")
    qt_app.setApplicationVersion(app_version())
    from hearth.gui.translations import install_translations

    install_translations(qt_app)  # before any widget: texts are translated when set
    app = HearthApp(paths)
    qt_app.aboutToQuit.connect(app.shutdown)
    app.window.show()
    app.window.show_welcome_if_needed()
    app.warm_up()
    return app


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
