"""A global hotkey as the user writes it ("Ctrl+Alt+Space"), parsed once for every backend."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.core.errors import UsageError

DEFAULT_BINDING = "Ctrl+Alt+Space"

# Spelling accepted -> the canonical modifier name.
_MODIFIERS = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "alt": "alt",
    "shift": "shift",
    "super": "super",
    "meta": "super",
    "win": "super",
    "logo": "super",
    "cmd": "super",
}
_ORDER = ("ctrl", "alt", "shift", "super")
# Key names people write -> X keysym names (which the portal's trigger format also uses).
_KEY_ALIASES = {
    "space": "space",
    "enter": "Return",
    "return": "Return",
    "tab": "Tab",
    "esc": "Escape",
    "escape": "Escape",
    "insert": "Insert",
    "ins": "Insert",
    "pause": "Pause",
}


@dataclass(frozen=True)
class Binding:
    modifiers: frozenset[str]  # of "ctrl", "alt", "shift", "super"
    key: str  # an X keysym name: "space", "h", "F8", "Return"

    @classmethod
    def parse(cls, text: str) -> Binding:
        parts = [p.strip() for p in text.replace("-", "+").split("+")]
        if not text.strip() or any(not p for p in parts):
            raise UsageError(f"'{text}' is not a hotkey; write it like {DEFAULT_BINDING}.")
        *mods, key = parts
        modifiers = set()
        for mod in mods:
            name = _MODIFIERS.get(mod.lower())
            if name is None:
                raise UsageError(
                    f"'{mod}' in the hotkey '{text}' is not a modifier; use Ctrl, Alt, Shift "
                    "or Super."
                )
            modifiers.add(name)
        if not modifiers:
            # A bare key grabbed globally would be taken from every application.
            raise UsageError(f"The hotkey '{text}' needs a modifier (Ctrl, Alt, Shift or Super).")
        return cls(frozenset(modifiers), _key_name(key, text))

    def __str__(self) -> str:
        mods = [m.capitalize() for m in _ORDER if m in self.modifiers]
        key = self.key.upper() if len(self.key) == 1 else self.key.capitalize()
        if self.key.startswith("F") and self.key[1:].isdigit():
            key = self.key
        return "+".join([*mods, key])

    def portal_trigger(self) -> str:
        """The XDG shortcuts format the GlobalShortcuts portal takes ("CTRL+ALT+space")."""
        names = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "super": "LOGO"}
        return "+".join([*(names[m] for m in _ORDER if m in self.modifiers), self.key])

    def xdotool_keys(self) -> str:
        """As xdotool's `key` takes it (tests, and the fallback instructions)."""
        return "+".join([*(m for m in _ORDER if m in self.modifiers), self.key])


def _key_name(key: str, text: str) -> str:
    lowered = key.lower()
    if lowered in _KEY_ALIASES:
        return _KEY_ALIASES[lowered]
    if len(key) == 1 and key.isprintable() and not key.isspace():
        return key.lower()
    if lowered.startswith("f") and lowered[1:].isdigit() and 1 <= int(lowered[1:]) <= 24:
        return f"F{int(lowered[1:])}"
    raise UsageError(
        f"'{key}' in the hotkey '{text}' is not a key Hearth can bind; use a letter, a digit, "
        "Space, F1 to F24, Insert or Pause."
    )
