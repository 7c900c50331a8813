"""Getting text in (files, drops) and the window out (screenshots)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp
from hearth.gui.screenshot import take_screenshot


def _files(*paths: Path) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return data


def test_dropping_a_text_file_loads_it(app: HearthApp, tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Notes\n\n- one\n- two\n", encoding="utf-8")
    editor = app.window.input
    assert editor.canInsertFromMimeData(_files(note))
    editor.insertFromMimeData(_files(note))
    assert editor.toPlainText() == "# Notes\n\n- one\n- two\n"


def test_dropping_something_else_is_refused_and_keeps_the_text(
    app: HearthApp, tmp_path: Path
) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG")
    editor = app.window.input
    editor.setPlainText("keep me")
    editor.insertFromMimeData(_files(picture))
    assert editor.toPlainText() == "keep me"
    assert "not a text file" in app.window.banner.text()


def test_screenshot_after_a_run_shows_the_answer(
    app: HearthApp, qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    text = tmp_path / "in.txt"
    text.write_text("I love this little app, it is quick and kind.", encoding="utf-8")
    app.window.use_model(tiny_model)
    shot = tmp_path / "shot.png"
    problem = take_screenshot(app, shot, task="classify", text_file=text, run=True)
    assert problem is None
    image = QImage(str(shot))
    assert image.width() >= 800
    assert image.height() >= 500
    assert app.window.current_task() == "classify"
    assert app.window.result.bars.bars


def test_hearth_gui_screenshot_command(tmp_path: Path, hearth_home: Path) -> None:
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": ""}  # the command sets offscreen itself
    done = subprocess.run(
        [sys.executable, "-m", "hearth", "gui", "--screenshot", str(shot), "--task", "extract"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not QImage(str(shot)).isNull()


def test_screenshot_options_need_a_screenshot(hearth_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hearth", "gui", "--task", "extract"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--screenshot" in done.stderr
