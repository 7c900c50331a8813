"""First run with no model: the welcome dialog's three ways to get one, each to the end."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.models.catalog import load_catalog
from hearth.core.models.discovery import ModelDiscovery
from hearth.core.models.recommend import recommend
from hearth.core.models.this_machine import machine_from_load
from hearth.core.settings import SettingsStore
from hearth.gui.app import HearthApp
from hearth.gui.models.welcome import WelcomeDialog
from tests.gui.test_model_downloads import CATALOG, hub  # noqa: F401 - the fixture
from tests.hub_server import HubServer


def open_welcome(app: HearthApp, qtbot: QtBot, home: Path) -> WelcomeDialog:
    discovery = ModelDiscovery(home, environ=dict(os.environ))
    dialog = app.window.show_welcome_if_needed(discovery)
    assert dialog is not None
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as scanned:
        pass  # the scan it starts at once reports through the event loop, after this
    assert scanned.args == ["discover"]
    return dialog


def assert_model_in_use(app: HearthApp, path: str) -> None:
    assert app.window.current_settings().model == path
    saved = SettingsStore(app.store.path).load().settings
    assert saved.model == path
    assert Path(path).name in app.window.status.model_label.text()


def test_the_recommended_model_downloads_and_becomes_the_model(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,  # noqa: F811 - the fixture
    tiny_model: Path,
    tmp_path: Path,
    fake_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Which model is recommended depends on this machine's memory: serve that one.
    monkeypatch.setenv("HEARTH_CATALOG", str(CATALOG))
    chosen_entry = recommend(load_catalog(), machine_from_load(None), 4096).entry
    assert chosen_entry is not None
    hub.add(chosen_entry.repo, chosen_entry.filename, tiny_model.read_bytes())
    dialog = open_welcome(app, qtbot, fake_home)
    assert not dialog.isModal()
    assert chosen_entry.name in dialog.recommended_label.text()
    assert dialog.found.table.rowCount() == 0
    with qtbot.waitSignal(dialog.model_chosen, timeout=120_000) as chosen:
        dialog.download_button.click()
        assert not dialog.download_button.isEnabled()
    assert_model_in_use(app, chosen.args[0])
    assert Path(chosen.args[0]).read_bytes() == tiny_model.read_bytes()
    assert not dialog.isVisible()


def test_a_gguf_file_is_imported_air_gapped(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, fake_home: Path
) -> None:
    app.window.apply_settings(app.window.current_settings().replace(air_gapped=True))
    dialog = open_welcome(app, qtbot, fake_home)
    assert not dialog.download_button.isEnabled()
    assert "Air-gapped" in dialog.recommended_label.text()
    with qtbot.waitSignal(dialog.model_chosen, timeout=120_000) as chosen:
        dialog.import_file(tiny_model)
    assert_model_in_use(app, chosen.args[0])
    assert chosen.args[0] != str(tiny_model)  # copied into the library


def test_a_model_from_another_app_is_used_in_place(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, fake_home: Path
) -> None:
    folder = fake_home / ".lmstudio" / "models" / "someone" / "Tiny-GGUF"
    folder.mkdir(parents=True)
    placed = folder / "tiny-q8.gguf"
    shutil.copyfile(tiny_model, placed)
    dialog = open_welcome(app, qtbot, fake_home)
    assert dialog.found.table.rowCount() == 1
    with qtbot.waitSignal(dialog.model_chosen, timeout=120_000) as chosen:
        dialog.found.use_button.click()
    assert chosen.args[0] == str(placed)
    assert_model_in_use(app, str(placed))


def test_a_bad_file_goes_to_the_banner_and_the_dialog_stays(
    app: HearthApp, qtbot: QtBot, tmp_path: Path, fake_home: Path
) -> None:
    bad = tmp_path / "not-a-model.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 20)
    dialog = open_welcome(app, qtbot, fake_home)
    with qtbot.waitSignal(dialog.operation_stopped, timeout=120_000):
        dialog.import_file(bad)
    assert app.window.banner.isVisible()
    assert dialog.isVisible()
    assert app.window.current_settings().model is None


def test_no_welcome_once_a_model_is_chosen(app: HearthApp, tiny_model: Path) -> None:
    app.window.use_model(tiny_model)
    assert app.window.show_welcome_if_needed() is None
