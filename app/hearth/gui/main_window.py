"""The main window: pick a task, give it text, watch the answer arrive."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hearth.core.errors import HearthError
from hearth.core.models.locate import resolve_model
from hearth.core.settings import Settings, SettingsStore
from hearth.core.tasks.runner import TaskOutcome
from hearth.core.tasks.task import Task
from hearth.gui.engine_worker import EngineWorker, Job

PAINT_INTERVAL_MS = 33  # tokens are painted in batches, about 30 times a second


class MainWindow(QMainWindow):
    # Emitted on the GUI thread once the window has handled the worker's report.
    answer_ready = Signal(object)  # TaskOutcome
    job_failed = Signal(str)
    job_cancelled = Signal()
    text_received = Signal()

    def __init__(
        self,
        tasks: dict[str, Task],
        worker: EngineWorker,
        settings_store: SettingsStore,
        startup_problems: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self._tasks = tasks
        self._worker = worker
        self._store = settings_store
        self._settings = settings_store.load().settings
        self._job: Job | None = None
        self._pending = ""  # streamed text not yet painted
        self._answer = ""

        self.setWindowTitle(self.tr("Hearth"))
        self.resize(980, 640)
        self._build()
        self._connect()
        for problem in startup_problems:
            self.show_problem(problem)
        self._refresh_model_label()

    # -- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Message"))
        self.banner.setStyleSheet(
            "#banner { background: #fdecea; color: #611a15; padding: 8px; border-radius: 4px; }"
        )
        self.banner.hide()

        self.task_box = QComboBox()
        self.task_box.setAccessibleName(self.tr("Task"))
        for name, task in self._tasks.items():
            self.task_box.addItem(self.tr(task.title), name)
        self.style_box = QComboBox()
        self.style_box.setAccessibleName(self.tr("Style"))
        self._fill_styles()

        self.run_button = QPushButton(self.tr("Run  (Ctrl+Enter)"))
        self.run_button.setAccessibleName(self.tr("Run task"))
        self.stop_button = QPushButton(self.tr("Stop  (Esc)"))
        self.stop_button.setAccessibleName(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.model_button = QPushButton(self.tr("Choose model…"))
        self.model_button.setAccessibleName(self.tr("Choose model file"))

        toolbar = QHBoxLayout()
        for widget in (self.task_box, self.style_box):
            toolbar.addWidget(widget)
        toolbar.addStretch(1)
        for widget in (self.model_button, self.run_button, self.stop_button):
            toolbar.addWidget(widget)

        self.input = QPlainTextEdit()
        self.input.setAccessibleName(self.tr("Your text"))
        self.input.setPlaceholderText(self.tr("Paste or type the text to work on…"))
        self.output = QTextBrowser()
        self.output.setAccessibleName(self.tr("Answer"))
        self.output.setOpenExternalLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.input)
        splitter.addWidget(self.output)
        splitter.setSizes([500, 480])

        self.model_label = QLabel()
        self.model_label.setAccessibleName(self.tr("Model"))
        self.stats_label = QLabel()
        self.stats_label.setAccessibleName(self.tr("Last run"))
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.stats_label)

        layout = QVBoxLayout()
        layout.addWidget(self.banner)
        layout.addLayout(toolbar)
        layout.addWidget(splitter, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        self.run_action = QAction(self.tr("Run"), self)
        self.run_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.stop_action = QAction(self.tr("Stop"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.addActions([self.run_action, self.stop_action])

        self._paint_timer = QTimer(self)
        self._paint_timer.setInterval(PAINT_INTERVAL_MS)

    def _connect(self) -> None:
        self.task_box.currentIndexChanged.connect(self._fill_styles)
        self.run_button.clicked.connect(self.run_task)
        self.run_action.triggered.connect(self.run_task)
        self.stop_button.clicked.connect(self.stop)
        self.stop_action.triggered.connect(self.stop)
        self.model_button.clicked.connect(self._choose_model)
        self._paint_timer.timeout.connect(self._paint)
        # The worker emits from its own thread: its reports must be queued to this one.
        queued = Qt.ConnectionType.QueuedConnection
        self._worker.text_arrived.connect(self._on_text, queued)
        self._worker.status.connect(self.statusBar().showMessage, queued)
        self._worker.finished.connect(self._on_finished, queued)
        self._worker.failed.connect(self._on_failed, queued)
        self._worker.cancelled.connect(self._on_cancelled, queued)
        self._worker.warm_up_failed.connect(self.show_problem, queued)

    def _fill_styles(self) -> None:
        self.style_box.clear()
        task = self._current_task()
        style = next((o for o in task.options if o.name == "style"), None)
        self.style_box.setVisible(style is not None)
        if style is not None:
            for choice in style.choices:
                self.style_box.addItem(choice, choice)
            self.style_box.setCurrentIndex(style.choices.index(style.default))

    def _current_task(self) -> Task:
        return self._tasks[str(self.task_box.currentData())]

    # -- actions ----------------------------------------------------------------------------

    def current_settings(self) -> Settings:
        return self._settings

    def run_task(self) -> None:
        if self._job is not None:
            return
        self.banner.hide()
        try:
            model_path = resolve_model(self._settings.model)
        except HearthError as exc:
            self.show_problem(exc.message)
            return
        options = {"style": str(self.style_box.currentData())} if self.style_box.isVisible() else {}
        self._job = Job(
            self._current_task(), self.input.toPlainText(), options, model_path, self._settings
        )
        self._answer = ""
        self._pending = ""
        self.output.clear()
        self._set_busy(True)
        self._paint_timer.start()
        self._worker.submit(self._job)

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel.cancel()
            self.statusBar().showMessage(self.tr("Stopping…"))

    def use_model(self, path: Path) -> None:
        self._settings = self._settings.replace(model=str(path))
        try:
            self._store.save(self._settings)
        except HearthError as exc:
            self.show_problem(exc.message)
        self._refresh_model_label()

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a model file"), "", self.tr("GGUF models (*.gguf)")
        )
        if path:
            self.use_model(Path(path))

    @Slot(str)
    def show_problem(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    # -- worker reports ---------------------------------------------------------------------

    @Slot(str)
    def _on_text(self, text: str) -> None:
        self._pending += text
        self.text_received.emit()

    def _paint(self) -> None:
        if not self._pending:
            return
        self._answer += self._pending
        self._pending = ""
        self.output.setMarkdown(self._answer)
        bar = self.output.verticalScrollBar()
        bar.setValue(bar.maximum())

    @Slot(object)
    def _on_finished(self, outcome: TaskOutcome) -> None:
        self._end_job()
        output = outcome.output
        if not isinstance(output, str):
            output = "```json\n" + json.dumps(output, indent=2, ensure_ascii=False) + "\n```"
        self.output.setMarkdown(output)
        timings = outcome.to_json()["timings"]
        self.stats_label.setText(
            self.tr("On this device · first token {0:.0f} ms · {1:.1f} tokens/s").format(
                timings["ttft_ms"], timings["decode_tokens_per_s"]
            )
        )
        load = outcome.load
        self.model_label.setText(
            self.tr("{0} ({1}) · {2}").format(
                load.model_name, load.quantization or "?", load.gpu_note
            )
        )
        self.statusBar().clearMessage()
        self.answer_ready.emit(outcome)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end_job()
        self.show_problem(message)
        self.job_failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end_job()
        self.statusBar().showMessage(self.tr("Stopped."), 3000)
        self.job_cancelled.emit()

    def _end_job(self) -> None:
        self._paint()
        self._paint_timer.stop()
        self._job = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    def _refresh_model_label(self) -> None:
        model = self._settings.model
        self.model_label.setText(
            self.tr("Model: {0}").format(Path(model).name)
            if model
            else self.tr("No model chosen: use “Choose model…” to pick a .gguf file.")
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.stop()
        super().closeEvent(event)
