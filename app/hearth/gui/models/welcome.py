"""Three ways to get a model, side by side, in a non-modal dialog: shown at first run (no
model yet) and whenever the user asks (Models ▸ Get started…).

The recommended catalog model for this computer (downloaded with progress, cancel and
resume), a GGUF file the user already has (works air-gapped), or a model another app left
on disk (used in place). The jobs are the model manager's, run on the same library worker;
this dialog reacts only to the jobs it started itself (`OwnJobs`). Closing it does not cancel
its job (the Cancel button does): `ModelFlows` keeps it, hidden, until the job ends.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hearth.core.models.discovery import Found, ModelDiscovery
from hearth.core.models.library import Added
from hearth.core.models.progress import Progress
from hearth.core.models.recommend import Recommendation
from hearth.gui.models.found_panel import FoundPanel
from hearth.gui.models.library_jobs import (
    OwnJobs,
    discover_work,
    download_work,
    import_work,
    use_found_work,
)
from hearth.gui.models.library_worker import LibraryWorker, Work
from hearth.gui.models.transfer_text import progress_text, show_fraction, size_text


class WelcomeDialog(QDialog):
    model_chosen = Signal(str)  # the path of the model to use
    problem = Signal(str)  # for the window's banner
    # Emitted on the GUI thread once a job's report is handled.
    operation_done = Signal(str)
    operation_stopped = Signal(str)  # failed (the message) or "cancelled"
    download_progress = Signal(object)  # Progress

    def __init__(
        self,
        worker: LibraryWorker,
        recommendation: Recommendation,
        discovery: ModelDiscovery,
        parent: QWidget | None = None,
        *,
        air_gapped: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Hearth"))
        self.setAccessibleName(self.tr("Welcome"))
        self.setModal(False)
        self.resize(760, 600)
        self.jobs = OwnJobs(worker, self)
        self._recommendation = recommendation
        self._discovery = discovery
        self._air_gapped = air_gapped
        self._doing = ""  # the job this dialog submitted and waits for, or ""

        heading = QLabel(self.tr("Welcome to Hearth"))
        heading.setObjectName("heading")
        heading.setStyleSheet("#heading { font-size: 18pt; font-weight: 600; }")
        intro = QLabel(
            self.tr(
                "Hearth works on your text with a language model that runs on this computer. "
                "Choose one of three ways to get a model; you can change it later in "
                "Models ▸ Manage models."
            )
        )
        intro.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self._recommended_box())
        layout.addWidget(self._import_box())
        layout.addWidget(self._found_box(), 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Status"))
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Progress"))
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the running operation"))
        self.later_button = QPushButton(self.tr("&Later"))
        self.later_button.setAccessibleName(self.tr("Close and choose a model later"))
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        busy.addWidget(self.later_button)
        layout.addWidget(self.message)
        layout.addLayout(busy)

        self.download_button.clicked.connect(self.download_recommended)
        self.import_button.clicked.connect(self._ask_import)
        self.found.use_requested.connect(self.use_found)
        self.found.rescan_requested.connect(self.discover)
        self.cancel_button.clicked.connect(self.jobs.cancel)
        self.later_button.clicked.connect(self.close)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.detail.connect(self._on_detail)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.cancelled.connect(self._on_cancelled)
        self._set_busy("")

    # -- the three ways ---------------------------------------------------------------------

    def _recommended_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("1. Download the model recommended for this computer"))
        box.setAccessibleName(self.tr("Recommended model"))
        entry = self._recommendation.entry
        self.recommended_label = QLabel()
        self.recommended_label.setWordWrap(True)
        self.recommended_label.setAccessibleName(self.tr("Recommended model"))
        self.download_button = QPushButton(self.tr("&Download"))
        self.download_button.setAccessibleName(self.tr("Download the recommended model"))
        if entry is None:
            self.recommended_label.setText(self._recommendation.why)
        else:
            self.recommended_label.setText(
                self.tr("<b>{0}</b> ({1}, {2} download)<br>{3}").format(
                    entry.name,
                    entry.quantization,
                    size_text(entry.approx_size_bytes),
                    self._recommendation.why,
                )
            )
            if self._air_gapped:
                self.recommended_label.setText(
                    self.recommended_label.text()
                    + "<br><i>"
                    + self.tr("Air-gapped mode is on: Hearth downloads nothing.")
                    + "</i>"
                )
        row = QHBoxLayout(box)
        row.addWidget(self.recommended_label, 1)
        row.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignTop)
        return box

    def _import_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("2. Import a GGUF file you already have"))
        box.setAccessibleName(self.tr("Import a model file"))
        note = QLabel(
            self.tr(
                "Hearth checks the file and copies it into its library. No network is needed, "
                "so this works air-gapped."
            )
        )
        note.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Import a &GGUF file…"))
        self.import_button.setAccessibleName(self.tr("Import a GGUF model file"))
        row = QHBoxLayout(box)
        row.addWidget(note, 1)
        row.addWidget(self.import_button)
        return box

    def _found_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("3. Use a model another app already downloaded"))
        box.setAccessibleName(self.tr("Models found on this computer"))
        self.found = FoundPanel()
        found_layout = self.found.layout()
        if found_layout is not None:
            found_layout.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(box)
        column.addWidget(self.found)
        return box

    # -- jobs -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a job this dialog started is still waiting or under way."""
        return self.jobs.busy

    def _start(self, what: str, message: str, work: Work) -> None:
        if self._doing:
            return
        self.message.setText(message)
        self._set_busy(what)
        self.jobs.start(what, work)

    def discover(self) -> None:
        self._start(
            "discover",
            self.tr("Looking for models other apps downloaded…"),
            discover_work(self._discovery),
        )

    def download_recommended(self) -> None:
        entry = self._recommendation.entry
        if entry is None or self._air_gapped:
            return
        self._start(
            "download", self.tr("Downloading {0}…").format(entry.name), download_work(entry)
        )

    def import_file(self, path: Path) -> None:
        self._start("import", self.tr("Importing {0}…").format(path.name), import_work(path))

    def use_found(self, found: Found) -> None:
        self._start(
            "use-found", self.tr("Checking {0}…").format(found.path.name), use_found_work(found)
        )

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a model"), "", self.tr("GGUF models (*.gguf)")
        )
        if path:
            self.import_file(Path(path))

    def _set_busy(self, what: str) -> None:
        self._doing = what
        busy = bool(what)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # unknown until the first report
        self.cancel_button.setVisible(busy)
        self.download_button.setEnabled(
            not busy and not self._air_gapped and self._recommendation.entry is not None
        )
        self.import_button.setEnabled(not busy)
        self.found.set_enabled(not busy)

    # -- reports (only for the jobs this dialog started) ------------------------------------

    @Slot(str, float)
    def _on_progress(self, phase: str, fraction: float) -> None:
        show_fraction(self.progress, phase, fraction)

    @Slot(object)
    def _on_detail(self, progress: Progress) -> None:
        self.message.setText(progress_text(progress))
        self.download_progress.emit(progress)

    @Slot(str, object)
    def _on_finished(self, what: str, result: object) -> None:
        self._set_busy("")
        if what == "discover" and isinstance(result, list):
            self.found.show_found(result)
            self.message.setText("")
        elif isinstance(result, Added):
            self.message.setText(self.tr("Using {0}.").format(result.entry.name))
            self.model_chosen.emit(result.entry.path)
        self.operation_done.emit(what)
        if isinstance(result, Added):
            self.accept()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy("")
        self.message.setText(message)
        self.problem.emit(message)
        self.operation_stopped.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        doing = self._doing
        self._set_busy("")
        self.message.setText(
            self.tr("Download paused. What arrived is kept; Download again resumes it.")
            if doing == "download"
            else self.tr("Cancelled; nothing was changed.")
        )
        self.operation_stopped.emit("cancelled")
