"""The settings dialog: values persist across restarts; air-gapped turns every cloud action off."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.cloud.keys import SERVICE, KeyStore, account_for
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import NetworkRefused
from hearth.core.settings import SettingsStore
from hearth.gui.app import HearthApp
from hearth.gui.settings_dialog import GPU_MANUAL, SettingsDialog
from tests.core.cloud.memory_keyring import InMemoryKeyring


def test_settings_persist_across_restarts(app: HearthApp, hearth_home: Path) -> None:
    dialog = app.window.open_settings()
    dialog.threads.setValue(3)
    dialog.context_size.setValue(2048)
    dialog.gpu_mode.setCurrentIndex(dialog.gpu_mode.findData(GPU_MANUAL))
    assert dialog.gpu_layers.isEnabled()
    dialog.gpu_layers.setValue(7)
    dialog.air_gapped.setChecked(True)
    dialog.accept()
    assert app.window.status.air_gapped_label.isVisible()
    saved = SettingsStore(Paths.from_environment().settings_file).load().settings
    assert (saved.threads, saved.context_size, saved.gpu_layers, saved.air_gapped) == (
        3,
        2048,
        7,
        True,
    )
    app.window.close()
    app.shutdown()  # a restart: one app per process (its air-gap guard is process-wide)
    reopened = HearthApp(Paths.from_environment())
    try:
        assert reopened.window.current_settings() == saved
        again = reopened.window.open_settings()
        assert again.threads.value() == 3
        assert again.air_gapped.isChecked()
        again.reject()
    finally:
        reopened.window.close()
        reopened.shutdown()


def test_air_gapped_disables_every_cloud_action(app: HearthApp) -> None:
    dialog = app.window.open_settings()
    assert dialog.cloud_group.isEnabled()
    dialog.air_gapped.setChecked(True)
    assert not dialog.cloud_group.isEnabled()
    for widget in (dialog.cloud_policy, dialog.provider, dialog.api_key, dialog.store_key):
        assert not widget.isEnabled()
    dialog.reject()


def test_api_key_goes_to_the_keychain_not_the_settings(
    app: HearthApp, hearth_home: Path, qtbot: QtBot
) -> None:
    keyring = InMemoryKeyring()
    dialog = SettingsDialog(app.window.current_settings(), KeyStore(keyring, environ={}))
    dialog.provider.setCurrentIndex(dialog.provider.findData("openai"))
    dialog.api_key.setText("sk-test-123456")
    dialog.save_key()
    qtbot.waitUntil(lambda: not dialog.saving_key)  # the keychain answers on its own thread
    assert dialog.api_key.text() == ""
    assert keyring.entries[(SERVICE, account_for("api.openai.com"))] == "sk-test-123456"
    dialog.accept()
    app.window.apply_settings(dialog.settings())
    assert "sk-test" not in Paths.from_environment().settings_file.read_text()


def test_an_invalid_value_keeps_the_dialog_open_with_the_problem(app: HearthApp) -> None:
    dialog = app.window.open_settings()
    dialog.base_url.setText("not a url")
    dialog.accept()
    assert dialog.isVisible()
    assert "cloud_base_url" in dialog.problem.text()
    dialog.reject()


def test_air_gapped_refuses_outside_connections_in_the_app_process(app: HearthApp) -> None:
    window = app.window
    window.apply_settings(window.current_settings().replace(air_gapped=True))
    assert app.air_gap.on
    # 192.0.2.1 is TEST-NET-1: nothing answers there, so only the guard can refuse at once.
    with pytest.raises(NetworkRefused):
        socket.create_connection(("192.0.2.1", 443), timeout=30)
    assert app.air_gap.guard is not None
    assert [a.host for a in app.air_gap.guard.attempts] == ["192.0.2.1"]
    with socket.create_server(("127.0.0.1", 0)) as server:  # loopback stays open
        socket.create_connection(server.getsockname(), timeout=30).close()

    window.apply_settings(window.current_settings().replace(air_gapped=False))
    assert not app.air_gap.on
    assert not getattr(socket.socket.connect, "__hearth_network_guard__", False)
