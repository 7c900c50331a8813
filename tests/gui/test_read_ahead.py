"""A pause in typing reads the text into the model's cache (the real engine, a generated
model): Run then starts from the cache, and the answer is the one it gives without."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from pytestqt.qtbot import QtBot

from hearth.core.engine.kernels import TILED_FROM_TOKENS
from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.gui.app import HearthApp
from tests.quantized_model import tiny_q4_model

__all__ = ["tiny_q4_model"]


class Seen(QObject):
    """What the worker reported, received on the GUI thread (as the window does)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[object] = []

    @Slot(object)
    def add(self, value: object) -> None:
        self.values.append(value)


TEXT = "Their going to the libary tomorow to returne the books they borrowed last week."


def test_a_pause_in_typing_reads_the_text_ahead_and_run_starts_from_it(
    qtbot: QtBot, hearth_home: Path, tiny_q4_model: Path
) -> None:
    paths = Paths.from_environment()
    SettingsStore(paths.settings_file).save(
        Settings(model=str(tiny_q4_model), context_size=1024, threads=1)
    )
    app = HearthApp(paths)
    window = app.window
    qtbot.addWidget(window)
    loads, reads = Seen(), Seen()
    queued = Qt.ConnectionType.QueuedConnection
    app.worker.loaded.connect(loads.add, queued)
    app.worker.read_ahead_done.connect(reads.add, queued)
    try:
        window.show()
        window.set_task("rewrite")  # proofread: greedy, the same answer every time
        app.warm_up()
        qtbot.waitUntil(lambda: len(loads.values) == 1, timeout=60_000)
        with qtbot.waitSignal(window.answer_ready, timeout=60_000) as cold:
            window.input.setPlainText(TEXT)
            window.run_task()  # at once: nothing was read ahead
        with qtbot.waitSignal(window.answer_ready, timeout=60_000):
            window.input.setPlainText("Something else entirely, to push the text out.")
            window.run_task()
        expected = cold.args[0].timings.prompt_tokens - TILED_FROM_TOKENS
        window.input.setPlainText(TEXT)  # then the user pauses
        qtbot.waitUntil(lambda: expected in reads.values, timeout=60_000)
        with qtbot.waitSignal(window.answer_ready, timeout=60_000) as warm:
            window.run_task()
        assert warm.args[0].timings.cached_prompt_tokens == expected
        assert warm.args[0].output == cold.args[0].output
    finally:
        app.shutdown()
