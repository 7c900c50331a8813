"""The app's warm-up loads what the current task's request will need, the LoRA adapter attached
to the model for that task included, and loads again when the user picks another task: the
request then finds everything loaded (on the real engine, with a generated model and adapter).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from pytestqt.qtbot import QtBot

from hearth.core.engine.types import LoadInfo
from hearth.core.models.library import ModelLibrary
from hearth.core.paths import Paths
from hearth.core.settings import Settings, SettingsStore
from hearth.gui.app import HearthApp
from tests.core.models.conftest import write_lora


class Loads(QObject):
    """What the worker reported loaded, received on the GUI thread (as the window does)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[LoadInfo] = []

    @Slot(object)
    def add(self, info: LoadInfo) -> None:
        self.seen.append(info)


def test_the_warm_up_loads_the_current_tasks_adapter_so_its_request_loads_nothing(
    qtbot: QtBot, hearth_home: Path, tiny_model: Path, tmp_path: Path
) -> None:
    paths = Paths.from_environment()
    library = ModelLibrary.for_paths(paths)
    base = library.import_file(tiny_model, copy=False).entry
    adapter = library.import_file(write_lora(tmp_path / "style.gguf"), copy=False).entry
    library.attach("rewrite", base.id, adapter.id, scale=0.5)
    SettingsStore(paths.settings_file).save(
        Settings(model=str(base.file), context_size=512, threads=1)
    )
    app = HearthApp(paths)
    window = app.window
    qtbot.addWidget(window)
    loads = Loads()
    app.worker.loaded.connect(loads.add, Qt.ConnectionType.QueuedConnection)
    try:
        window.show()
        assert window.current_task() == "summarize"
        app.warm_up()
        qtbot.waitUntil(lambda: len(loads.seen) == 1, timeout=60_000)
        assert loads.seen[0].lora_path is None  # summarize has no adapter
        window.set_task("rewrite")
        qtbot.waitUntil(lambda: len(loads.seen) == 2, timeout=60_000)
        assert loads.seen[1].lora_path == str(adapter.file)
        host = app.engine.pid
        assert host is not None
        window.input.setPlainText("Fix this sentense, please.")
        with qtbot.waitSignal(window.answer_ready, timeout=60_000) as answered:
            window.run_task()
        assert answered.args[0].route == "local"
        # Loaded before Run: the same engine host, the adapter still on.
        assert app.engine.pid == host
        assert app.assistant.loaded is not None
        assert app.assistant.loaded.lora_path == str(adapter.file)
    finally:
        app.shutdown()
