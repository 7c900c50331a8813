"""Start the desktop app: wire core objects together and hand them to the window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.paths import Paths
from hearth.core.settings import SettingsStore
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.runner import TaskRunner
from hearth.core.version import app_version
from hearth.gui.engine_worker import EngineWorker
from hearth.gui.main_window import MainWindow


class HearthApp:
    """Owns the long-lived objects of one app session and shuts them down in order."""

    def __init__(self, paths: Paths) -> None:
        self.store = SettingsStore(paths.settings_file)
        problems = self.store.load().problems
        self.engine = EngineClient(host_command(), log_dir=paths.log_dir)
        self.worker = EngineWorker(TaskRunner(self.engine))
        self.window = MainWindow(task_catalog(), self.worker, self.store, problems)

    def shutdown(self) -> None:
        self.window.stop()
        self.worker.shutdown()  # waits for the job to end; the engine is then free
        self.engine.close()


def run_app(argv: list[str] | None = None) -> int:
    qt_app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setApplicationName("Hearth")
    qt_app.setApplicationVersion(app_version())
    app = HearthApp(Paths.from_environment())
    qt_app.aboutToQuit.connect(app.shutdown)
    app.window.show()
    return qt_app.exec()
