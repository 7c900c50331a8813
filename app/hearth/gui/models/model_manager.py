"""The model manager: your models (import, verify, remove, use), the catalog (download) and
the models other apps left on this computer (use in place).

Every operation that reads, copies or downloads a model file runs on the library worker's
thread; the dialog shows its progress (bytes, rate, time left) and can cancel it. A cancelled
download keeps its part on disk, and downloading again resumes it.

The dialog reacts only to the jobs it started itself (`OwnJobs`), not to the welcome dialog's.
Closing it does not cancel its job (the Cancel button does): `ModelFlows` keeps it, hidden,
and shows it again, still under way, when the user reopens the manager.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hearth.core.errors import HearthError
from hearth.core.hardware import memory
from hearth.core.models.catalog import CatalogEntry, load_catalog
from hearth.core.models.discovery import Found, ModelDiscovery
from hearth.core.models.entry import ModelEntry
from hearth.core.models.fit import Machine
from hearth.core.models.library import Added, Checked, Health
from hearth.core.models.progress import Progress
from hearth.core.models.recommend import assess_catalog
from hearth.gui.models.catalog_panel import CatalogPanel
from hearth.gui.models.found_panel import FoundPanel
from hearth.gui.models.library_jobs import (
    OwnJobs,
    discover_work,
    download_work,
    import_work,
    use_found_work,
)
from hearth.gui.models.library_worker import LibraryWorker, Work
from hearth.gui.models.transfer_text import progress_text, show_fraction
from hearth.gui.pick_table import set_up_pick_table

GIB = 1024**3


class ModelManager(QDialog):
    model_chosen = Signal(str)  # the path of the model to use
    operation_done = Signal(str)  # emitted on the GUI thread after each finished operation
    operation_failed = Signal(str)
    download_progress = Signal(object)  # Progress, re-emitted on the GUI thread

    def __init__(
        self,
        worker: LibraryWorker,
        parent: QWidget | None = None,
        *,
        machine: Machine | None = None,
        context_size: int = 4096,
        air_gapped: bool = False,
        discovery: ModelDiscovery | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.setAccessibleName(self.tr("Model manager"))
        self.resize(820, 480)
        self._worker = worker
        self.jobs = OwnJobs(worker, self)
        self._air_gapped = air_gapped
        self._discovery = discovery or ModelDiscovery(Path.home(), environ=dict(os.environ))
        self._doing = ""
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Quantization"),
                self.tr("Size"),
                self.tr("From"),
                self.tr("File"),
            ]
        )
        self.table.setAccessibleName(self.tr("Your models"))
        set_up_pick_table(self.table, stretch=(0, 4))

        self.use_button = QPushButton(self.tr("&Use this model"))
        self.import_button = QPushButton(self.tr("&Import GGUF…"))
        self.verify_button = QPushButton(self.tr("&Verify"))
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        for button, name in (
            (self.use_button, self.tr("Use the selected model")),
            (self.import_button, self.tr("Import a GGUF model file")),
            (self.verify_button, self.tr("Verify the selected model's file")),
            (self.remove_button, self.tr("Remove the selected model")),
            (self.cancel_button, self.tr("Cancel the running operation")),
        ):
            button.setAccessibleName(name)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Progress"))
        self.message = QLabel(
            self.tr(
                "Import a .gguf file, download one from the Catalog tab, or use one another "
                "app already downloaded."
            )
        )
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Status"))

        buttons = QHBoxLayout()
        for button in (self.use_button, self.import_button, self.verify_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        library_tab = QWidget()
        library_layout = QVBoxLayout(library_tab)
        library_layout.addWidget(self.table, 1)
        library_layout.addLayout(buttons)
        self.catalog = self._catalog_panel(machine or Machine(memory(), False), context_size)
        self.found = FoundPanel()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Model sources"))
        self.tabs.addTab(library_tab, self.tr("&Your models"))
        self.tabs.addTab(self.catalog, self.tr("&Catalog"))
        self.tabs.addTab(self.found, self.tr("&Found on this computer"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(busy)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.catalog.download_requested.connect(self.download)
        self.found.use_requested.connect(self.use_found)
        self.found.rescan_requested.connect(self.discover)
        self._discovered = False

        self.use_button.clicked.connect(self._use)
        self.import_button.clicked.connect(self._ask_import)
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.cancel_button.clicked.connect(self.jobs.cancel)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.detail.connect(self._on_detail)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self._busy = False
        self.refresh()
        self._set_busy(False)

    # -- list -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._entries: list[ModelEntry] = list(self._worker.library.state())
        self.table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            cells = (
                entry.name or entry.id,
                entry.quantization or "?",
                f"{entry.size / GIB:.2f} GB" if entry.size >= GIB // 10 else f"{entry.size:,} B",
                entry.source.value,
                entry.path,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.path)
                self.table.setItem(row, column, item)
        if self._entries and not self.table.selectedItems():
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> ModelEntry | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self._entries[rows.pop()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None and not self._busy
        for button in (self.use_button, self.verify_button, self.remove_button):
            button.setEnabled(chosen)
        self.import_button.setEnabled(not self._busy)
        self.catalog.set_enabled(not self._busy and not self._air_gapped)
        self.found.set_enabled(not self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setRange(0, 0)  # unknown until the first report
        self._update_buttons()

    def _catalog_panel(self, machine: Machine, context_size: int) -> CatalogPanel:
        try:
            panel = CatalogPanel(assess_catalog(load_catalog(), machine, context_size))
        except HearthError as exc:
            panel = CatalogPanel([])
            panel.set_notice(exc.message)
        if self._air_gapped:
            panel.set_notice(
                self.tr("Air-gapped mode is on: nothing is downloaded. Import a GGUF file instead.")
            )
        return panel

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.found and not self._discovered and not self._busy:
            self.discover()

    # -- operations (run on the worker) -----------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a job this dialog started is still waiting or under way."""
        return self.jobs.busy

    def _start(self, what: str, message: str, work: Work) -> bool:
        if self.jobs.busy:
            return False  # one at a time: the buttons are off meanwhile
        self._doing = what
        self.message.setText(message)
        self._set_busy(True)
        self.jobs.start(what, work)
        return True

    def import_file(self, path: Path) -> None:
        self._start(
            "import",
            self.tr("Importing {0}…").format(path.name),
            import_work(path),
        )

    def download(self, entry: CatalogEntry) -> None:
        if self._air_gapped:
            self.message.setText(self.tr("Air-gapped mode is on: Hearth downloads nothing."))
            return
        self._start(
            "download",
            self.tr("Downloading {0}…").format(entry.name),
            download_work(entry),
        )

    def discover(self) -> None:
        if self._start(
            "discover",
            self.tr("Looking for models other apps downloaded…"),
            discover_work(self._discovery),
        ):
            self._discovered = True

    def use_found(self, found: Found) -> None:
        self._start(
            "use-found",
            self.tr("Checking {0}…").format(found.path.name),
            use_found_work(found),
        )

    def verify_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self._start(
            "verify",
            self.tr("Checking {0}…").format(entry.name),
            lambda lib, report, cancel: lib.verify(entry.id, progress=report, cancel=cancel),
        )

    def remove_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self._start(
            "remove",
            self.tr("Removing {0}…").format(entry.name),
            lambda lib, report, cancel: lib.remove(entry.id),
        )

    def _use(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.model_chosen.emit(entry.path)
            self.message.setText(self.tr("Using {0}.").format(entry.name))

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a model"), "", self.tr("GGUF models (*.gguf)")
        )
        if path:
            self.import_file(Path(path))

    # -- reports ----------------------------------------------------------------------------

    @Slot(str, float)
    def _on_progress(self, phase: str, fraction: float) -> None:
        show_fraction(self.progress, phase, fraction)

    @Slot(object)
    def _on_detail(self, progress: Progress) -> None:
        if self._busy:
            self.message.setText(progress_text(progress))
            self.download_progress.emit(progress)

    @Slot(str, object)
    def _on_finished(self, what: str, result: object) -> None:
        self._set_busy(False)
        if what == "discover" and isinstance(result, list):
            self.found.show_found(result)
            self.message.setText(self.found.note.text())
        elif isinstance(result, Added):
            self.message.setText(result.note)
            if what in ("download", "use-found"):
                self.tabs.setCurrentIndex(0)
        elif isinstance(result, list) and result and isinstance(result[0], Checked):
            check: Checked = result[0]
            prefix = self.tr("OK") if check.health is Health.OK else self.tr("Problem")
            self.message.setText(f"{prefix}: {check.message}")
        elif what == "remove":
            self.message.setText(self.tr("Removed."))
        self.refresh()
        self.operation_done.emit(what)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self.message.setText(message)
        self.operation_failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._set_busy(False)
        if self._doing == "download":
            self.message.setText(
                self.tr("Download paused. What arrived is kept; Download again resumes it.")
            )
        else:
            self.message.setText(self.tr("Cancelled; nothing was changed."))
        self.operation_failed.emit("cancelled")
