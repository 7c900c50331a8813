"""Calibrated auto-mode thresholds, one per label set and local model, in a JSON file.

`hearth calibrate` measures a threshold on the user's labelled examples; auto mode then uses it
for classify requests with the same labels on the same model (a label set's confidences say
nothing about another's, nor about another model's). The key is the label set's fingerprint
(names, descriptions and examples: any change makes a different prompt), the model file, and
the calibration mode (none, batch or contextual), since it changes the confidences too. Keys
written before batch calibration existed said only contextual on ("ctx") or off ("raw"); those
two modes keep those spellings, so old entries are still found.

Written atomically; a damaged file is kept aside and reported, never a reason to fail a request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hearth.core.errors import HearthError
from hearth.core.files.atomic_write import write_atomically
from hearth.core.paths import Paths
from hearth.core.tasks.labels import Label, fingerprint

FILE_NAME = "thresholds.json"
VERSION = 1


def threshold_path(paths: Paths) -> Path:
    return paths.data_dir / FILE_NAME


_MODE_KEYS = {"contextual": "ctx", "none": "raw", "batch": "batch"}


def threshold_key(
    labels: Sequence[Label],
    model: Path,
    *,
    mode: str | None = None,
    contextual: bool | None = None,
    adapter: str | None = None,
    form: str = "letters",
) -> str:
    """A threshold holds for the label set, the calibration mode, the model and the LoRA
    adapter that loads with it for the task: calibrated without the adapter, it says nothing
    of answers made with it. `contextual` is the older way of naming the mode (on or none).
    `form`: the options as letters (the only form before names existed: no mark, so older
    entries still match) or as names ("|names")."""
    if mode is None:
        if contextual is None:
            raise ValueError("threshold_key needs the calibration mode")
        mode = "contextual" if contextual else "none"
    key = f"{fingerprint(labels)}|{_MODE_KEYS.get(mode, mode)}|{model}"
    if form != "letters":
        key = f"{key}|{form}"
    return key if adapter is None else f"{key}|lora={adapter}"


@dataclass(frozen=True)
class StoredThreshold:
    threshold: float
    target: float
    reached: bool
    share_on_device: float
    examples: int
    accuracy: float | None  # of all the examples, answered locally
    labels: tuple[str, ...]
    model: str
    contextual: bool  # mode == "contextual", for readers of the older entries
    time: str  # ISO 8601 UTC
    mode: str = ""  # none, batch or contextual; "" reads as contextual's on/off
    reason: str = ""  # why `hearth calibrate` chose this mode, in words
    form: str = "letters"  # the options as letters or names

    @property
    def calibration(self) -> str:
        return self.mode or ("contextual" if self.contextual else "none")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = list(self.labels)
        return data

    @classmethod
    def from_json(cls, data: Any) -> StoredThreshold | None:
        """None for an entry this version cannot read (hand-edited, or a future shape)."""
        try:
            value = cls(
                threshold=float(data["threshold"]),
                target=float(data["target"]),
                reached=bool(data["reached"]),
                share_on_device=float(data["share_on_device"]),
                examples=int(data["examples"]),
                accuracy=None if data.get("accuracy") is None else float(data["accuracy"]),
                labels=tuple(str(name) for name in data["labels"]),
                model=str(data["model"]),
                contextual=bool(data["contextual"]),
                time=str(data["time"]),
                mode=str(data.get("mode") or ""),
                reason=str(data.get("reason") or ""),
                form=str(data.get("form") or "letters"),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return value if 0.0 <= value.threshold <= 1.0 else None


class ThresholdStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        # What went wrong with the file, for the caller to show as warnings.
        self.problems: list[str] = []

    def get(self, key: str) -> StoredThreshold | None:
        entry = self._load().get(key)
        return None if entry is None else StoredThreshold.from_json(entry)

    def chosen(
        self, labels: Sequence[Label], model: Path, *, adapter: str | None = None
    ) -> StoredThreshold | None:
        """The newest calibration stored for the label set on `model` (with `adapter`),
        whatever its mode and form: what `hearth calibrate` chose for them."""
        prefix = f"{fingerprint(labels)}|"
        lora = None if adapter is None else f"|lora={adapter}"
        found: list[StoredThreshold] = []
        for key, entry in self._load().items():
            parts = key.split("|")
            if not key.startswith(prefix) or len(parts) < 3 or parts[2] != str(model):
                continue
            if (lora is None) == ("|lora=" in key) or (lora is not None and not key.endswith(lora)):
                continue
            stored = StoredThreshold.from_json(entry)
            if stored is not None:
                found.append(stored)
        return max(found, key=lambda s: s.time, default=None)

    def put(self, key: str, stored: StoredThreshold) -> None:
        entries = self._load()
        entries[key] = stored.to_json()
        data = json.dumps({"version": VERSION, "thresholds": entries}, indent=2, sort_keys=True)
        try:
            write_atomically(self.path, (data + "\n").encode())
        except OSError as exc:
            raise HearthError(
                f"Could not save the threshold to {self.path}: {exc.strerror or exc}. Free some "
                "disk space or check the folder's permissions, then calibrate again."
            ) from None

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.problems.append(
                f"Could not read the calibrated thresholds {self.path} ({exc.strerror}); "
                "auto mode uses the threshold in the settings."
            )
            return {}
        try:
            data = json.loads(raw)
            entries = data["thresholds"]
            if not isinstance(entries, dict):
                raise ValueError("'thresholds' is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            self._set_aside(f"it is not a thresholds file ({exc})")
            return {}
        return entries

    def _set_aside(self, why: str) -> None:
        kept = self.path.with_name(self.path.name + ".bak")
        try:
            os.replace(self.path, kept)
            where = f"it was kept as {kept}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc.strerror})"
        self.problems.append(
            f"The calibrated thresholds {self.path} were damaged: {why}; {where}. Auto mode "
            "uses the threshold in the settings until you calibrate again."
        )
