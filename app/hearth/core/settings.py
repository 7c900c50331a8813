"""Typed settings, stored as JSON under the config dir and written atomically.

Loading never fails: a damaged file is kept beside the real one as `settings.json.bak`, Hearth
starts with defaults for what it could not read, and the caller gets the problems to show.

No secret is ever a setting: cloud API keys live in the OS keychain (hearth.core.cloud.keys).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from hearth.core.cloud.presets import preset_names
from hearth.core.cloud.url import base_url_problem
from hearth.core.errors import HearthError
from hearth.core.files.atomic_write import write_atomically

SCHEMA_VERSION = 1
CLOUD_POLICIES = ("never", "ask", "auto", "always")
DEFAULT_AUTO_THRESHOLD = 0.7
# Below this a task's own instructions and a few lines of text do not fit (at 128 tokens every
# task failed); the models Hearth runs all handle at least this much.
MIN_CONTEXT = 512

# Fields added after the first release whose defaults mean "not chosen by the user": they are
# written only once they differ from the default. A price table, threshold or timeout the user
# never touched then follows Hearth's defaults as they are revised, instead of being frozen into
# the file; and someone who never sets up a cloud provider keeps a file without cloud clutter.
_WRITTEN_WHEN_CHANGED = frozenset(
    {
        "cloud_preset",
        "cloud_base_url",
        "cloud_model",
        "cloud_task_policies",
        "cloud_auto_threshold",
        "cloud_connect_timeout_s",
        "cloud_read_timeout_s",
        "cloud_prices",
        "redaction_names",
        "hotkey",
        "start_in_tray",
        "popup_tasks",
    }
)


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    # A .gguf path or a model id of the local store; None until the user picks one.
    model: str | None = None
    context_size: int = 4096
    # None: one thread per physical core (see hardware.default_threads).
    threads: int | None = None
    # -1: offload every layer when a GPU backend is available; 0: CPU only.
    gpu_layers: int = -1
    air_gapped: bool = False
    cloud_policy: str = "never"
    keep_history: bool = True
    # Cloud escalation. The provider is a preset name and/or a base URL (a URL overrides the
    # preset's); the key is in the keychain, never here.
    cloud_preset: str | None = None
    cloud_base_url: str | None = None
    cloud_model: str | None = None
    # Task name -> policy, overriding `cloud_policy` for that task.
    cloud_task_policies: dict[str, str] = field(default_factory=dict, hash=False)
    # Auto mode escalates when the local confidence is below this (calibrated per label set).
    cloud_auto_threshold: float = DEFAULT_AUTO_THRESHOLD
    cloud_connect_timeout_s: float = 10.0
    # The longest silence tolerated while waiting for the answer (or its next piece).
    cloud_read_timeout_s: float = 60.0
    # Model -> {"input": USD, "output": USD} per million tokens; adds to and overrides the
    # built-in table of hearth.core.ledger.prices.
    cloud_prices: dict[str, dict[str, float]] = field(default_factory=dict, hash=False)
    # Names (people, clients, projects) replaced by placeholders before anything is sent.
    redaction_names: tuple[str, ...] = ()
    # The desktop popup (issue 15): its global hotkey, whether the tray starts at login, and
    # the quick tasks it shows first (proofread, friendly, professional, concise, summarize,
    # key-points; the others follow).
    hotkey: str = "Ctrl+Alt+Space"
    start_in_tray: bool = False
    popup_tasks: tuple[str, ...] = ()

    def replace(self, **changes: Any) -> Settings:
        updated = dataclasses.replace(self, **changes)
        problems = _validate(dataclasses.asdict(updated))[1]
        if problems:
            raise ValueError("; ".join(problems))
        return dataclasses.replace(
            updated, **{k: _normalise(k, v) for k, v in changes.items() if k in _NORMALISE}
        )

    def to_json(self) -> bytes:
        defaults = Settings()
        data = {
            name: value
            for name, value in dataclasses.asdict(self).items()
            if name not in _WRITTEN_WHEN_CHANGED or value != getattr(defaults, name)
        }
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def _int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _name(value: object, longest: int = 200) -> bool:
    """A short one-line identifier (a model, task or person's name)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= longest
        and value == value.strip()
        and value.isprintable()
    )


