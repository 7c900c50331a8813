"""X11 input for Replace: who had the focus, giving it back, and a paste keystroke that works
on every keyboard layout.

A paste is Ctrl plus the key whose symbol is `v` in the layout in effect. On a Russian, Greek
or Arabic layout no key gives `v` in the active group, so a spare keycode is bound to `v` for
the length of the keystroke (as xdotool does) and the mapping restored: the application sees
Ctrl+v, pastes, and types no letter. Sent with XTest, so it reaches the focused window as a
real keystroke would.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from typing import Any

from Xlib import XK, X, Xatom, error
from Xlib.display import Display
from Xlib.ext import xtest
from Xlib.protocol import event

_XKB_USE_CORE_KBD = 0x0100
_MODIFIER_KEYSYMS = (
    "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Meta_L", "Meta_R",
    "Super_L", "Super_R", "ISO_Level3_Shift",
)  # fmt: skip


class X11Input:
    """One connection to the X server for focus and keystrokes; close() it when done."""

    def __init__(self, display_name: str | None = None) -> None:
        self.display = Display(display_name)
        self._display_name = display_name
        self._borrowed = 0  # a spare keycode bound to a keysym for a keystroke

    def close(self) -> None:
        self.restore_keymap()
        self.display.close()

    # -- focus ------------------------------------------------------------------------------

    def focused_window(self) -> int:
        """The window with the keyboard focus now (the application the user selected in)."""
        active = self._active_window()
        if active:
            return active
        focus = self.display.get_input_focus().focus
        return int(focus.id) if hasattr(focus, "id") else 0

    def _active_window(self) -> int:
        root = self.display.screen().root
        atom = self.display.intern_atom("_NET_ACTIVE_WINDOW")
        prop = root.get_full_property(atom, Xatom.WINDOW)
        return int(prop.value[0]) if prop is not None and len(prop.value) else 0

    def give_focus(self, window: int, timeout_s: float = 1.0) -> bool:
        """Give the focus back to `window`: through the window manager where there is one
        (it raises the window too), else directly. Whether the focus got there in time."""
        if not window:
            return False
        target = self.display.create_resource_object("window", window)
        root = self.display.screen().root
        if self._active_window():
            # EWMH: source 2 = a pager/tool acting for the user, so the WM does not refuse it.
            message = event.ClientMessage(
                window=target,
                client_type=self.display.intern_atom("_NET_ACTIVE_WINDOW"),
                data=(32, [2, X.CurrentTime, 0, 0, 0]),
            )
            mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
            root.send_event(message, event_mask=mask)
        try:
            target.set_input_focus(X.RevertToParent, X.CurrentTime)
            self.display.sync()
        except error.XError:
            return False
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._has_focus(window):
                return True
            time.sleep(0.01)  # the WM maps and focuses asynchronously
        return self._has_focus(window)

    def _has_focus(self, window: int) -> bool:
        focus = self.display.get_input_focus().focus
        focused = int(focus.id) if hasattr(focus, "id") else 0
        return focused == window or self._active_window() == window

    def clipboard_owner(self) -> int:
        owner = self.display.get_selection_owner(self.display.intern_atom("CLIPBOARD"))
        return int(owner.id) if hasattr(owner, "id") else 0

    # -- keystrokes -------------------------------------------------------------------------

    def wait_for_modifiers_released(self, timeout_s: float = 2.0) -> bool:
        """The hotkey's own Ctrl/Alt may still be down; a paste sent now would be Ctrl+Alt+V."""
        keycodes = {
            self.display.keysym_to_keycode(XK.string_to_keysym(n)) for n in _MODIFIER_KEYSYMS
        } - {0}
        deadline = time.monotonic() + timeout_s
        while True:
            keys = self.display.query_keymap()
            if not any(keys[k // 8] & (1 << (k % 8)) for k in keycodes):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def send_paste(self) -> None:
        """Ctrl+V, with the `v` of the layout in effect. A spare keycode bound for it stays
        bound until `restore_keymap`: an application reads the keymap from the server when
        it hears of the change, and must still find `v` there when it gets to the keystroke."""
        control = self.display.keysym_to_keycode(XK.XK_Control_L)
        keycode = self._keycode_in_group(XK.XK_v, current_group(self._display_name))
        if not keycode:
            keycode = self._spare_keycode()
            self.display.change_keyboard_mapping(keycode, [(XK.XK_v, XK.XK_v)])
            self.display.sync()
            self._borrowed = keycode
        for kind, code in (
            (X.KeyPress, control),
            (X.KeyPress, keycode),
            (X.KeyRelease, keycode),
            (X.KeyRelease, control),
        ):
            xtest.fake_input(self.display, kind, code)
        self.display.sync()

    def restore_keymap(self) -> None:
        if self._borrowed:
            self.display.change_keyboard_mapping(self._borrowed, [(X.NoSymbol, X.NoSymbol)])
            self.display.sync()
            self._borrowed = 0

    def _keycode_in_group(self, keysym: int, group: int) -> int:
        """The keycode that gives `keysym` unshifted in layout group `group`, or 0."""
        first = self.display.display.info.min_keycode
        count = self.display.display.info.max_keycode - first + 1
        for offset, syms in enumerate(self.display.get_keyboard_mapping(first, count)):
            # The core keymap lists group 1 in columns 0-1 and group 2 in columns 2-3.
            column = 2 * group
            if column < len(syms) and syms[column] == keysym:
                return int(first + offset)
        return 0

    def _spare_keycode(self) -> int:
        first = self.display.display.info.min_keycode
        count = self.display.display.info.max_keycode - first + 1
        mapping = self.display.get_keyboard_mapping(first, count)
        for offset in range(len(mapping) - 1, -1, -1):  # from the top: rarely real keys
            if not any(mapping[offset]):
                return int(first + offset)
        return int(self.display.display.info.max_keycode)


def current_group(display_name: str | None) -> int:
    """The XKB layout group in effect (0 = the first layout), through libX11's XkbGetState;
    python-xlib has no XKB. 0 when libX11 cannot be asked."""
    path = ctypes.util.find_library("X11")
    if path is None:
        return 0
    lib: Any = ctypes.CDLL(path)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XkbGetState.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    handle = lib.XOpenDisplay(display_name.encode() if display_name else None)
    if not handle:
        return 0
    try:
        state = (ctypes.c_ubyte * 32)()  # XkbStateRec; its first byte is the effective group
        if lib.XkbGetState(handle, _XKB_USE_CORE_KBD, state) != 0:
            return 0
        return int(state[0])
    finally:
        lib.XCloseDisplay(handle)
