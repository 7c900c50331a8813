"""An attached LoRA adapter is loaded with its base model for its task, and only for it."""

from __future__ import annotations

from pathlib import Path

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.models.library import ModelLibrary, adapter_lookup
from hearth.core.paths import Paths
from hearth.core.settings import Settings
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.runner import TaskRunner
from tests.core.models.conftest import write_lora


def test_adapter_is_applied_for_its_task_only(tiny_model: Path, tmp_path: Path) -> None:
    paths = Paths.from_environment()
    library = ModelLibrary.for_paths(paths)
    base = library.import_file(tiny_model, copy=False).entry
    adapter_file = write_lora(tmp_path / "style.gguf")
    adapter = library.import_file(adapter_file, copy=False).entry
    library.attach("rewrite", base.id, adapter.id, scale=0.5)

    settings = Settings(context_size=512)
    with EngineClient(host_command(), log_dir=paths.log_dir) as engine:
        runner = TaskRunner(engine, adapters=adapter_lookup(library))
        tasks = task_catalog()
        rewritten = runner.run(tasks["rewrite"], "Fix this sentense.", {}, base.file, settings)
        assert rewritten.load.lora_path == str(adapter.file)
        summary = runner.run(tasks["summarize"], "A short note.", {}, base.file, settings)
        assert summary.load.lora_path is None
