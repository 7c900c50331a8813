"""Tools ▸ Local API: switching it on serves the window's model behind the token; off stops."""

from __future__ import annotations

from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from hearth.api.local_service import LocalApi
from hearth.api.token_store import TokenStore
from hearth.core.paths import Paths
from hearth.core.settings import Settings
from hearth.gui.local_api_dialog import LocalApiDialog


def test_switching_the_api_on_and_off(qtbot: QtBot, tiny_model: Path, hearth_home: Path) -> None:
    settings = Settings(model=str(tiny_model))
    tokens = TokenStore(environ={"HEARTH_API_TOKEN": "hearth-dialog-token"})
    service = LocalApi(Paths.under(hearth_home), lambda: settings, tokens)
    dialog = LocalApiDialog(service)
    qtbot.addWidget(dialog)
    dialog.port_box.setValue(_free_port())
    dialog.serve_box.setChecked(True)
    try:
        assert service.running, dialog.problem.text()
        assert dialog.token_edit.text() == "hearth-dialog-token"
        assert "hearth-dialog-token" in dialog.example.toPlainText()
        url = f"{service.base_url}/models"
        assert httpx.get(url, timeout=30).status_code == 401
        models = httpx.get(url, headers={"Authorization": "Bearer hearth-dialog-token"}, timeout=30)
        assert [m["id"] for m in models.json()["data"]] == ["tiny", "hearth"]
    finally:
        dialog.serve_box.setChecked(False)
    assert service.base_url is None  # stopped
    assert dialog.port_box.isEnabled()  # the port can change again once stopped


def test_a_port_in_use_is_shown_not_raised(
    qtbot: QtBot, tiny_model: Path, hearth_home: Path
) -> None:
    import socket

    settings = Settings(model=str(tiny_model))
    tokens = TokenStore(environ={"HEARTH_API_TOKEN": "hearth-dialog-token"})
    service = LocalApi(Paths.under(hearth_home), lambda: settings, tokens)
    dialog = LocalApiDialog(service)
    qtbot.addWidget(dialog)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        dialog.port_box.setValue(taken.getsockname()[1])
        dialog.serve_box.setChecked(True)
    assert not service.running
    assert not dialog.serve_box.isChecked()
    assert "already in use" in dialog.problem.text()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
