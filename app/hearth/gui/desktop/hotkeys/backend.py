"""What every hotkey backend offers, whatever the platform: register, call back, unregister.

A backend calls `on_press` on a thread of its own; the Qt side hands it to the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from hearth.core.errors import HearthError
from hearth.gui.desktop.hotkeys.binding import Binding


class HotkeyUnavailable(HearthError):
    """The hotkey could not be registered: no backend for this desktop, or the backend said no."""


class HotkeyConflict(HotkeyUnavailable):
    """Another application holds the same key combination."""


class HotkeyBackend(Protocol):
    name: str  # "x11" | "portal" | "windows"
    binding: Binding

    def start(self, on_press: Callable[[], None]) -> None:
        """Register and start listening; raises `HotkeyUnavailable` (or `HotkeyConflict`)."""

    def stop(self) -> None:
        """Unregister and end the listening thread; safe to call twice or before start."""


@dataclass(frozen=True)
class HotkeyStatus:
    """What `hearth doctor --json` shows as `hotkey`, and what the tray logs at start."""

    binding: str
    backend: str | None  # None: no backend for this desktop
    registered: bool
    problem: str | None = None
    trigger: str | None = None  # the portal's own description of the trigger it assigned

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "binding": self.binding,
            "backend": self.backend,
            "registered": self.registered,
        }
        if self.problem:
            data["problem"] = self.problem
        if self.trigger:
            data["trigger"] = self.trigger
        return data