def _base_url(value: object) -> bool:
    return value is None or (isinstance(value, str) and base_url_problem(value) is None)


def _task_policies(value: object) -> bool:
    return isinstance(value, dict) and all(
        _name(task) and policy in CLOUD_POLICIES for task, policy in value.items()
    )


def _prices(value: object) -> bool:
    return isinstance(value, dict) and all(
        _name(model)
        and isinstance(price, dict)
        and set(price) == {"input", "output"}
        and all(_number(p) and 0 <= p <= 10_000 for p in price.values())
        for model, price in value.items()
    )


def _names(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) <= 10_000
        and all(_name(name) for name in value)
    )


_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "model": (lambda v: v is None or (isinstance(v, str) and v != ""), "a path or model id"),
    "context_size": (
        lambda v: _int(v) and MIN_CONTEXT <= v <= 1 << 20,
        f"{MIN_CONTEXT} to 1048576 tokens",
    ),
    "threads": (lambda v: v is None or (_int(v) and 1 <= v <= 1024), "null (auto) or 1 to 1024"),
    "gpu_layers": (lambda v: _int(v) and v >= -1, "-1 (auto), 0 or more"),
    "air_gapped": (lambda v: isinstance(v, bool), "true or false"),
    "cloud_policy": (lambda v: v in CLOUD_POLICIES, " | ".join(CLOUD_POLICIES)),
    "keep_history": (lambda v: isinstance(v, bool), "true or false"),
    "cloud_preset": (
        lambda v: v is None or v in preset_names(),
        "null or one of " + " | ".join(preset_names()),
    ),
    "cloud_base_url": (_base_url, "null or an http(s) URL without credentials"),
    "cloud_model": (lambda v: v is None or _name(v), "null or a model name"),
    "cloud_task_policies": (_task_policies, "an object of task name -> never|ask|auto|always"),
    "cloud_auto_threshold": (lambda v: _number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "cloud_connect_timeout_s": (lambda v: _number(v) and 1 <= v <= 600, "1 to 600 seconds"),
    "cloud_read_timeout_s": (lambda v: _number(v) and 1 <= v <= 3600, "1 to 3600 seconds"),
    "cloud_prices": (
        _prices,
        'an object of model -> {"input": USD, "output": USD} per million tokens',
    ),
    "redaction_names": (_names, "a list of names"),
    "hotkey": (lambda v: _name(v, 60), "a key combination such as Ctrl+Alt+Space"),
    "start_in_tray": (lambda v: isinstance(v, bool), "true or false"),
    "popup_tasks": (
        lambda v: isinstance(v, list | tuple) and len(v) <= 20 and all(_name(t, 40) for t in v),
        "a list of quick task names",
    ),
}


def _normalise(name: str, value: Any) -> Any:
    """JSON has lists and ints where the fields hold tuples and floats."""
    return _NORMALISE[name](value) if name in _NORMALISE else value


_NORMALISE: dict[str, Callable[[Any], Any]] = {
    "cloud_task_policies": dict,
    "cloud_auto_threshold": float,
    "cloud_connect_timeout_s": float,
    "cloud_read_timeout_s": float,
    "cloud_prices": lambda table: {
        model: {side: float(price[side]) for side in ("input", "output")}
        for model, price in table.items()
    },
    "redaction_names": tuple,
    "popup_tasks": tuple,
}


# The fields that decide what may leave this machine or stay on it. A value of one of these
# that Hearth cannot read must never weaken a protection (a default of "off" for air-gapped
# would send a request the user meant to keep here): it fails closed instead.
PRIVACY_FIELDS = frozenset(
    {
        "air_gapped",
        "cloud_policy",
        "cloud_task_policies",
        "cloud_auto_threshold",
        "cloud_preset",
        "cloud_base_url",
        "cloud_model",
        "redaction_names",
        "keep_history",
    }
)
# What Hearth uses while a privacy field cannot be read: nothing leaves the device, and
# nothing is kept that the user may have said not to keep.
_LOCKED_DOWN: dict[str, object] = {
    "air_gapped": True,
    "cloud_policy": "never",
    "cloud_task_policies": {},
}
_FAIL_CLOSED: dict[str, object] = {"keep_history": False}
LOCKDOWN_NOTE = (
    "Hearth could not read a privacy setting, so it is air-gapped and sends nothing to the "
    "cloud until the settings are fixed (in Settings, or in the file)"
)


