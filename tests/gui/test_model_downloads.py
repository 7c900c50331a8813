"""The model manager's catalog (fit labels, download, cancel, resume) and discovered models."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from hearth.core.models.progress import Progress
from hearth.gui.app import HearthApp
from tests.core.models.conftest import BIG_SPEC
from tests.gguf_factory import write_model
from tests.hub_server import HubServer

REPO = "hearth-test/Tiny-GGUF"
CHUNK = 10 * 1024 * 1024  # huggingface_hub writes what arrived in pieces of this size
CATALOG = Path(__file__).parents[2] / "models" / "catalog.toml"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    server = HubServer()
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no real token, no real cache
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def big_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("gui-big") / "hearth-big-f16.gguf", BIG_SPEC)


def serve_as_catalog_model(
    hub: HubServer, model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog's Llama 3.2 1B entry, pointed at `model` on the stand-in Hub."""
    hub.add(REPO, model.name, model.read_bytes())
    own = CATALOG.read_text().replace("bartowski/Llama-3.2-1B-Instruct-GGUF", REPO)
    own = own.replace(
        'filename = "Llama-3.2-1B-Instruct-Q4_K_M.gguf"', f'filename = "{model.name}"'
    )
    (tmp_path / "catalog.toml").write_text(own)
    monkeypatch.setenv("HEARTH_CATALOG", str(tmp_path / "catalog.toml"))


def test_the_catalog_is_labelled_and_a_model_downloads_with_progress(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,
    tiny_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_as_catalog_model(hub, tiny_model, tmp_path, monkeypatch)
    dialog = app.window.open_models()
    panel = dialog.catalog
    assert panel.table.rowCount() >= 3
    labels = {panel.table.item(row, 2).text() for row in range(panel.table.rowCount())}
    assert labels <= {"Fits", "May be slow", "Won't fit"}
    assert panel.table.item(0, 2).toolTip()  # the reason, in words
    panel.select("llama-3.2-1b-instruct")
    assert "Needs" in panel.reason.text() or "needs" in panel.reason.text()
    dialog.tabs.setCurrentWidget(panel)

    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as done:
        panel.download_button.click()
        assert not panel.download_button.isEnabled()  # busy while the worker downloads
    assert done.args == ["download"]
    assert dialog.tabs.currentIndex() == 0  # back to the library, which now has it
    assert dialog.table.rowCount() == 1
    assert "hub" in dialog.table.item(0, 3).text()
    assert [r.method for r in hub.gets(tiny_model.name)] == ["GET"]
    dialog.close()


def test_a_cancelled_download_keeps_its_part_and_resumes(
    app: HearthApp,
    qtbot: QtBot,
    hub: HubServer,
    big_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_as_catalog_model(hub, big_model, tmp_path, monkeypatch)
    gate = threading.Semaphore(0)
    hub.add(REPO, big_model.name, big_model.read_bytes()).faults.gate = gate
    # A slow server: one 64 KiB piece per tick of a GUI-thread timer, until the test cancels.
    trickle = QTimer()
    trickle.setInterval(1)
    trickle.timeout.connect(gate.release)
    dialog = app.window.open_models()
    dialog.catalog.select("llama-3.2-1b-instruct")

    def past_first_chunk(progress: Progress) -> bool:
        if progress.done_bytes < CHUNK:
            return False
        trickle.stop()
        return True

    with qtbot.waitSignal(
        dialog.download_progress, timeout=120_000, check_params_cb=past_first_chunk
    ):
        dialog.catalog.download_button.click()
        trickle.start()
    assert " of " in dialog.message.text()
    assert "MB" in dialog.message.text()
    with qtbot.waitSignal(dialog.operation_failed, timeout=120_000):
        dialog.cancel_button.click()
        gate.release(1000)  # let bytes flow, so the worker sees the cancel at the next read
    assert "Download again resumes" in dialog.message.text()
    partials = list((app.library.library.downloads_dir).glob("*.partial"))
    assert len(partials) == 1
    assert partials[0].stat().st_size >= CHUNK
    assert dialog.table.rowCount() == 0

    hub.add(REPO, big_model.name, big_model.read_bytes())  # no gate any more
    with qtbot.waitSignal(dialog.operation_done, timeout=180_000):
        dialog.catalog.download_button.click()
    assert hub.gets(big_model.name)[-1].status == 206  # resumed with a Range request
    assert dialog.table.rowCount() == 1
    assert not list(app.library.library.downloads_dir.glob("*.partial"))
    dialog.close()


def test_models_of_other_apps_are_found_and_used_in_place(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fake-home"
    folder = home / ".lmstudio" / "models" / "someone" / "Tiny-GGUF"
    folder.mkdir(parents=True)
    placed = folder / "tiny-q8.gguf"
    shutil.copyfile(tiny_model, placed)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-hf"))
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "no-ollama"))
    dialog = app.window.open_models()
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000) as scanned:
        dialog.tabs.setCurrentWidget(dialog.found)
    assert scanned.args == ["discover"]
    assert dialog.found.table.rowCount() == 1
    assert dialog.found.table.item(0, 3).text() == str(placed)
    with qtbot.waitSignal(dialog.operation_done, timeout=120_000):
        dialog.found.use_button.click()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 4).text() == str(placed)  # used where it is, not copied
    assert placed.exists()
    dialog.close()


def test_downloads_are_off_when_air_gapped(app: HearthApp) -> None:
    app.window.apply_settings(dataclasses.replace(app.window.current_settings(), air_gapped=True))
    dialog = app.window.open_models()
    assert not dialog.catalog.download_button.isEnabled()
    assert "Air-gapped" in dialog.catalog.notice.text()
    dialog.close()
