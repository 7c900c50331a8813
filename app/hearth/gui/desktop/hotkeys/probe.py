"""Whether a hotkey could be registered now: what the settings dialog asks before saving one.

Only backends that can say so without side effects are asked: the X11 grab (another client
holds the combination) and Windows' RegisterHotKey. The portal is not: binding a shortcut
there opens the desktop's own dialog, which also resolves conflicts itself. A binding the
running tray holds already is Hearth's own, not a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hearth.gui.desktop.hotkeys import backend_name, make_backend
from hearth.gui.desktop.hotkeys.backend import HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.hotkeys.status_file import running_tray_status, status_path

PROBED_BACKENDS = ("x11", "windows")


def probe(
    binding: Binding, data_dir: Path | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """None when `binding` can be registered (or this desktop cannot tell), else why not."""
    if data_dir is not None:
        running = running_tray_status(status_path(data_dir))
        if (
            running is not None
            and running.get("registered")
            and running.get("binding") == str(binding)
        ):
            return None
    try:
        name = backend_name(environ)
    except HotkeyUnavailable:
        return None  # no backend here at all: the tray says so when it starts
    if name not in PROBED_BACKENDS:
        return None
    backend = make_backend(binding, name)
    try:
        backend.start(lambda: None)
    except HotkeyUnavailable as exc:
        return exc.message
    backend.stop()
    return None
