"""Windows: `RegisterHotKey` with MOD_NOREPEAT, and a message loop on a thread of its own.

RegisterHotKey binds the hotkey to the calling thread, whose message queue then receives
WM_HOTKEY; so registration, the loop and unregistration all happen on that one thread. Stopping
posts WM_QUIT to it. Nothing here runs at import time, so the module imports on any platform.
(Not run on Windows by the project's CI; written against the Win32 documentation.)
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from ctypes import wintypes
from typing import Any

from hearth.gui.desktop.hotkeys.backend import HotkeyConflict, HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_HOTKEY, WM_QUIT = 0x0312, 0x0012
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
HOTKEY_ID = 0x4845  # any number unique within this thread
_MODIFIERS = {"alt": MOD_ALT, "ctrl": MOD_CONTROL, "shift": MOD_SHIFT, "super": MOD_WIN}
_KEYS = {
    "space": 0x20,
    "Return": 0x0D,
    "Tab": 0x09,
    "Escape": 0x1B,
    "Insert": 0x2D,
    "Pause": 0x13,
}

# A plain flag: mypy checks this module as Linux and would call the code below unreachable.
_ON_WINDOWS: bool = sys.platform == "win32"


def virtual_key(key: str) -> int:
    """The Windows virtual-key code of a binding's key."""
    if key in _KEYS:
        return _KEYS[key]
    if len(key) == 1 and key.isascii() and key.isalnum():
        return ord(key.upper())  # VK_A..VK_Z and VK_0..VK_9 are their ASCII codes
    if key.startswith("F") and key[1:].isdigit():
        return 0x70 + int(key[1:]) - 1  # VK_F1 = 0x70
    raise HotkeyUnavailable(f"The key {key} cannot be used for a hotkey on Windows.")


class WindowsHotkey:
    name = "windows"

    def __init__(self, binding: Binding) -> None:
        self.binding = binding
        self._thread: threading.Thread | None = None
        self._thread_id = 0
        self._ready = threading.Event()
        self._problem: HotkeyUnavailable | None = None

    def start(self, on_press: Callable[[], None]) -> None:
        if not _ON_WINDOWS:
            raise HotkeyUnavailable("The Windows hotkey backend runs only on Windows.")
        modifiers = MOD_NOREPEAT
        for mod in self.binding.modifiers:
            modifiers |= _MODIFIERS[mod]
        vk = virtual_key(self.binding.key)
        self._ready.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(modifiers, vk, on_press), name="hotkey-windows", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._problem is not None:
            self._thread.join()
            self._thread = None
            raise self._problem

    def stop(self) -> None:
        if self._thread is None:
            return
        user32 = _user32()
        user32.PostThreadMessageW(self._thread_id, WM_QUIT, 0, 0)
        self._thread.join()
        self._thread = None

    def _loop(self, modifiers: int, vk: int, on_press: Callable[[], None]) -> None:
        user32 = _user32()
        kernel32 = _kernel32()
        self._thread_id = kernel32.GetCurrentThreadId()
        if not user32.RegisterHotKey(None, HOTKEY_ID, modifiers, vk):
            code = int(getattr(ctypes, "get_last_error")())  # noqa: B009 - Windows only
            if code == ERROR_HOTKEY_ALREADY_REGISTERED:
                self._problem = HotkeyConflict(
                    f"{self.binding} is already taken by another application; choose another "
                    "hotkey in the settings."
                )
            else:
                self._problem = HotkeyUnavailable(
                    f"Windows refused the hotkey {self.binding} (error {code})."
                )
            self._ready.set()
            return
        self._ready.set()
        msg = wintypes.MSG()
        try:
            # GetMessageW returns 0 on WM_QUIT and -1 on failure: both end the loop.
            while user32.GetMessageW(ctypes.byref(msg), None, 0, 0) > 0:
                if msg.message == WM_HOTKEY and msg.wParam == HOTKEY_ID:
                    on_press()
        finally:
            user32.UnregisterHotKey(None, HOTKEY_ID)


def _user32() -> Any:
    # getattr: ctypes.WinDLL exists only on Windows, and this module must import everywhere.
    dll = getattr(ctypes, "WinDLL")("user32", use_last_error=True)  # noqa: B009
    dll.RegisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT]
    dll.RegisterHotKey.restype = wintypes.BOOL
    dll.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
    dll.GetMessageW.argtypes = [
        ctypes.POINTER(wintypes.MSG),
        wintypes.HWND,
        wintypes.UINT,
        wintypes.UINT,
    ]
    dll.GetMessageW.restype = wintypes.BOOL
    dll.PostThreadMessageW.argtypes = [
        wintypes.DWORD,
        wintypes.UINT,
        wintypes.WPARAM,
        wintypes.LPARAM,
    ]
    return dll


def _kernel32() -> Any:
    return getattr(ctypes, "WinDLL")("kernel32", use_last_error=True)  # noqa: B009
