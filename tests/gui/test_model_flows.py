"""The model manager and the welcome dialog together: the Get started action, each dialog's
jobs kept to itself, and a download that goes on when its dialog is closed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import SignalInstance
from pytestqt.qtbot import QtBot

from hearth.core.models.catalog import load_catalog
from hearth.core.models.discovery import ModelDiscovery
from hearth.core.models.library import ModelLibrary
from hearth.core.models.recommend import recommend
from hearth.core.models.this_machine import machine_from_load
from hearth.gui.app import HearthApp
from hearth.gui.models.library_jobs import OwnJobs
from hearth.gui.models.model_manager import ModelManager
from hearth.gui.models.welcome import WelcomeDialog
from tests.gui.test_model_downloads import CATALOG, REPO, hub, serve_as_catalog_model  # noqa: F401
from tests.hub_server import HubServer


def open_welcome(app: HearthApp, qtbot: QtBot, home: Path) -> WelcomeDialog:
    """The welcome dialog, opened on demand, once its scan of `home` is done."""
    dialog = app.window.open_welcome(ModelDiscovery(home, environ=dict(os.environ)))
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as scanned:
        pass  # the scan it starts at once reports through the event loop, after this
    assert scanned.args == ["discover"]
    return dialog


def record(*signals: tuple[str, SignalInstance]) -> list[tuple[str, tuple[object, ...]]]:
    """Every emission of the given (name, signal) pairs, in order."""
    seen: list[tuple[str, tuple[object, ...]]] = []
    for name, signal in signals:
        signal.connect(lambda *args, name=name: seen.append((name, args)))
    return seen


def manager_reactions(dialog: ModelManager) -> list[tuple[str, tuple[object, ...]]]:
    return record(
        ("done", dialog.operation_done),
        ("failed", dialog.operation_failed),
        ("progress", dialog.download_progress),
        ("chosen", dialog.model_chosen),
    )


def welcome_reactions(dialog: WelcomeDialog) -> list[tuple[str, tuple[object, ...]]]:
    return record(
        ("done", dialog.operation_done),
        ("stopped", dialog.operation_stopped),
        ("progress", dialog.download_progress),
        ("chosen", dialog.model_chosen),
    )


def drain_library_jobs(app: HearthApp, qtbot: QtBot) -> None:
    """Return once every job submitted so far has ended and its reports were handled.

    The worker runs one job at a time, in order, and its reports reach this thread in the
    order they were sent: once a no-op job submitted now is reported here, so is every job
    before it.
    """

    def nothing(library: ModelLibrary, report: object, cancel: object) -> None:
        return None

    barrier = OwnJobs(app.library, app.window)
    with qtbot.waitSignal(barrier.finished, timeout=120_000):
        barrier.start("barrier", nothing)
    barrier.deleteLater()


# Asking for an open dialog raises it, which the offscreen platform only warns about.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_get_started_opens_the_welcome_with_a_model_already_chosen(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, fake_home: Path
) -> None:
    app.window.use_model(tiny_model)
    assert app.window.show_welcome_if_needed() is None  # not by itself any more ...
    action = app.window.get_started_action
    assert action in app.window.models_menu.actions()
    assert action.text().replace("&", "") == "Get started…"
    assert "&" in action.text()  # a mnemonic: Alt+M, then its letter
    assert action.isEnabled()
    assert action.statusTip()
    action.trigger()  # ... but whenever asked
    dialog = app.window.model_flows.welcome
    assert isinstance(dialog, WelcomeDialog)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as scanned:
        pass
    assert scanned.args == ["discover"]
    assert dialog.import_button.isEnabled()
    action.trigger()  # a second time: the same dialog, raised, not a second one
    assert app.window.model_flows.welcome is dialog
    assert len(app.window.findChildren(WelcomeDialog)) == 1
    dialog.close()


def test_an_import_in_the_welcome_does_not_show_in_the_manager(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, fake_home: Path
) -> None:
    welcome = open_welcome(app, qtbot, fake_home)
    manager = app.window.open_models()
    assert welcome.isVisible()
    assert manager.isVisible()
    before = manager.message.text()
    seen = manager_reactions(manager)
    with qtbot.waitSignal(welcome.model_chosen, timeout=120_000):
        welcome.import_file(tiny_model)
    drain_library_jobs(app, qtbot)
    assert seen == []
    assert manager.message.text() == before
    assert manager.import_button.isEnabled()
    assert manager.table.rowCount() == 1  # the list is current all the same
    manager.close()


def test_each_dialog_gets_only_the_outcome_of_its_own_job(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path, fake_home: Path
) -> None:
    bad = tmp_path / "not-a-model.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 20)
    welcome = open_welcome(app, qtbot, fake_home)
    manager = app.window.open_models()
    in_manager = manager_reactions(manager)
    in_welcome = welcome_reactions(welcome)
    manager.import_file(tiny_model)  # a good file here ...
    welcome.import_file(bad)  # ... and a bad one there, which waits for the worker
    drain_library_jobs(app, qtbot)
    # (Each dialog's own import reports progress as well.)
    assert [name for name, _ in in_manager if name != "progress"] == ["done"]
    assert manager.table.rowCount() == 1
    assert [name for name, _ in in_welcome if name != "progress"] == ["stopped"]
    assert "not-a-model.gguf" in welcome.message.text()
    assert welcome.isVisible()  # the manager's new model did not end the welcome
    assert app.window.current_settings().model is None
    welcome.close()
    manager.close()


def test_cancel_in_the_manager_stops_its_own_download_not_the_welcome_import(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,  # noqa: F811 - the fixture
    tiny_model: Path,
    tmp_path: Path,
    fake_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_as_catalog_model(hub, tiny_model, tmp_path, monkeypatch)
    gate = threading.Semaphore(0)  # the server sends one piece, then waits for the test
    hub.add(REPO, tiny_model.name, tiny_model.read_bytes()).faults.gate = gate
    welcome = open_welcome(app, qtbot, fake_home)
    manager = app.window.open_models()
    manager.catalog.select("llama-3.2-1b-instruct")
    with qtbot.waitSignal(manager.download_progress, timeout=120_000):
        manager.catalog.download_button.click()
    welcome.import_file(tiny_model)  # waits for the worker, busy with the download
    with qtbot.waitSignal(welcome.model_chosen, timeout=120_000) as chosen:
        manager.cancel_button.click()
        gate.release(1000)  # let bytes flow, so the download sees the cancel at the next read
    assert "Download paused" in manager.message.text()
    assert app.window.current_settings().model == chosen.args[0]
    manager.close()


def test_closing_the_manager_mid_download_lets_it_finish(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,  # noqa: F811 - the fixture
    tiny_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_as_catalog_model(hub, tiny_model, tmp_path, monkeypatch)
    gate = threading.Semaphore(0)  # the server sends one piece, then waits for the test
    hub.add(REPO, tiny_model.name, tiny_model.read_bytes()).faults.gate = gate
    dialog = app.window.open_models()
    dialog.catalog.select("llama-3.2-1b-instruct")
    with qtbot.waitSignal(dialog.download_progress, timeout=120_000):
        dialog.catalog.download_button.click()
    dialog.close()
    assert not dialog.isVisible()
    assert app.window.open_models() is dialog  # reopened: the same one, still downloading
    assert dialog.isVisible()
    assert dialog.progress.isVisible()
    assert dialog.cancel_button.isVisible()
    assert "Downloading" in dialog.message.text() or " of " in dialog.message.text()
    dialog.close()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as done:
        gate.release(1000)
    assert done.args == ["download"]
    # It ended while closed: the window's status line says so, and the next manager is a
    # fresh one that lists the model.
    assert app.window.status.message_label.text()
    fresh = app.window.open_models()
    assert fresh is not dialog
    assert fresh.table.rowCount() == 1
    assert "hub" in fresh.table.item(0, 3).text()
    assert not fresh.progress.isVisible()
    fresh.close()


def test_closing_the_welcome_mid_download_still_uses_the_model(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,  # noqa: F811 - the fixture
    tiny_model: Path,
    fake_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEARTH_CATALOG", str(CATALOG))
    entry = recommend(load_catalog(), machine_from_load(None), 4096).entry
    assert entry is not None
    gate = threading.Semaphore(0)
    hub.add(entry.repo, entry.filename, tiny_model.read_bytes()).faults.gate = gate
    dialog = open_welcome(app, qtbot, fake_home)
    with qtbot.waitSignal(dialog.download_progress, timeout=120_000):
        dialog.download_button.click()
    dialog.later_button.click()
    assert not dialog.isVisible()
    assert app.window.open_welcome() is dialog  # Get started again: the download is there
    assert dialog.isVisible()
    assert dialog.progress.isVisible()
    dialog.close()
    with qtbot.waitSignal(dialog.model_chosen, timeout=120_000) as chosen:
        gate.release(1000)
    assert app.window.current_settings().model == chosen.args[0]
    assert Path(chosen.args[0]).read_bytes() == tiny_model.read_bytes()
    assert app.window.model_flows.welcome is None
