"""How the window gets a model: the model manager, the welcome dialog and "Use a model file…".

The window creates one `ModelFlows` and points its Models menu at it. Everything else it
needs comes in from the window: the settings and a way to adopt new ones, a way to warm the
engine up, the last load (for how well catalog models fit this machine), the banner and the
status line.

At most one model manager and one welcome dialog exist at a time; asking for one that is
already open raises it. The two may be open together: each reacts only to the library jobs
it started (`OwnJobs`). Closing a dialog does not cancel its job (its Cancel button does);
the dialog is only hidden while the job runs, and asking for it again shows it, still under
way. If the job ends while the dialog is hidden, its outcome goes to the window (the status
line; the banner for a failure), a model the welcome dialog was asked to get is put to use,
and the dialog is let go: the next one opens fresh.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from hearth.core.engine.types import LoadInfo
from hearth.core.errors import HearthError
from hearth.core.models.catalog import load_catalog
from hearth.core.models.discovery import ModelDiscovery
from hearth.core.models.recommend import Recommendation, recommend
from hearth.core.models.this_machine import machine_from_load
from hearth.core.settings import Settings
from hearth.gui.models.library_worker import LibraryWorker
from hearth.gui.models.model_manager import ModelManager
from hearth.gui.models.welcome import WelcomeDialog

NOTICE_MS = 10_000  # how long the status line shows the end of a job whose dialog was closed


class ModelFlows(QObject):
    def __init__(
        self,
        library: LibraryWorker | None,
        parent: QWidget,
        *,
        settings: Callable[[], Settings],
        apply_settings: Callable[[Settings], None],
        warm_up: Callable[[Settings], None],
        load_info: Callable[[], LoadInfo | None],
        show_problem: Callable[[str], None],
        notify: Callable[[str, int], None],
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._parent = parent
        self._settings = settings
        self._apply_settings = apply_settings
        self._warm_up = warm_up
        self._load_info = load_info
        self._show_problem = show_problem
        self._notify = notify
        self.manager: ModelManager | None = None  # open, or hidden with its job running
        self.welcome: WelcomeDialog | None = None  # the same

    # -- the model manager ------------------------------------------------------------------

    def open_models(self) -> ModelManager:
        assert self._library is not None
        dialog = self.manager
        if dialog is None:
            settings = self._settings()
            dialog = ModelManager(
                self._library,
                self._parent,
                machine=machine_from_load(self._load_info()),
                context_size=settings.context_size,
                air_gapped=settings.air_gapped,
            )
            dialog.model_chosen.connect(self.use_and_load)
            dialog.finished.connect(lambda _result, d=dialog: self._closed(d))
            dialog.operation_done.connect(lambda _what, d=dialog: self._manager_ended(d, False))
            dialog.operation_failed.connect(lambda _why, d=dialog: self._manager_ended(d, True))
            self.manager = dialog
        elif not dialog.busy:
            dialog.refresh()  # the welcome dialog may have added a model meanwhile
        if dialog.isVisible():
            self._raise(dialog)
        else:
            dialog.open()
        return dialog

    def _manager_ended(self, dialog: ModelManager, failed: bool) -> None:
        if dialog.isVisible():
            return  # the dialog shows how it ended
        text = dialog.message.text()
        if failed:
            self._show_problem(text)
        else:
            self._notify(text, NOTICE_MS)
        self._let_go(dialog)

    # -- the welcome dialog -----------------------------------------------------------------

    def show_welcome_if_needed(
        self, discovery: ModelDiscovery | None = None
    ) -> WelcomeDialog | None:
        """First run: no model chosen and none in the library, so offer ways to get one."""
        if self._settings().model is not None or self._library is None:
            return None
        if self._library.library.state().entries:
            return None
        return self.open_welcome(discovery)

    def get_started(self) -> WelcomeDialog:
        """Models ▸ Get started…: the welcome dialog, whatever model is chosen already."""
        return self.open_welcome()

    def open_welcome(self, discovery: ModelDiscovery | None = None) -> WelcomeDialog:
        assert self._library is not None
        dialog = self.welcome
        if dialog is not None:
            if dialog.isVisible():
                self._raise(dialog)
            else:
                dialog.show()
            return dialog
        settings = self._settings()
        try:
            choice = recommend(
                load_catalog(), machine_from_load(self._load_info()), settings.context_size
            )
        except HearthError as exc:
            choice = Recommendation(None, None, exc.message)
        dialog = WelcomeDialog(
            self._library,
            choice,
            discovery or ModelDiscovery(Path.home(), environ=dict(os.environ)),
            self._parent,
            air_gapped=settings.air_gapped,
        )
        dialog.model_chosen.connect(self.use_and_load)
        dialog.model_chosen.connect(self._library_changed)
        dialog.problem.connect(self._show_problem)
        dialog.finished.connect(lambda _result, d=dialog: self._closed(d))
        dialog.operation_done.connect(lambda _what, d=dialog: self._welcome_ended(d))
        dialog.operation_stopped.connect(lambda _why, d=dialog: self._welcome_ended(d))
        self.welcome = dialog
        dialog.show()
        dialog.discover()
        return dialog

    def _welcome_ended(self, dialog: WelcomeDialog) -> None:
        # Hidden: a failure already went to the banner, a model already into use.
        if not dialog.isVisible():
            self._let_go(dialog)

    def _library_changed(self) -> None:
        if self.manager is not None and not self.manager.busy:
            self.manager.refresh()

    # -- a model file, and using a model ----------------------------------------------------

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._parent, self.tr("Choose a model file"), "", self.tr("GGUF models (*.gguf)")
        )
        if path:
            self.use_and_load(path)

    def use_and_load(self, path: str) -> None:
        """Make `path` the model (saved in the settings) and start loading it now."""
        self._apply_settings(self._settings().replace(model=str(path)))
        self._warm_up(self._settings())

    # -- dialogs coming and going -----------------------------------------------------------

    def _raise(self, dialog: QDialog) -> None:
        dialog.raise_()
        dialog.activateWindow()

    def _closed(self, dialog: ModelManager | WelcomeDialog) -> None:
        if dialog.busy:
            return  # hidden: the job goes on, and asking for the dialog again shows it
        self._let_go(dialog)

    def _let_go(self, dialog: ModelManager | WelcomeDialog) -> None:
        if self.manager is dialog:
            self.manager = None
        if self.welcome is dialog:
            self.welcome = None
        dialog.deleteLater()
