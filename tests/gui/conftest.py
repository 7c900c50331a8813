"""The app under test: a real window, worker and engine host, closed after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.paths import Paths
from hearth.gui.app import HearthApp


@pytest.fixture
def app(qtbot: QtBot, hearth_home: Path) -> Iterator[HearthApp]:
    hearth = HearthApp(Paths.from_environment())
    qtbot.addWidget(hearth.window)
    hearth.window.show()
    qtbot.waitExposed(hearth.window)
    yield hearth
    hearth.shutdown()


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with no other app's models in it, so the welcome's scan finds nothing."""
    home = tmp_path / "fake-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "no-ollama"))
    return home
