"""hearth.crash_log: an unexpected exception is logged and told to the user, with the log's path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import threading
    from hearth import crash_log
    crash_log.install()
    thread = threading.Thread(target=lambda: 1 / 0, name="worker")
    thread.start()
    thread.join()
    raise RuntimeError("the disk ate my homework")
    """
)


def test_uncaught_exceptions_are_logged_and_shown(hearth_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    log = hearth_home / "logs" / "hearth.log"
    assert result.returncode == 1
    assert "Hearth stopped on an unexpected error: RuntimeError: the disk ate my homework" in (
        result.stderr
    )
    assert f"Details are in the log: {log}" in result.stderr
    assert "ZeroDivisionError" in result.stderr  # the worker thread's error too
    text = log.read_text(encoding="utf-8")
    assert "started:" in text
    assert "uncaught exception in thread worker" in text
    assert "Traceback" in text
    assert "RuntimeError: the disk ate my homework" in text
