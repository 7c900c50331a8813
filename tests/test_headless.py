"""The core runs headless: no Qt, and no llama.cpp in the app process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    from pathlib import Path
    import hearth.core
    # The host process's own modules (pyproject.toml's import-linter ignore list names them).
    host_side = {
        "hearth.core.engine.host",
        "hearth.core.engine.batch_scorer",
        "hearth.core.engine.speculative",
    }
    for module in pkgutil.walk_packages(hearth.core.__path__, "hearth.core."):
        if module.name not in host_side:
            importlib.import_module(module.name)
    import hearth.cli
    from hearth.core.engine.client import EngineClient
    from hearth.core.engine.launcher import host_command
    from hearth.core.settings import Settings
    from hearth.core.tasks.catalog import task_catalog
    from hearth.core.tasks.runner import TaskRunner
    with EngineClient(host_command(), log_dir=Path(sys.argv[2])) as engine:
        outcome = TaskRunner(engine).run(
            task_catalog()["summarize"], "Some text to summarize.", {}, Path(sys.argv[1]),
            Settings(context_size=512),
        )
    assert outcome.result.usage.output_tokens >= 1
    forbidden = ("PySide6", "shiboken6", "llama_cpp")
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
    print("LEAKED:" + ",".join(leaked))
    """
)


def test_core_runs_without_qt_or_llama_cpp_in_process(tiny_model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tiny_model), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "LEAKED:\n" in result.stdout