def _validate(raw: dict[str, object]) -> tuple[dict[str, object], list[str], bool]:
    """Split `raw` into the values that are valid and a description of the others, and say
    whether the privacy settings were locked down.

    An invalid privacy field does not fall back to its default: it locks the privacy
    settings down (`fail_closed`)."""
    good: dict[str, object] = {}
    problems: list[str] = []
    unreadable_privacy: list[str] = []
    for name, (check, expected) in _CHECKS.items():
        if name not in raw:
            continue
        value = raw[name]
        if check(value):
            good[name] = _normalise(name, value)
        elif name in PRIVACY_FIELDS:
            unreadable_privacy.append(name)
            problems.append(f"'{name}' was {_shown(value)}, expected {expected}")
        else:
            problems.append(f"'{name}' was {_shown(value)}, expected {expected}; using the default")
    if unreadable_privacy:
        good = fail_closed(good, unreadable_privacy)
    return good, problems, bool(unreadable_privacy)


def fail_closed(good: dict[str, object], unreadable: list[str] | None = None) -> dict[str, object]:
    """`good` with every privacy protection on: for when some privacy value (`unreadable`, or
    all of them when None) could not be read."""
    locked = {**good, **_LOCKED_DOWN}
    for name, value in _FAIL_CLOSED.items():
        if unreadable is None or name in unreadable:
            locked[name] = value
    return locked


def _shown(value: object) -> str:
    """A value for a message: a huge one (a pasted document) is cut."""
    return _cut(repr(value))


def _cut(text: str, longest: int = 80) -> str:
    return text if len(text) <= longest else text[: longest - 3] + "..."


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    # Messages for the user: what was wrong with the file and what Hearth did about it.
    problems: tuple[str, ...] = field(default_factory=tuple)


def _locked_down(problem: str) -> LoadedSettings:
    """A settings file that exists but cannot be read at all: its privacy settings are
    unknown, so they fail closed for this run (a file set aside is not read again)."""
    return LoadedSettings(Settings(**fail_closed({})), (problem, f"{LOCKDOWN_NOTE}."))  # type: ignore[arg-type]


class SettingsStore:
    """Reads and writes one settings file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.name + ".bak")

    def load(self) -> LoadedSettings:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return LoadedSettings(Settings())
        except OSError as exc:
            return _locked_down(
                f"Could not read settings file {self.path} ({exc.strerror}); using defaults."
            )
        try:
            raw = json.loads(data)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            return _locked_down(self._set_aside(f"it is not valid JSON ({_cut(str(exc))})"))

        problems: list[str] = []
        version = raw.get("schema_version", SCHEMA_VERSION)
        if not _int(version) or version < 1:
            return _locked_down(self._set_aside("its schema version is invalid"))
        if version > SCHEMA_VERSION:
            problems.append(
                f"Settings file {self.path} was written by a newer Hearth (schema {version}); "
                "options this version does not know are ignored."
            )
        good, bad, locked = _validate(raw)
        if bad:
            problems.append(f"Some settings in {self.path} were invalid: " + "; ".join(bad) + ".")
        if locked:
            problems.append(f"{LOCKDOWN_NOTE}.")
        return LoadedSettings(Settings(**good), tuple(problems))  # type: ignore[arg-type]

    def save(self, settings: Settings) -> None:
        try:
            write_atomically(self.path, settings.to_json())
        except OSError as exc:
            raise HearthError(
                f"Could not save settings to {self.path}: {exc.strerror or exc}. "
                "Your previous settings are unchanged; free some disk space or check the "
                "folder's permissions, then try again."
            ) from exc

    def _set_aside(self, why: str) -> str:
        try:
            os.replace(self.path, self.backup_path)
            kept = f"it was kept as {self.backup_path}"
        except OSError as exc:
            kept = f"it could not be moved aside ({exc.strerror})"
        return f"Settings file {self.path} was damaged: {why}; {kept}. Starting with defaults."
