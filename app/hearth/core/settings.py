"""Typed settings, stored as JSON under the config dir and written atomically.

Loading never fails: a damaged file is kept beside the real one as `settings.json.bak`, Hearth
starts with defaults for what it could not read, and the caller gets the problems to show.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from hearth.core.atomic_write import write_atomically
from hearth.core.errors import HearthError

SCHEMA_VERSION = 1
CLOUD_POLICIES = ("never", "ask", "auto", "always")


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

    def replace(self, **changes: Any) -> Settings:
        updated = dataclasses.replace(self, **changes)
        problems = _validate(dataclasses.asdict(updated))[1]
        if problems:
            raise ValueError("; ".join(problems))
        return updated

    def to_json(self) -> bytes:
        return (json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + "\n").encode()


def _int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "model": (lambda v: v is None or (isinstance(v, str) and v != ""), "a path or model id"),
    "context_size": (lambda v: _int(v) and 128 <= v <= 1 << 20, "128 to 1048576 tokens"),
    "threads": (lambda v: v is None or (_int(v) and 1 <= v <= 1024), "null (auto) or 1 to 1024"),
    "gpu_layers": (lambda v: _int(v) and v >= -1, "-1 (auto), 0 or more"),
    "air_gapped": (lambda v: isinstance(v, bool), "true or false"),
    "cloud_policy": (lambda v: v in CLOUD_POLICIES, " | ".join(CLOUD_POLICIES)),
    "keep_history": (lambda v: isinstance(v, bool), "true or false"),
}


def _validate(raw: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """Split `raw` into the values that are valid and a description of the others."""
    good: dict[str, object] = {}
    problems: list[str] = []
    for name, (check, expected) in _CHECKS.items():
        if name not in raw:
            continue
        value = raw[name]
        if check(value):
            good[name] = value
        else:
            problems.append(f"'{name}' was {value!r}, expected {expected}; using the default")
    return good, problems


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    # Messages for the user: what was wrong with the file and what Hearth did about it.
    problems: tuple[str, ...] = field(default_factory=tuple)


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
            return LoadedSettings(
                Settings(),
                (f"Could not read settings file {self.path} ({exc.strerror}); using defaults.",),
            )
        try:
            raw = json.loads(data)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            return LoadedSettings(Settings(), (self._set_aside(f"it is not valid JSON ({exc})"),))

        problems: list[str] = []
        version = raw.get("schema_version", SCHEMA_VERSION)
        if not _int(version) or version < 1:
            return LoadedSettings(Settings(), (self._set_aside("its schema version is invalid"),))
        if version > SCHEMA_VERSION:
            problems.append(
                f"Settings file {self.path} was written by a newer Hearth (schema {version}); "
                "options this version does not know are ignored."
            )
        good, bad = _validate(raw)
        if bad:
            problems.append(f"Some settings in {self.path} were invalid: " + "; ".join(bad) + ".")
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
