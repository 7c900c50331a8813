"""Settings: model and performance, privacy and cloud, desktop (hotkey, start at login, the
popup's tasks), appearance.

The dialog edits a copy of the settings and hands back a validated `Settings`; the window
saves it. The API key never becomes a setting: it goes straight to the OS keychain, through a
`KeyWorker` on its own thread (a keychain can block for seconds waiting to be unlocked). OK
does not drop a key typed but not yet saved, nor one still being saved: the dialog closes once
the keychain has it, and stays open with the problem shown when the keychain refuses it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hearth.core.cloud.keys import KeyStore, account_for
from hearth.core.cloud.presets import PRESETS, find_preset
from hearth.core.cloud.url import url_host
from hearth.core.errors import UsageError
from hearth.core.paths import Paths
from hearth.core.settings import CLOUD_POLICIES, MIN_CONTEXT, Settings
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.quick_task_titles import task_title
from hearth.gui.desktop.quick_tasks import ordered
from hearth.gui.key_worker import KeyWorker

# Whether a hotkey can be registered now: None, or why not (another application holds it).
HotkeyCheck = Callable[[Binding], str | None]

GPU_AUTO, GPU_CPU, GPU_MANUAL = "auto", "cpu", "manual"


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        keys: KeyStore,
        parent: QWidget | None = None,
        *,
        hotkey_check: HotkeyCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self._hotkey_check = hotkey_check
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self._settings = settings
        self._keys = keys
        self._key_worker: KeyWorker | None = None  # started at the first keychain call
        self._saving_for: str | None = None  # the host whose key is being saved
        self._close_with: int | None = None  # OK or Cancel pressed during a save
        self._problem_from_key = False
        tabs = QTabWidget()
        tabs.addTab(self._performance_page(), self.tr("Model && performance"))
        tabs.addTab(self._privacy_page(), self.tr("Privacy && cloud"))
        tabs.addTab(self._desktop_page(), self.tr("&Desktop"))
        tabs.addTab(self._appearance_page(), self.tr("Appearance"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Problem with the settings"))
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._load(settings)
        self.air_gapped.toggled.connect(self._update_cloud_enabled)
        self.gpu_mode.currentIndexChanged.connect(self._update_gpu)
        self.hotkey.textChanged.connect(self._update_hotkey_note)
        self._update_cloud_enabled()
        self._update_gpu()

    # -- pages ------------------------------------------------------------------------------

    def _performance_page(self) -> QWidget:
        self.threads = QSpinBox()
        self.threads.setRange(0, 1024)
        self.threads.setSpecialValueText(self.tr("Automatic (one per core)"))
        self.threads.setAccessibleName(self.tr("Threads"))
        self.context_size = QSpinBox()
        self.context_size.setRange(MIN_CONTEXT, 1 << 20)
        self.context_size.setSingleStep(1024)
        self.context_size.setSuffix(self.tr(" tokens"))
        self.context_size.setAccessibleName(self.tr("Context size"))
        self.gpu_mode = QComboBox()
        self.gpu_mode.setAccessibleName(self.tr("GPU offload"))
        self.gpu_mode.addItem(self.tr("Automatic (all layers when a GPU is available)"), GPU_AUTO)
        self.gpu_mode.addItem(self.tr("CPU only"), GPU_CPU)
        self.gpu_mode.addItem(self.tr("Manual"), GPU_MANUAL)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(1, 1000)
        self.gpu_layers.setSuffix(self.tr(" layers"))
        self.gpu_layers.setAccessibleName(self.tr("GPU layers"))
        gpu = QHBoxLayout()
        gpu.addWidget(self.gpu_mode, 1)
        gpu.addWidget(self.gpu_layers)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(self.tr("&Threads:"), self.threads)
        form.addRow(self.tr("&Context:"), self.context_size)
        gpu_label = QLabel(self.tr("&GPU:"))
        gpu_label.setBuddy(self.gpu_mode)  # a row of two widgets gets no buddy by itself
        form.addRow(gpu_label, gpu)
        note = QLabel(self.tr("Changes take effect at the next request (the model reloads)."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _privacy_page(self) -> QWidget:
        self.air_gapped = QCheckBox(self.tr("&Air-gapped: nothing ever leaves this device"))
        self.air_gapped.setAccessibleName(self.tr("Air-gapped mode"))
        self.keep_history = QCheckBox(self.tr("Keep the text of recent requests in History"))
        self.keep_history.setAccessibleName(self.tr("Keep history"))
        self.cloud_policy = QComboBox()
        self.cloud_policy.setAccessibleName(self.tr("Cloud escalation"))
        titles = {
            "never": self.tr("Never: always answer on this device"),
            "ask": self.tr("Ask me each time the local answer is unsure"),
            "auto": self.tr("Automatically when the local answer is unsure"),
            "always": self.tr("Always use the cloud"),
        }
        for policy in CLOUD_POLICIES:
            self.cloud_policy.addItem(titles[policy], policy)
        self.provider = QComboBox()
        self.provider.setAccessibleName(self.tr("Cloud provider"))
        self.provider.addItem(self.tr("(none)"), None)
        for preset in PRESETS:
            self.provider.addItem(preset.title, preset.name)
        self.base_url = QLineEdit()
        self.base_url.setAccessibleName(self.tr("Base URL"))
        self.base_url.setPlaceholderText(self.tr("the provider's, or https://…/v1"))
        self.cloud_model = QLineEdit()
        self.cloud_model.setAccessibleName(self.tr("Cloud model"))
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName(self.tr("API key"))
        self.api_key.setPlaceholderText(self.tr("stored only in the system keychain"))
        self.store_key = QPushButton(self.tr("Save &key"))
        self.store_key.setAccessibleName(self.tr("Save the API key in the keychain"))
        self.store_key.clicked.connect(self.save_key)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.key_status.setAccessibleName(self.tr("Keychain status"))
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.store_key)

        self.cloud_group = QGroupBox(self.tr("Cloud escalation"))
        form = QFormLayout(self.cloud_group)
        form.addRow(self.tr("&When:"), self.cloud_policy)
        form.addRow(self.tr("&Provider:"), self.provider)
        form.addRow(self.tr("Base &URL:"), self.base_url)
        form.addRow(self.tr("&Model:"), self.cloud_model)
        key_label = QLabel(self.tr("API &key:"))
        key_label.setBuddy(self.api_key)
        form.addRow(key_label, key_row)
        form.addRow(self.key_status)
        self.air_gapped_note = QLabel(
            self.tr("Air-gapped mode is on, so every cloud option is off.")
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.air_gapped)
        layout.addWidget(self.keep_history)
        layout.addWidget(self.air_gapped_note)
        layout.addWidget(self.cloud_group)
        layout.addStretch(1)
        return page

    def _desktop_page(self) -> QWidget:
        self.hotkey = QLineEdit()
        self.hotkey.setAccessibleName(self.tr("Hotkey"))
        self.hotkey.setPlaceholderText(self.tr("e.g. Ctrl+Alt+Space"))
        self.hotkey_note = QLabel()
        self.hotkey_note.setWordWrap(True)
        self.hotkey_note.setAccessibleName(self.tr("About the hotkey"))
        self.start_in_tray = QCheckBox(self.tr("&Start Hearth in the tray when I log in"))
        self.start_in_tray.setAccessibleName(self.tr("Start in the tray at login"))
        self.popup_tasks = QListWidget()
        self.popup_tasks.setAccessibleName(self.tr("The popup's tasks, first shown first"))
        self.popup_tasks.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.task_up = QPushButton(self.tr("Move &up"))
        self.task_down = QPushButton(self.tr("Move do&wn"))
        self.task_up.clicked.connect(lambda: self._move_task(-1))
        self.task_down.clicked.connect(lambda: self._move_task(1))
        moves = QVBoxLayout()
        moves.addWidget(self.task_up)
        moves.addWidget(self.task_down)
        tasks = QHBoxLayout()
        tasks.addWidget(self.popup_tasks, 1, Qt.AlignmentFlag.AlignTop)
        tasks.addLayout(moves)
        moves.setAlignment(Qt.AlignmentFlag.AlignTop)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(self.tr("&Hotkey:"), self.hotkey)
        form.addRow(self.hotkey_note)
        form.addRow(self.start_in_tray)
        tasks_label = QLabel(self.tr("&Popup tasks:"))
        tasks_label.setBuddy(self.popup_tasks)  # a row of two widgets gets no buddy by itself
        form.addRow(tasks_label, tasks)
        note = QLabel(
            self.tr(
                "The hotkey opens the writing-tools popup on the text selected in any "
                "application while Hearth runs in the tray. The popup shows its tasks in this "
                "order; the keys 1 to 6 run them."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _move_task(self, step: int) -> None:
        row = self.popup_tasks.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.popup_tasks.count():
            return
        item = self.popup_tasks.takeItem(row)
        self.popup_tasks.insertItem(to, item)
        self.popup_tasks.setCurrentRow(to)

    def popup_task_order(self) -> list[str]:
        keys = []
        for row in range(self.popup_tasks.count()):
            item = self.popup_tasks.item(row)
            if item is not None:
                keys.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return keys

    def _update_hotkey_note(self) -> None:
        try:
            binding = Binding.parse(self.hotkey.text())
        except UsageError as exc:
            self.hotkey_note.setText(exc.message)
            self.hotkey_note.setStyleSheet("color: #b3261e;")
            return
        self.hotkey_note.setStyleSheet("")
        self.hotkey_note.setText(
            self.tr("Press {0} with text selected in any application.").format(binding)
        )

    def _appearance_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        label = QLabel(
            self.tr(
                "Hearth follows your system's light or dark theme and its font size; change "
                "them in the system settings."
            )
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addStretch(1)
        return page

    # -- values -----------------------------------------------------------------------------

    def _load(self, s: Settings) -> None:
        self.threads.setValue(s.threads or 0)
        self.context_size.setValue(s.context_size)
        mode = GPU_AUTO if s.gpu_layers == -1 else GPU_CPU if s.gpu_layers == 0 else GPU_MANUAL
        self.gpu_mode.setCurrentIndex(self.gpu_mode.findData(mode))
        self.gpu_layers.setValue(max(1, s.gpu_layers))
        self.air_gapped.setChecked(s.air_gapped)
        self.keep_history.setChecked(s.keep_history)
        self.cloud_policy.setCurrentIndex(self.cloud_policy.findData(s.cloud_policy))
        self.provider.setCurrentIndex(max(0, self.provider.findData(s.cloud_preset)))
        self.base_url.setText(s.cloud_base_url or "")
        self.cloud_model.setText(s.cloud_model or "")
        self.hotkey.setText(s.hotkey)
        self._update_hotkey_note()
        self.start_in_tray.setChecked(s.start_in_tray)
        self.popup_tasks.clear()
        for quick in ordered(s.popup_tasks):
            item = QListWidgetItem(task_title(quick.key))
            item.setData(Qt.ItemDataRole.UserRole, quick.key)
            self.popup_tasks.addItem(item)
        self.popup_tasks.setCurrentRow(0)
        # As tall as its rows: a list's default height leaves a blank half below six tasks.
        rows = self.popup_tasks.sizeHintForRow(0) * self.popup_tasks.count()
        self.popup_tasks.setFixedHeight(rows + 2 * self.popup_tasks.frameWidth() + 4)

    def _update_cloud_enabled(self) -> None:
        air_gapped = self.air_gapped.isChecked()
        self.cloud_group.setEnabled(not air_gapped)
        self.air_gapped_note.setVisible(air_gapped)

    def _update_gpu(self) -> None:
        self.gpu_layers.setEnabled(self.gpu_mode.currentData() == GPU_MANUAL)

    def settings(self) -> Settings:
        """The edited settings; raises ValueError (with every problem) when one is invalid."""
        mode = self.gpu_mode.currentData()
        gpu_layers = -1 if mode == GPU_AUTO else 0 if mode == GPU_CPU else self.gpu_layers.value()
        try:
            hotkey = str(Binding.parse(self.hotkey.text()))
        except UsageError as exc:
            raise ValueError(exc.message) from None
        order = tuple(self.popup_task_order())
        unchanged = order == tuple(q.key for q in ordered(self._settings.popup_tasks))
        return self._settings.replace(
            threads=self.threads.value() or None,
            context_size=self.context_size.value(),
            gpu_layers=gpu_layers,
            air_gapped=self.air_gapped.isChecked(),
            keep_history=self.keep_history.isChecked(),
            cloud_policy=self.cloud_policy.currentData(),
            cloud_preset=self.provider.currentData(),
            cloud_base_url=self.base_url.text().strip() or None,
            cloud_model=self.cloud_model.text().strip() or None,
            hotkey=hotkey,
            start_in_tray=self.start_in_tray.isChecked(),
            popup_tasks=self._settings.popup_tasks if unchanged else order,
        )

    def _key_host(self) -> str | None:
        url = self.base_url.text().strip()
        if not url:
            preset = find_preset(str(self.provider.currentData()))
            url = preset.base_url if preset is not None else ""
        return url_host(url) if url else None

    # -- the API key, on the keychain thread ------------------------------------------------

    @property
    def key_worker(self) -> KeyWorker | None:
        """The keychain worker, once a key has been saved (its thread is finished once closed)."""
        return self._key_worker

    @property
    def saving_key(self) -> bool:
        return self._saving_for is not None

    def save_key(self) -> bool:
        """Start storing the typed key; False when it cannot start (the status says why).

        The keychain answers later, through `_key_stored` or `_key_refused`."""
        if self.saving_key:
            return True
        host = self._key_host()
        if host is None:
            self.key_status.setText(self.tr("Choose a provider or a base URL first."))
            return False
        self._saving_for = host
        self._show_key_busy()
        self._worker().store(account_for(host), self.api_key.text())
        return True

    def _worker(self) -> KeyWorker:
        worker = self._key_worker
        if worker is None or not worker.worker_thread.isRunning():
            worker = KeyWorker(self._keys)
            # Queued: the slots run on the GUI thread, after the keychain call has returned.
            worker.finished.connect(self._key_stored, Qt.ConnectionType.QueuedConnection)
            worker.failed.connect(self._key_refused, Qt.ConnectionType.QueuedConnection)
            # done() stops the thread; this covers a dialog deleted without being closed, whose
            # running QThread would otherwise be destroyed while running (a fatal Qt error).
            self.destroyed.connect(lambda *_: worker.shutdown())
            self._key_worker = worker
        return worker

    def _show_key_busy(self) -> None:
        busy = self.saving_key
        self.store_key.setEnabled(not busy)
        self.api_key.setReadOnly(busy)  # the key being saved stays what the field shows
        self.ok_button.setEnabled(self._close_with != QDialog.DialogCode.Accepted)
        if not busy:
            return
        if self._close_with is None:
            self.key_status.setText(self.tr("Saving the key to the keychain…"))
        else:
            self.key_status.setText(
                self.tr("Saving the key to the keychain… Settings close once it is stored.")
            )

    @Slot(str, object)
    def _key_stored(self, _what: str, _result: object) -> None:
        host, self._saving_for = self._saving_for, None
        close_with, self._close_with = self._close_with, None
        self.api_key.clear()  # the field never keeps the key once it is stored
        self._show_key_busy()
        self.key_status.setText(self.tr("Stored the key for {0} in the keychain.").format(host))
        if self._problem_from_key:
            self._problem_from_key = False
            self.problem.hide()
        if close_with == QDialog.DialogCode.Accepted:
            self.accept()  # checks the settings again: they may have been edited meanwhile
        elif close_with is not None:
            self.reject()

    @Slot(str, str)
    def _key_refused(self, _what: str, message: str) -> None:
        # The dialog stays open whatever was pressed meanwhile: the failure is shown, and the
        # key stays in the field to try again.
        self._saving_for = None
        self._close_with = None
        self._show_key_busy()
        self.key_status.setText(self.tr("The key is not stored."))
        self._show_problem(message)
        self._problem_from_key = True

    def _show_problem(self, message: str) -> None:
        self._problem_from_key = False
        self.problem.setText(message)
        self.problem.show()

    def accept(self) -> None:
        try:
            settings = self.settings()
        except ValueError as exc:
            self._show_problem(str(exc))
            return
        taken = self._hotkey_taken(settings.hotkey)
        if taken is not None:
            self._show_problem(taken)
            return
        if not self.saving_key and self.api_key.text().strip() and not self.save_key():
            self._show_problem(
                self.tr(
                    "The API key is not stored yet: choose a provider or a base URL for it, "
                    "or clear the key field."
                )
            )
            return
        super().accept()  # done() waits for a save under way

    def _hotkey_taken(self, hotkey: str) -> str | None:
        """Why a changed hotkey cannot be registered (another application holds it), if so."""
        try:
            if str(Binding.parse(self._settings.hotkey)) == hotkey:
                return None  # the one registered already (or refused at start, and said so)
        except UsageError:
            pass
        check = self._hotkey_check
        if check is None:
            from hearth.gui.desktop.hotkeys.probe import probe

            data_dir = Paths.from_environment().data_dir
            check = lambda binding: probe(binding, data_dir)  # noqa: E731 - one line
            self._hotkey_check = check
        return check(Binding.parse(hotkey))

    def done(self, result: int) -> None:
        if self.saving_key:
            # Closing now would drop the key or hide the keychain's refusal: close once it
            # answers, with the UI still responsive.
            self._close_with = int(result)
            self._show_key_busy()
            return
        if self._key_worker is not None:
            self._key_worker.shutdown()  # idle here: returns at once
        super().done(result)
