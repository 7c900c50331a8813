"""The main window on a real (offscreen) Qt, a real engine host and generated models."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp

TEXT = "Hearth keeps your text on your own machine. " * 6


def test_window_opens_with_accessible_controls(app: HearthApp) -> None:
    window = app.window
    assert window.isVisible()
    names = {
        w.accessibleName()
        for w in (
            window.input,
            window.output,
            window.run_button,
            window.stop_button,
            window.task_bar,
            window.status.model_label,
            window.status.speed_label,
            window.status.route_label,
        )
    }
    assert "" not in names
    assert window.current_task() == "summarize"
    assert window.style_box is not None
    assert [window.style_box.itemData(i) for i in range(window.style_box.count())] == [
        "summary",
        "key-points",
        "list",
        "table",
    ]
    assert "No model yet" in window.status.model_label.text()


def test_ctrl_enter_runs_and_streams_an_answer(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    window.use_model(tiny_model)
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(app.window.answer_ready, timeout=180_000) as finished:
        qtbot.keyClick(window.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert not window.run_button.isEnabled()
    outcome = finished.args[0]
    assert outcome.output
    assert window.output.toPlainText().strip()
    assert "tokens/s" in window.status.speed_label.text()
    assert "On this device" in window.status.route_label.text()
    assert "Hearth Test Tiny" in window.status.model_label.text()
    assert window.run_button.isEnabled()
    assert window.input.toPlainText() == TEXT


def test_model_choice_is_saved_in_settings(app: HearthApp, tiny_model: Path) -> None:
    app.window.use_model(tiny_model)
    assert app.store.load().settings.model == str(tiny_model)


def test_escape_stops_a_running_answer(app: HearthApp, qtbot: QtBot, slow_model: Path) -> None:
    window = app.window
    window.use_model(slow_model)
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(app.window.text_received, timeout=180_000):
        window.run_task()
    with qtbot.waitSignal(app.window.job_cancelled, timeout=120_000):
        qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    assert window.run_button.isEnabled()
    assert not window.banner.isVisible()


def test_missing_model_shows_a_banner_and_keeps_the_text(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = app.window
    window.use_model(tmp_path / "gone.gguf")
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(app.window.job_failed, timeout=120_000):
        window.run_task()
    assert window.banner.isVisible()
    assert "gone.gguf does not exist" in window.banner.text()
    assert window.input.toPlainText() == TEXT


def test_engine_crash_shows_a_banner_keeps_the_text_and_retry_works(
    app: HearthApp, qtbot: QtBot, slow_model: Path
) -> None:
    window = app.window
    window.use_model(slow_model)
    # A rewrite may run to twice its input: a long text keeps the engine busy well past the
    # first token even on a loaded machine, so the kill lands mid-generation.
    window.set_task("rewrite")
    window.input.setPlainText(TEXT * 6)
    with qtbot.waitSignal(app.window.job_failed, timeout=180_000):
        with qtbot.waitSignal(app.window.text_received, timeout=180_000):
            window.run_task()
        pid = app.engine.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
    assert "The engine stopped" in window.banner.text()
    assert window.input.toPlainText() == TEXT * 6
    window.set_task("summarize")
    with qtbot.waitSignal(app.window.answer_ready, timeout=180_000):
        window.run_task()
    # The problem stays until the user dismisses it, beside any that came after.
    assert "The engine stopped" in window.banner.text()
    window.banner.clear()
    assert not window.banner.isVisible()


def test_warm_up_starts_the_engine_and_loads_the_chosen_model(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    app.window.use_model(tiny_model)
    app.warm_up()
    qtbot.waitUntil(lambda: app.engine.loaded is not None, timeout=180_000)
    assert app.engine.loaded is not None
    assert app.engine.loaded.model_path == str(tiny_model)


def test_warm_up_problem_is_shown_without_a_job(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model")
    app.window.use_model(bad)
    app.warm_up()
    qtbot.waitUntil(app.window.banner.isVisible, timeout=180_000)
    assert "broken.gguf" in app.window.banner.text()
    assert app.window.run_button.isEnabled()


def test_about_names_the_version(app: HearthApp) -> None:
    from hearth.core.version import app_version

    assert app.window.about_action.text()
    assert app_version() in app.window.about_text()
