"""Before Qt starts: are the system libraries of Qt's X11 (xcb) platform installed?

Without them Qt prints "Could not load the Qt platform plugin xcb" and aborts the process, and
a newcomer on a fresh Debian or Ubuntu learns nothing of what to install. This check is Qt-free
and runs before PySide6 is imported, so the user gets one `error:` line naming the packages.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hearth.core.errors import HearthError

# Tests (and a user checking a fix) can name the libraries to look for instead.
LIBRARIES_ENV = "HEARTH_XCB_LIBRARIES"


@dataclass(frozen=True)
class SystemLibrary:
    name: str  # as ctypes.util.find_library takes it: "xcb-cursor" for libxcb-cursor.so.0
    debian: str  # the Debian/Ubuntu package
    fedora: str  # the Fedora package


# What PySide6's libqxcb.so and libQt6XcbQpa.so.6 need beyond a base X11 install (ldd on a
# fresh Debian 12 with an X server; see the field notes).
XCB_LIBRARIES = (
    SystemLibrary("xcb-cursor", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("xcb-icccm", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("xcb-keysyms", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("xkbcommon-x11", "libxkbcommon-x11-0", "libxkbcommon-x11"),
)


class DisplayLibrariesMissing(HearthError):
    """Qt's X11 platform cannot load: system libraries are missing."""


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will open its xcb platform: Linux, an X display, and no other platform
    chosen (on a Wayland session Qt takes its Wayland platform first)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def _wanted(environ: Mapping[str, str]) -> tuple[SystemLibrary, ...]:
    override = environ.get(LIBRARIES_ENV)
    if override is None:
        return XCB_LIBRARIES
    known = {lib.name: lib for lib in XCB_LIBRARIES}
    names = [n.strip() for n in override.split(",") if n.strip()]
    return tuple(known.get(n, SystemLibrary(n, f"lib{n}", f"lib{n}")) for n in names)


def missing_libraries(
    environ: Mapping[str, str] | None = None,
    find: Callable[[str], str | None] = ctypes.util.find_library,
) -> tuple[SystemLibrary, ...]:
    env = os.environ if environ is None else environ
    return tuple(lib for lib in _wanted(env) if find(lib.name) is None)


def missing_message(missing: tuple[SystemLibrary, ...]) -> str:
    debian = " ".join(lib.debian for lib in missing)
    fedora = " ".join(lib.fedora for lib in missing)
    names = ", ".join(f"lib{lib.name}" for lib in missing)
    return (
        f"The desktop app cannot open on this X display: Qt's X11 platform needs {names}, "
        f"which {'is' if len(missing) == 1 else 'are'} not installed. Install "
        f"{'it' if len(missing) == 1 else 'them'} (Debian/Ubuntu: sudo apt install {debian}; "
        f"Fedora: sudo dnf install {fedora}), or on a Wayland session run with "
        "QT_QPA_PLATFORM=wayland."
    )


def check_display_libraries(environ: Mapping[str, str] | None = None) -> None:
    """Raise `DisplayLibrariesMissing` when Qt would abort for want of xcb libraries."""
    env = os.environ if environ is None else environ
    if not uses_xcb(env):
        return
    missing = missing_libraries(env)
    if missing:
        raise DisplayLibrariesMissing(missing_message(missing))
