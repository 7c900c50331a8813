"""Global hotkeys: one backend per platform behind one interface (`backend.HotkeyBackend`).

X11 grabs the key itself (x11.py); on Wayland only the compositor can, through the
xdg-desktop-portal (portal.py); Windows has RegisterHotKey (windows.py). macOS has no backend
yet: docs/desktop.md says how it would be built (an event tap needs the Accessibility
permission) and what to use meanwhile (a Services shortcut that runs `hearth quick`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from hearth.gui.desktop.hotkeys.backend import HotkeyBackend, HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding

# Forces one backend ("x11" | "portal"): for tests, and for a desktop that is detected wrongly.
BACKEND_ENV = "HEARTH_HOTKEY_BACKEND"


def backend_name(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> str:
    """The backend this desktop gets; raises `HotkeyUnavailable` when it has none."""
    env = os.environ if environ is None else environ
    forced = env.get(BACKEND_ENV, "").strip()
    if forced:
        if forced not in ("x11", "portal", "windows"):
            raise HotkeyUnavailable(f"{BACKEND_ENV}={forced} is not x11, portal or windows.")
        return forced
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        raise HotkeyUnavailable(
            "Hearth has no global hotkey on macOS yet. Bind a keyboard shortcut to the command "
            "'hearth quick' (System Settings ▸ Keyboard ▸ Shortcuts ▸ Services, through a "
            "Shortcuts or Automator action)."
        )
    # On Wayland an X11 grab would see keys only while an XWayland window has the focus.
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "portal"
    if env.get("DISPLAY"):
        return "x11"
    raise HotkeyUnavailable("No display: a global hotkey needs a desktop session.")


def make_backend(binding: Binding, name: str) -> HotkeyBackend:
    if name == "x11":
        from hearth.gui.desktop.hotkeys.x11 import X11Hotkey

        return X11Hotkey(binding)
    if name == "portal":
        from hearth.gui.desktop.hotkeys.portal import PortalHotkey

        return PortalHotkey(binding)
    from hearth.gui.desktop.hotkeys.windows import WindowsHotkey

    return WindowsHotkey(binding)


__all__ = ["Binding", "HotkeyBackend", "HotkeyUnavailable", "backend_name", "make_backend"]
