"""The main window: pick a task, give it text, watch the answer arrive.

The window only arranges and connects; each part is its own widget (task options, result
view, answer actions, status panel) and all the work is in hearth.core, run by the worker.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from hearth.core.answer import Answer
from hearth.core.cloud.keys import KeyStore
from hearth.core.engine.types import LoadInfo
from hearth.core.errors import HearthError
from hearth.core.history import HistoryEntry, HistoryStore
from hearth.core.models.discovery import ModelDiscovery
from hearth.core.request import Request
from hearth.core.settings import Settings, SettingsStore
from hearth.core.tasks.label_sets import LabelSetStore
from hearth.core.tasks.task import Task
from hearth.core.version import app_version
from hearth.gui.answer_actions import AnswerActions
from hearth.gui.engine_worker import EngineWorker
from hearth.gui.error_wording import unexpected_message, window_message
from hearth.gui.eval_dialog import EvalDialog, open_eval_dialog
from hearth.gui.history_dialog import HistoryDialog, output_markdown
from hearth.gui.input_editor import InputEditor
from hearth.gui.models.library_worker import LibraryWorker
from hearth.gui.models.model_flows import ModelFlows
from hearth.gui.models.model_manager import ModelManager
from hearth.gui.models.welcome import WelcomeDialog
from hearth.gui.problem_banner import ProblemBanner
from hearth.gui.result_view import ResultView
from hearth.gui.settings_dialog import SettingsDialog
from hearth.gui.status_bar import StatusPanel
from hearth.gui.task_options import TaskOptionsPanel, task_title

PAINT_INTERVAL_MS = 33  # tokens are painted in batches, about 30 times a second
# A pause in typing this long reads the text into the model's cache (Assistant.read_ahead), so
# Run starts from there instead of reading the whole prompt (~1.4 s for a paragraph on a 1B
# model here).
READ_AHEAD_PAUSE_MS = 500
SUMMARY_INSTRUCTION = "Summarize the text."


class MainWindow(QMainWindow):
    # Emitted on the GUI thread once the window has handled the worker's report.
    answer_ready = Signal(object)  # Answer
    job_failed = Signal(str)
    job_cancelled = Signal()
    text_received = Signal()
    settings_changed = Signal(object)  # Settings

    def __init__(
        self,
        tasks: dict[str, Task],
        worker: EngineWorker,
        settings_store: SettingsStore,
        startup_problems: tuple[str, ...] = (),
        *,
        label_sets: LabelSetStore,
        keys: KeyStore | None = None,
        library: LibraryWorker | None = None,
        history: HistoryStore | None = None,
    ) -> None:
        super().__init__()
        self._tasks = tasks
        self._worker = worker
        self._store = settings_store
        self._keys = keys or KeyStore()
        self._library = library
        self._history = history
        self._settings = settings_store.load().settings
        self._job: Request | None = None  # the request running now
        self._request: Request | None = None  # of the running job, or the last one
        self._answered: Request | None = None  # the request the shown answer answers
        self._pending = ""  # streamed text not yet painted
        self._load: LoadInfo | None = None  # what the engine reported at the last load
        self._answer = ""
        # The local answer while the cloud's replaces it on screen: kept if that is stopped.
        self._local_answer: str | None = None
        self._warm = False  # the model is loaded ahead of requests (warm_up), for each task

        self.setWindowTitle(self.tr("Hearth"))
        self.resize(1100, 700)
        self._build(label_sets)
        self._connect()
        for problem in (*startup_problems, *self.options_panel.label_sets.startup_problems):
            self.show_problem(problem)
        self.status.show_settings(self._settings)
        self._show_task(0)

    # -- construction -----------------------------------------------------------------------

    def _build(self, label_sets: LabelSetStore) -> None:
        self.banner = ProblemBanner()

        self.task_bar = QTabBar()
        self.task_bar.setAccessibleName(self.tr("Task"))
        self.task_bar.setExpanding(False)
        self.task_bar.setDrawBase(False)
        for index, name in enumerate(self._tasks):
            self.task_bar.addTab(task_title(name))
            self.task_bar.setTabData(index, name)
            self.task_bar.setTabToolTip(index, self.tr("Ctrl+{0}").format(index + 1))

        self.run_button = QPushButton(self.tr("Run  (Ctrl+Enter)"))
        self.run_button.setAccessibleName(self.tr("Run task"))
        self.run_button.setDefault(True)
        self.stop_button = QPushButton(self.tr("Stop  (Esc)"))
        self.stop_button.setAccessibleName(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.open_button = QPushButton(self.tr("Open text…"))
        self.open_button.setAccessibleName(self.tr("Open a text file"))

        top = QHBoxLayout()
        top.addWidget(self.task_bar)
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.run_button)
        top.addWidget(self.stop_button)

        self.options_panel = TaskOptionsPanel(self._tasks, label_sets)
        self.input = InputEditor()
        self.result = ResultView()
        self.output = self.result.text  # the streamed answer
        self.answer_actions = AnswerActions()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.result, 1)
        right_layout.addWidget(self.answer_actions)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.input)
        self.splitter.addWidget(right)
        self.splitter.setSizes([540, 540])
        self.splitter.setChildrenCollapsible(False)

        self.status = StatusPanel()
        self.statusBar().addWidget(self.status, 1)

        layout = QVBoxLayout()
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.options_panel)
        layout.addWidget(self.splitter, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        self.run_action = QAction(self.tr("&Run"), self)
        self.run_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.stop_action = QAction(self.tr("&Stop"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.open_action = QAction(self.tr("&Open text…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.model_file_action = QAction(self.tr("Use a model &file…"), self)
        self.task_actions = []
        for index in range(self.task_bar.count()):
            action = QAction(self.task_bar.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self.task_bar.setCurrentIndex(i))
            self.task_actions.append(action)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        task_menu = self.menuBar().addMenu(self.tr("&Task"))
        task_menu.addActions(self.task_actions)
        task_menu.addSeparator()
        task_menu.addActions([self.run_action, self.stop_action])
        self.models_menu = self.menuBar().addMenu(self.tr("&Models"))
        self.manage_models_action = QAction(self.tr("&Manage models…"), self)
        self.manage_models_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.manage_models_action.setEnabled(self._library is not None)
        self.get_started_action = QAction(self.tr("&Get started…"), self)
        self.get_started_action.setStatusTip(
            self.tr("Get a model: the one recommended for this computer, a file, or one found")
        )
        self.get_started_action.setToolTip(self.get_started_action.statusTip())
        self.get_started_action.setEnabled(self._library is not None)
        self.models_menu.addAction(self.manage_models_action)
        self.models_menu.addAction(self.get_started_action)
        self.models_menu.addAction(self.model_file_action)
        self.model_flows = ModelFlows(
            self._library,
            self,
            settings=self.current_settings,
            apply_settings=self.apply_settings,
            warm_up=self.warm_up,
            load_info=lambda: self._load,
            show_problem=self.show_problem,
            notify=self.status.show_message,
        )
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.tools_menu = self.menuBar().addMenu(self.tr("T&ools"))
        self.tools_menu.addAction(self.settings_action)
        self.history_action = QAction(self.tr("&History…"), self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setEnabled(self._history is not None)
        self.tools_menu.addAction(self.history_action)
        self.local_api_action = QAction(self.tr("Local &API…"), self)
        self.local_api_action.triggered.connect(self.open_local_api)
        self.tools_menu.addAction(self.local_api_action)
        self.tools_menu.addAction(self.tr("&Evaluate…"), self.open_eval)
        self.about_action = QAction(self.tr("&About Hearth"), self)
        self.about_action.triggered.connect(self.show_about)
        self.menuBar().addMenu(self.tr("&Help")).addAction(self.about_action)

        self._paint_timer = QTimer(self)
        self._paint_timer.setInterval(PAINT_INTERVAL_MS)
        self._ahead_timer = QTimer(self)
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.setInterval(READ_AHEAD_PAUSE_MS)

    def _connect(self) -> None:
        self.task_bar.currentChanged.connect(self._show_task)
        self.task_bar.currentChanged.connect(self._task_changed)
        self.run_button.clicked.connect(self.run_task)
        self.run_action.triggered.connect(self.run_task)
        self.stop_button.clicked.connect(self.stop)
        self.stop_action.triggered.connect(self.stop)
        self.open_button.clicked.connect(self._open_text)
        self.open_action.triggered.connect(self._open_text)
        self.quit_action.triggered.connect(self.close)
        self.model_file_action.triggered.connect(self.model_flows.choose_model_file)
        self.settings_action.triggered.connect(self.open_settings)
        self.manage_models_action.triggered.connect(self.model_flows.open_models)
        self.get_started_action.triggered.connect(self.model_flows.get_started)
        self.history_action.triggered.connect(self.open_history)
        self.input.problem.connect(self.show_problem)
        self.options_panel.label_sets.problem.connect(self.show_problem)
        self.answer_actions.copy_requested.connect(self.copy_answer)
        self.answer_actions.replace_requested.connect(self.replace_input)
        self.answer_actions.retry_requested.connect(self.retry)
        self.answer_actions.refine_requested.connect(self.refine)
        self._paint_timer.timeout.connect(self._paint)
        self.input.textChanged.connect(self._ahead_timer.start)
        self._ahead_timer.timeout.connect(self._read_ahead)
        # The worker emits from its own thread: its reports must be queued to this one.
        queued = Qt.ConnectionType.QueuedConnection
        self._worker.text_arrived.connect(self._on_text, queued)
        self._worker.status.connect(self.status.show_message, queued)
        self._worker.finished.connect(self._on_finished, queued)
        self._worker.failed.connect(self._on_failed, queued)
        self._worker.cancelled.connect(self._on_cancelled, queued)
        self._worker.warm_up_failed.connect(self.show_error, queued)
        self._worker.loaded.connect(self._on_loaded, queued)
        self._worker.escalating.connect(self._on_escalating, queued)
        self._worker.notice.connect(self.show_problem, queued)

    def _show_task(self, index: int) -> None:
        self.options_panel.show_task(str(self.task_bar.tabData(index)))

    def _task_changed(self, _index: int) -> None:
        self._ahead_timer.start()  # another task, another prompt to read ahead
        if self._warm:
            # A LoRA adapter attached for this task loads now, not when Run is pressed; with
            # none, or the same, the load finds the model there and does nothing.
            self._worker.warm_up(task=self.current_task())

    def warm_up(self, _settings: object = None) -> None:
        """Load the chosen model now, with what the current task needs (its adapter), and
        again whenever the task changes."""
        self._warm = True
        self._worker.warm_up(task=self.current_task())

    # -- state ------------------------------------------------------------------------------

    def current_settings(self) -> Settings:
        return self._settings

    def current_task(self) -> str:
        return str(self.task_bar.tabData(self.task_bar.currentIndex()))

    def set_task(self, name: str) -> None:
        for index in range(self.task_bar.count()):
            if self.task_bar.tabData(index) == name:
                self.task_bar.setCurrentIndex(index)
                return
        raise KeyError(name)

    @property
    def style_box(self) -> QComboBox | None:
        """The style choice of the current task, if it has one."""
        return self.options_panel.style_box(self.current_task())

    def apply_settings(self, settings: Settings) -> None:
        """Adopt and save new settings (from the settings dialog, model manager, welcome)."""
        try:
            self._store.save(settings)
        except HearthError as exc:
            self.show_problem(exc.message)
            return
        self._settings = settings
        self.status.show_settings(settings)
        self.settings_changed.emit(settings)

    def use_model(self, path: Path | str) -> None:
        self.apply_settings(self._settings.replace(model=str(path)))

    # -- actions ----------------------------------------------------------------------------

    def run_task(self) -> None:
        try:
            request = self._request_from_input()
        except HearthError as exc:
            self.show_problem(exc.message)
            return
        self._submit(request)

    def _request_from_input(self) -> Request:
        """The request Run sends for the input, the task and its options (a HearthError for
        options that are not valid)."""
        options = self.options_panel.options(self.current_task())
        text = self.input.toPlainText()
        info = self.input.input_info
        return Request(self.current_task(), text, options, source="window", input=info)

    def retry(self) -> None:
        if self._request is not None:
            self._submit(self._request)

    def refine(self, follow_up: str) -> None:
        """Change the shown answer further ("shorter", "warmer", …), keeping the conversation."""
        asked = self._answered
        if asked is None or not self._text_answer(asked) or not self.result.answer_text:
            return
        # The refinable task continues the conversation; a summary is refined by it too.
        refiner = next(n for n, t in self._tasks.items() if t.capabilities.refinable)
        if asked.task == refiner:
            options = {k: v for k, v in asked.options.items() if k in ("style", "instruction")}
        else:
            options = {"style": "custom", "instruction": SUMMARY_INSTRUCTION}
        options |= {"previous": self.result.answer_text, "follow_up": follow_up}
        self._submit(Request(refiner, asked.text, options, source="window"))

    def _text_answer(self, request: Request) -> bool:
        task = self._tasks.get(request.task)
        return task is not None and task.capabilities.answer_kind == "text"

    def _submit(self, request: Request) -> None:
        if self._job is not None:
            return
        self._local_answer = None
        # A fresh cancel token for each run (Retry resubmits a finished request).
        request = dataclasses.replace(request, cancel=type(request.cancel)())
        self._request = self._job = request
        self.begin_stream()
        self._worker.submit(request)

    def begin_stream(self) -> None:
        """Ready the view for a job's tokens: cleared answer, busy buttons, batched painting."""
        self._answer = ""
        self._pending = ""
        self.result.start_stream()
        self._set_busy(True)
        self._paint_timer.start()

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel.cancel()
            self.status.show_message(self.tr("Stopping…"))

    def copy_answer(self) -> None:
        QGuiApplication.clipboard().setText(self.result.answer_text)
        self.status.show_message(self.tr("Copied."), 2000)

    def replace_input(self) -> None:
        if self.result.answer_text:
            self.input.replace_text(self.result.answer_text)
            self.status.show_message(self.tr("Replaced your text (Ctrl+Z undoes it)."), 4000)

    # The model manager, the welcome dialog and "Use a model file…" live in ModelFlows.

    def open_models(self) -> ModelManager:
        return self.model_flows.open_models()

    def show_welcome_if_needed(
        self, discovery: ModelDiscovery | None = None
    ) -> WelcomeDialog | None:
        return self.model_flows.show_welcome_if_needed(discovery)

    def open_welcome(self, discovery: ModelDiscovery | None = None) -> WelcomeDialog:
        return self.model_flows.open_welcome(discovery)

    def open_history(self) -> HistoryDialog:
        assert self._history is not None
        dialog = HistoryDialog(self._history, self, keep_history=self._settings.keep_history)
        dialog.reopen_requested.connect(self.reopen)
        dialog.problem.connect(self.show_problem)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_eval(self) -> EvalDialog:
        return open_eval_dialog(self, self.current_settings)

    def open_local_api(self) -> None:
        from hearth.gui.local_api_dialog import LocalApiDialog, service_for

        dialog = LocalApiDialog(service_for(self, self.current_settings), self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def reopen(self, entry: HistoryEntry) -> None:
        """Put a past request back: its task, its text and its result; Retry runs it again."""
        if self._job is not None:
            self.show_problem(self.tr("Stop the running task before reopening another."))
            return
        try:
            self.set_task(entry.task)
        except KeyError:
            self.show_problem(self.tr("Unknown task in the history: {0}").format(entry.task))
            return
        self.input.replace_text(entry.text)
        # The option widgets too, so that what is shown is what Retry will run.
        problems = self.options_panel.set_options(entry.task, entry.options)
        if problems:
            self.show_problem("\n".join(problems))
        self.result.show_text(output_markdown(entry))
        self._request = self._answered = Request(
            entry.task, entry.text, dict(entry.options), source="window"
        )
        self._update_actions()
        self.status.show_message(self.tr("Reopened from the history."), 4000)

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self._settings, self._keys, self)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _open_text(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a document"),
            "",
            self.tr(
                "Documents (*.pdf *.docx *.html *.htm *.eml *.txt *.md *.markdown);;All files (*)"
            ),
        )
        if path:
            self.input.load_file(Path(path))

    @Slot(str)
    def about_text(self) -> str:
        return self.tr(
            "<h3>Hearth {0}</h3><p>Private text work with a small language model on this "
            "computer: summarize, rewrite, classify, extract.</p><p>Runs models through "
            "llama.cpp. Nothing leaves the machine unless you turn cloud escalation on.</p>"
        ).format(QCoreApplication.applicationVersion() or app_version())

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Hearth"), self.about_text())

    def show_problem(self, message: str) -> None:
        """Add a problem to the banner; it stays until the user dismisses it."""
        self.banner.add(message)

    @Slot(object)
    def show_error(self, exc: BaseException) -> None:
        """The funnel's end: a worker's exception in the window's words."""
        if isinstance(exc, HearthError):
            self.show_problem(window_message(exc))
        else:
            self.show_problem(unexpected_message(exc))  # its traceback is logged already

    # -- worker reports ---------------------------------------------------------------------

    @Slot(str)
    def _on_text(self, text: str) -> None:
        first = not self._answer.strip() and not self._pending.strip()
        self._pending += text
        if first:
            # The first words go on screen at once; the timer batches the rest.
            self._paint()
        self.text_received.emit()

    def _paint(self) -> None:
        if not self._pending:
            return
        self._answer += self._pending
        self._pending = ""
        self.result.show_stream(self._answer)

    @Slot(object)
    def _on_loaded(self, load: LoadInfo) -> None:
        self._load = load
        self.status.show_load(load)
        if self._job is None and self.input.toPlainText().strip():
            self._ahead_timer.start()  # text pasted while the model was loading

    def _read_ahead(self) -> None:
        """The user paused typing: read the text into the model's cache now (only once the
        model is being kept loaded, and never during a request)."""
        if self._job is not None or not self._warm or not self.input.toPlainText().strip():
            return
        try:
            request = self._request_from_input()
        except HearthError:
            return  # Run will say what is wrong
        self._worker.read_ahead(request)

    @Slot(str)
    def _on_escalating(self, message: str) -> None:
        """The cloud's answer replaces the local one: start the pane over for its text."""
        self._paint()
        self._local_answer = self._answer
        self.begin_stream()
        self.status.show_message(message)

    @Slot(object)
    def _on_finished(self, answer: Answer) -> None:
        self._end_job()
        assert self._request is not None
        self.result.show_answer(answer, self._request.text)
        self._answered = self._request
        self.status.show_answer(answer)
        self.status.show_message("")
        self._update_actions()
        self.answer_ready.emit(answer)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._end_job()
        self.show_error(exc)
        self.job_failed.emit(self.banner.problems()[-1] if self.banner.problems() else "")

    @Slot()
    def _on_cancelled(self) -> None:
        self._end_job()
        if self._local_answer:
            # Stopped while the cloud was answering: the finished local answer stands.
            self.result.show_text(self._local_answer)
            self._answered = self._request
            self._update_actions()
            self.status.show_message(
                self.tr("Stopped the cloud's answer; the answer from this device is shown."), 5000
            )
        else:
            self.status.show_message(self.tr("Stopped."), 3000)
        self.job_cancelled.emit()

    def _end_job(self) -> None:
        self._paint()
        self._paint_timer.stop()
        self._job = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.run_action.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        if busy:
            self.answer_actions.set_state(has_answer=False, text_answer=False, can_retry=False)
        else:
            self._update_actions()

    def _update_actions(self) -> None:
        answered = self._answered is not None and bool(self.result.answer_text)
        self.answer_actions.set_state(
            has_answer=answered,
            text_answer=answered
            and self._answered is not None
            and self._text_answer(self._answered),
            can_retry=self._request is not None,
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.stop()
        super().closeEvent(event)
