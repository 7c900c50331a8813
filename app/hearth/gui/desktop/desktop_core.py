"""The long-lived core of one desktop process: the air gap, one engine host, the assistant on
it, and the one thread that calls the assistant.

The window and the popup share it when they live in one process (the tray, or `hearth quick`
after "Open in Hearth"), so only one model is ever in memory there. The assistant and its
engine client are not thread-safe: every request, the window's and the popup's, runs on the
window worker's thread (`thread`), one after another (a serial executor).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QThread

from hearth.core.assistant import Assistant
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.history import HistoryStore
from hearth.core.models.library import ModelLibrary
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import child_environment
from hearth.core.settings import Settings
from hearth.gui.air_gap import AirGap
from hearth.gui.engine_worker import EngineWorker
from hearth.gui.escalation_ask import EscalationAsker


class DesktopCore:
    def __init__(self, paths: Paths, settings: Callable[[], Settings], *, air_gapped: bool) -> None:
        # Before anything can connect: air-gapped means no connection leaves this process.
        self.air_gap = AirGap()
        self.air_gap.apply(air_gapped)
        try:
            # The engine host guards itself too when the process starts air-gapped (it makes
            # no connections of its own; defence in depth, fixed for the host's lifetime).
            env = {**os.environ, **child_environment(air_gapped=True)} if air_gapped else None
            self.engine = EngineClient(host_command(), log_dir=paths.log_dir, env=env)
            self.history = HistoryStore.in_folder(paths.data_dir)
            self.library = ModelLibrary.for_paths(paths)
            # The one request path; it reads the settings at each request.
            self.assistant = Assistant(
                paths, settings, self.engine, history=self.history, library=self.library
            )
            # Asks the user, in a dialog over the window, before an ask-policy request leaves.
            self.asker = EscalationAsker()
            self.worker = EngineWorker(self.assistant, self.asker.asker)
        except BaseException:
            self.air_gap.apply(False)  # the guard is process-wide: never leave it behind
            raise

    @property
    def thread(self) -> QThread:
        """The one thread that calls the assistant."""
        thread = self.worker.thread()
        assert thread is not None  # the worker moved itself onto its own thread
        return thread

    def close(self) -> None:
        """After every request's cancel: waits for the job under way, then ends the engine."""
        self.worker.shutdown()
        self.engine.close()
        self.air_gap.apply(False)
