"""Where the running tray says which hotkey it registered, for `hearth doctor` to report.

The tray writes it at start and removes it at exit; a file left by a tray that died is
recognised by its process id and ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hearth.core.files.atomic_write import write_atomically
from hearth.gui.desktop.hotkeys.backend import HotkeyStatus

FILE_NAME = "tray-hotkey.json"


def status_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def write_status(path: Path, status: HotkeyStatus) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"pid": os.getpid(), **status.to_json()}
    write_atomically(path, json.dumps(data, ensure_ascii=False).encode())


def remove_status(path: Path) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def running_tray_status(path: Path) -> dict[str, Any] | None:
    """The hotkey of the tray running now, or None when none runs."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pid = int(data.pop("pid"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not _alive(pid):
        return None
    return dict(data)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
