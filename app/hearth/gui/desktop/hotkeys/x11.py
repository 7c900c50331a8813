"""X11: a passive grab of the key combination on the root window, on a thread of its own.

A passive grab is delivered only for the exact modifier state grabbed, so the combination is
grabbed once for every state of the locking modifiers (CapsLock, NumLock, ScrollLock): the
hotkey then works whatever lamps are lit. The keycode is looked up in the keymap in effect and
grabbed again when the keymap changes (MappingNotify: another layout, setxkbmap).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import threading
from collections.abc import Callable
from typing import Any

from Xlib import XK, X, error
from Xlib.display import Display

from hearth.gui.desktop.hotkeys.backend import HotkeyConflict, HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding

_MASKS = {"ctrl": X.ControlMask, "shift": X.ShiftMask}
# Alt and Super live on whichever ModN the keymap puts them (usually Mod1 and Mod4).
_MOD_KEYSYMS = {
    "alt": ("Alt_L", "Alt_R", "Meta_L", "Meta_R"),
    "super": ("Super_L", "Super_R", "Hyper_L"),
}
_LOCK_KEYSYMS = ("Num_Lock", "Scroll_Lock")
_MOD_BITS = (X.Mod1Mask, X.Mod2Mask, X.Mod3Mask, X.Mod4Mask, X.Mod5Mask)


class X11Hotkey:
    name = "x11"

    def __init__(self, binding: Binding, display_name: str | None = None) -> None:
        self.binding = binding
        self._display_name = display_name
        self._display: Display | None = None
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1
        self._keycode = 0
        self._modifiers = 0
        self._lock_masks: tuple[int, ...] = ()
        self._on_press: Callable[[], None] = lambda: None
        self._last_release = -1

    def start(self, on_press: Callable[[], None]) -> None:
        try:
            self._display = Display(self._display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise HotkeyUnavailable(f"Cannot connect to the X display: {exc}.") from None
        self._on_press = on_press
        try:
            self._grab()
        except HotkeyUnavailable:
            self._display.close()
            self._display = None
            raise
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._listen, name="hotkey-x11", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            os.write(self._wake_w, b"x")
            self._thread.join()
            self._thread = None
            for fd in (self._wake_r, self._wake_w):
                os.close(fd)
        if self._display is not None:
            try:
                self._ungrab()
                self._display.close()
            except (error.ConnectionClosedError, OSError):
                pass  # the X server is gone: so are the grabs
            self._display = None

    # -- grabbing ---------------------------------------------------------------------------

    def _modifier_bits(self, display: Display) -> dict[str, int]:
        """Which ModN mask each named modifier key is on, in the keymap in effect."""
        bits: dict[str, int] = {}
        mapping = display.get_modifier_mapping()
        wanted = {
            XK.string_to_keysym(name): mod
            for mod, names in (*_MOD_KEYSYMS.items(), *((n, (n,)) for n in _LOCK_KEYSYMS))
            for name in names
        }
        for index, keycodes in enumerate(mapping[3:]):
            for keycode in keycodes:
                for column in range(4) if keycode else ():
                    mod = wanted.get(display.keycode_to_keysym(keycode, column))
                    if mod is not None:
                        bits.setdefault(mod, _MOD_BITS[index])
        return bits

    def _grab(self) -> None:
        display = self._display
        assert display is not None
        keysym = XK.string_to_keysym(self.binding.key)
        keycode = display.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            raise HotkeyUnavailable(
                f"The key {self.binding.key} of the hotkey {self.binding} is not on the keyboard "
                "layout in effect; choose another hotkey in the settings."
            )
        bits = self._modifier_bits(display)
        modifiers = 0
        for mod in self.binding.modifiers:
            mask = _MASKS.get(mod) or bits.get(mod)
            if mask is None:
                raise HotkeyUnavailable(
                    f"The keyboard has no {mod.capitalize()} key mapped, so {self.binding} "
                    "cannot be pressed; choose another hotkey in the settings."
                )
            modifiers |= mask
        locks = [X.LockMask, *(bits[k] for k in _LOCK_KEYSYMS if k in bits)]
        lock_masks = {
            sum(combo) for n in range(len(locks) + 1) for combo in itertools.combinations(locks, n)
        }
        root = display.screen().root
        catch = error.CatchError(error.BadAccess)
        for lock in sorted(lock_masks):
            root.grab_key(
                keycode, modifiers | lock, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catch
            )
        display.sync()
        self._keycode, self._modifiers, self._lock_masks = keycode, modifiers, tuple(lock_masks)
        if catch.get_error() is not None:
            self._ungrab()
            raise HotkeyConflict(
                f"{self.binding} is already taken by another application; choose another "
                "hotkey in the settings, or free it there."
            )

    def _ungrab(self) -> None:
        display = self._display
        if display is None or not self._keycode:
            return
        root = display.screen().root
        for lock in self._lock_masks:
            root.ungrab_key(self._keycode, self._modifiers | lock)
        display.sync()
        self._keycode = 0

    # -- listening --------------------------------------------------------------------------

    def _listen(self) -> None:
        display = self._display
        assert display is not None
        while True:
            readable, _, _ = select.select([display.fileno(), self._wake_r], [], [])
            if self._wake_r in readable:
                return
            try:
                while display.pending_events():
                    self._handle(display, display.next_event())
            except error.ConnectionClosedError:
                return  # the X server went away; nothing more will be pressed

    def _handle(self, display: Display, event: Any) -> None:
        if event.type == X.MappingNotify and event.request == X.MappingKeyboard:
            display.refresh_keyboard_mapping(event)
            self._ungrab()
            # A new layout that lacks the key: the grab comes back with one that has it.
            with contextlib.suppress(HotkeyUnavailable):
                self._grab()
        elif event.type == X.KeyRelease and event.detail == self._keycode:
            self._last_release = event.time
        elif event.type == X.KeyPress and event.detail == self._keycode:
            # Auto-repeat sends a release and a press with the same timestamp: one press only.
            if event.time == self._last_release:
                return
            self._on_press()
