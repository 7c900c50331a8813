"""The first words of an answer go on screen as they arrive; the rest is painted in batches.

Tokens reach the window as the engine worker sends them: its `text_arrived` signal, queued to
the GUI thread. What the answer view shows is read at the moment the window has handled each
one (its `text_received`), before any later turn of the event loop could paint."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp


def test_first_visible_words_are_painted_at_once_and_the_rest_batched(
    app: HearthApp, qtbot: QtBot
) -> None:
    window = app.window
    shown: list[str] = []
    window.text_received.connect(lambda: shown.append(window.output.toPlainText()))
    window.begin_stream()
    for token in ("\n", "Hello", " world"):
        with qtbot.waitSignal(window.text_received, timeout=5_000):
            app.worker.text_arrived.emit(token)
    # Leading blank text is not a first word: painting goes on until words are visible.
    assert shown == ["", "Hello", "Hello"]
    # The next words wait for the paint timer, which does show them.
    qtbot.waitUntil(lambda: window.output.toPlainText() == "Hello world", timeout=5_000)
