"""One engine per desktop process: the window the tray (or `hearth quick`) opens for "Open in
Hearth" runs on the session's engine, assistant and worker thread; the popup's and the window's
requests both answer on that one engine host, one at a time; the window outlives the popup and
says when it closes (what keeps `hearth quick` running).

The real session, popup, window and engine host on a generated model (offscreen).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.answer import Answer
from hearth.core.paths import Paths
from hearth.core.settings import SettingsStore
from hearth.gui.desktop.paste import PasteTarget
from hearth.gui.desktop.quick_session import QuickSession
from hearth.gui.desktop.quick_tasks import QUICK_TASKS
from hearth.gui.desktop.selection import Selection

TEXT = "The meeting moved to Thursday; please tell the others before noon."
WAIT_MS = 180_000

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").splitlines()


@pytest.fixture
def session(hearth_home: Path, tiny_model: Path) -> Iterator[QuickSession]:
    paths = Paths.from_environment()
    store = SettingsStore(paths.settings_file)
    store.save(store.load().settings.replace(model=str(tiny_model), threads=1, context_size=1024))
    quick = QuickSession(paths)
    yield quick
    quick.shutdown()


def test_open_in_hearth_builds_the_window_on_the_popups_engine(
    session: QuickSession, qtbot: QtBot
) -> None:
    popup = session.popup(Selection(TEXT, "primary"), PasteTarget())
    qtbot.addWidget(popup)
    popup.show_near()
    with qtbot.waitSignal(popup.finished, timeout=WAIT_MS) as done:
        popup.run(QUICK_TASKS["concise"])
    assert isinstance(done.args[0], Answer)
    host = session.engine.pid
    assert host is not None

    closed: list[bool] = []
    popup.closed.connect(lambda: closed.append(session.window_open))
    popup.open_button.click()
    app = session.app
    assert app is not None
    qtbot.addWidget(app.window)
    assert closed == [True]  # the popup closed as the window opened: hearth quick stays
    assert app.engine is session.engine
    assert app.assistant is session.assistant
    assert app.worker.thread() is session.worker.thread()  # one thread calls the assistant
    # The answer, to go on with (the editor keeps one kind of line end).
    assert _lines(app.window.input.toPlainText()) == _lines(done.args[0].text)

    # The window's request runs on the same engine host, with the model already loaded.
    # (On text: the generated model's answer reads as binary data.)
    app.window.input.replace_text(TEXT)
    app.window.set_task("rewrite")
    with qtbot.waitSignal(app.window.answer_ready, timeout=WAIT_MS):
        app.window.run_task()
    assert session.engine.pid == host

    # Opening again (the tray's "Open Hearth") shows the same window, its text kept.
    session.open_in_hearth("")
    assert session.app is app
    assert app.window.input.toPlainText() == TEXT

    with qtbot.waitSignal(session.window_closed, timeout=WAIT_MS):
        app.window.close()
    assert not session.window_open


def test_the_popup_and_the_window_asking_at_once_are_answered_one_after_the_other(
    session: QuickSession, qtbot: QtBot
) -> None:
    session.open_in_hearth(TEXT)
    app = session.app
    assert app is not None
    qtbot.addWidget(app.window)
    popup = session.popup(Selection(TEXT, "primary"), PasteTarget())
    qtbot.addWidget(popup)
    popup.show_near()
    app.window.set_task("summarize")
    with (
        qtbot.waitSignal(app.window.answer_ready, timeout=WAIT_MS) as window_done,
        qtbot.waitSignal(popup.finished, timeout=WAIT_MS) as popup_done,
    ):
        app.window.run_task()
        popup.run(QUICK_TASKS["proofread"])
    # Interleaved on one engine client they would have mixed up its replies or failed.
    assert isinstance(window_done.args[0], Answer)
    assert isinstance(popup_done.args[0], Answer)
    assert popup_done.args[0].task == "rewrite"
    assert window_done.args[0].task == "summarize"
    popup.close()
    app.window.close()


def test_settings_saved_in_the_window_reach_the_session(
    session: QuickSession, qtbot: QtBot
) -> None:
    session.open_in_hearth("")
    app = session.app
    assert app is not None
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(session.settings_changed) as changed:
        app.window.apply_settings(app.window.current_settings().replace(hotkey="Ctrl+Shift+K"))
    assert changed.args[0].hotkey == "Ctrl+Shift+K"
    assert session.settings().hotkey == "Ctrl+Shift+K"  # what the next request reads
    app.window.close()
