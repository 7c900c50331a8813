"""Tools ▸ Local API: switch the OpenAI-compatible API on and off, choose its port, see and
copy its token and a ready-to-run example. The service outlives the dialog: it belongs to the
window (a child object) and stops when the application quits."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hearth.api.local_service import LocalApi
from hearth.api.server import DEFAULT_PORT
from hearth.core.errors import HearthError
from hearth.core.paths import Paths
from hearth.core.settings import Settings

_HOLDER = "hearth-local-api"


class _Holder(QObject):
    def __init__(self, service: LocalApi, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_HOLDER)
        self.service = service
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(service.stop)


def service_for(window: QObject, settings: Callable[[], Settings]) -> LocalApi:
    """The window's one local API service, made on first use."""
    holder = window.findChild(_Holder, _HOLDER)
    if holder is None:
        holder = _Holder(LocalApi(Paths.from_environment(), settings), window)
    return holder.service


class LocalApiDialog(QDialog):
    def __init__(self, service: LocalApi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle(self.tr("Local API"))
        self.serve_box = QCheckBox(self.tr("Serve the OpenAI-compatible API on this computer"))
        self.port_box = QSpinBox()
        self.port_box.setRange(1024, 65535)
        self.port_box.setValue(service.port or DEFAULT_PORT)
        self.token_edit = QLineEdit()
        self.token_edit.setReadOnly(True)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.copy_button = QPushButton(self.tr("Copy token"))
        self.example = QPlainTextEdit()
        self.example.setReadOnly(True)
        self.copy_example_button = QPushButton(self.tr("Copy example"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.serve_box)
        form.addRow(self.tr("Port"), self.port_box)
        form.addRow(self.tr("Token"), self.token_edit)
        form.addRow("", self.copy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Only this computer can connect (127.0.0.1).")))
        layout.addWidget(self.example)
        layout.addWidget(self.copy_example_button)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.serve_box.setChecked(service.running)
        self.serve_box.toggled.connect(self._toggle)
        self.copy_button.clicked.connect(lambda: _copy(self.token_edit.text()))
        self.copy_example_button.clicked.connect(lambda: _copy(self.example.toPlainText()))
        self._refresh()

    def _toggle(self, on: bool) -> None:
        self.problem.clear()
        try:
            if on:
                self._service.start(self.port_box.value())
            else:
                self._service.stop()
        except HearthError as exc:
            self.problem.setText(exc.message)
            self.serve_box.blockSignals(True)
            self.serve_box.setChecked(False)
            self.serve_box.blockSignals(False)
        self._refresh()

    def _refresh(self) -> None:
        running = self._service.running
        self.port_box.setEnabled(not running)
        token = ""
        if running:
            try:
                token = self._service.tokens.token()
            except HearthError as exc:
                self.problem.setText(exc.message)
        self.token_edit.setText(token)
        self.copy_button.setEnabled(bool(token))
        url = self._service.base_url or f"http://127.0.0.1:{self.port_box.value()}/v1"
        self.example.setPlainText(
            f"curl {url}/chat/completions \\\n"
            f'  -H "Authorization: Bearer {token or "<token>"}" \\\n'
            '  -H "Content-Type: application/json" \\\n'
            '  -d \'{"model": "hearth", "messages": [{"role": "user", "content": "Hello"}]}\''
        )


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None and text:
        clipboard.setText(text)
