"""The local model store: one JSON index of the models and adapters Hearth can use.

The index lives at `<data dir>/model-index.json`; the files it lists are in the models folder
(`<data dir>/models`, owned by Hearth) or anywhere else (linked in place). Every change is
read-modify-write under a cross-process lock and lands with `write_atomically`, so a crash or
a full disk mid-update leaves the previous index, never half of one.

Reading never fails: a damaged index is set aside beside the real one and Hearth starts from
an empty list (files in the models folder come back with the next folder scan; linked files
can be found again with discovery), and the caller gets the problem to show.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from hearth.core.errors import HearthError, UsageError
from hearth.core.files.atomic_write import write_atomically
from hearth.core.files.file_lock import FileLock
from hearth.core.models.entry import Kind, ModelEntry
from hearth.core.paths import Paths

SCHEMA: Final = 1
INDEX_NAME: Final = "model-index.json"
TASK_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_HEX = re.compile(r"^[0-9a-f]{8,64}$")


class StoreError(HearthError):
    """The store cannot be changed (unreadable, newer schema, disk full)."""


@dataclass(frozen=True)
class Attachment:
    """A LoRA adapter applied to a base model when it runs one task."""

    task: str
    base_id: str
    adapter_id: str
    scale: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "base_id": self.base_id,
            "adapter_id": self.adapter_id,
            "scale": self.scale,
        }

    @classmethod
    def from_json(cls, data: object) -> Attachment:
        if not isinstance(data, dict):
            raise ValueError("an attachment must be a JSON object")
        task, base, adapter, scale = (
            data.get("task"),
            data.get("base_id"),
            data.get("adapter_id"),
            data.get("scale", 1.0),
        )
        if not (isinstance(task, str) and TASK_NAME.match(task)):
            raise ValueError(f"task {task!r} is not a task name")
        if not (isinstance(base, str) and isinstance(adapter, str) and base and adapter):
            raise ValueError("an attachment needs a base and an adapter id")
        if isinstance(scale, bool) or not isinstance(scale, int | float):
            raise ValueError(f"scale {scale!r} is not a number")
        return cls(task, base, adapter, float(scale))


@dataclass(frozen=True)
class StoreState:
    """The index as a value: changes make a new state, `ModelStore.update` saves it."""

    entries: tuple[ModelEntry, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)
    # What this version could not read (a damaged entry, a newer Hearth's entry or key): not
    # used, but written back as it was, so no change here loses another version's data.
    unread_entries: tuple[Any, ...] = field(default=(), compare=False)
    unread_keys: Mapping[str, Any] = field(default_factory=dict, compare=False)
    unread_attachments: tuple[Any, ...] = field(default=(), compare=False)

    def __iter__(self) -> Iterator[ModelEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> ModelEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def by_sha256(self, sha256: str) -> ModelEntry | None:
        return next((e for e in self.entries if e.sha256 == sha256), None)

    def by_path(self, path: Path) -> ModelEntry | None:
        wanted = os.path.normcase(os.path.abspath(path))
        return next(
            (e for e in self.entries if os.path.normcase(os.path.abspath(e.path)) == wanted),
            None,
        )

    def find(self, spec: str) -> ModelEntry | None:
        """An entry by id, by catalog id, or by a unique SHA-256 prefix (8+ hex digits)."""
        exact = self.get(spec) or self.get(spec.lower())
        if exact is not None:
            return exact
        matches = [e for e in self.entries if e.catalog_id == spec.lower()]
        prefix = spec.lower()
        if not matches and _HEX.match(prefix):
            matches = [e for e in self.entries if e.sha256.startswith(prefix)]
        if len(matches) > 1:
            ids = ", ".join(e.id for e in matches)
            raise UsageError(f"'{spec}' matches several models ({ids}); use one of these ids.")
        return matches[0] if matches else None

    def unique_id(self, base: str) -> str:
        taken = {e.id for e in self.entries}
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def with_entry(self, entry: ModelEntry) -> StoreState:
        """Add `entry`, replacing one with the same id."""
        kept = tuple(e for e in self.entries if e.id != entry.id)
        return replace(self, entries=(*kept, entry))

    def without(self, entry_id: str) -> StoreState:
        """Drop an entry and every attachment that names it."""
        return replace(
            self,
            entries=tuple(e for e in self.entries if e.id != entry_id),
            attachments=tuple(
                a for a in self.attachments if entry_id not in (a.base_id, a.adapter_id)
            ),
        )

    def attachment(self, task: str, base_id: str) -> Attachment | None:
        return next((a for a in self.attachments if a.task == task and a.base_id == base_id), None)

    def with_attachment(self, attachment: Attachment) -> StoreState:
        """Attach, replacing what the base had for that task (llama.cpp loads one here)."""
        kept = tuple(
            a
            for a in self.attachments
            if (a.task, a.base_id) != (attachment.task, attachment.base_id)
        )
        return replace(self, attachments=(*kept, attachment))

    def without_attachment(self, task: str, base_id: str) -> StoreState:
        return replace(
            self,
            attachments=tuple(
                a for a in self.attachments if (a.task, a.base_id) != (task, base_id)
            ),
        )

    def models(self) -> tuple[ModelEntry, ...]:
        return tuple(e for e in self.entries if e.kind is Kind.MODEL)

    def to_json(self) -> bytes:
        data = {
            **self.unread_keys,
            "schema": SCHEMA,
            "models": [e.to_json() for e in self.entries] + list(self.unread_entries),
            "attachments": [a.to_json() for a in self.attachments] + list(self.unread_attachments),
        }
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


class ModelStore:
    """Reads and changes the index file; `update` is the only way to write it."""

    def __init__(self, index_path: Path, *, lock_timeout: float | None = 30.0) -> None:
        self.index_path = index_path
        self._lock = FileLock(
            index_path.with_name(index_path.name + ".lock"),
            timeout=lock_timeout,
            busy=(
                "Another Hearth process is changing the model list. Wait for it to finish "
                "(or close the other Hearth window) and try again."
            ),
        )

    @classmethod
    def for_paths(cls, paths: Paths) -> ModelStore:
        return cls(paths.data_dir / INDEX_NAME)

    def load(self) -> StoreState:
        state, damaged = self._read()
        if damaged is None:
            return state
        return replace(state, problems=(*state.problems, damaged))

    def update(self, change: Callable[[StoreState], StoreState]) -> StoreState:
        """Apply `change` to the current index under the lock and save the result.

        `change` may raise to abandon the update; the index is then untouched.
        """
        with self._lock:
            current, damaged = self._read()
            if damaged is not None:
                self._set_aside()
            new = change(current)
            if new == current and damaged is None:
                return current
            if current.unread_entries:
                self._back_up()
            try:
                write_atomically(self.index_path, new.to_json())
            except OSError as exc:
                raise StoreError(
                    f"Could not save the model list {self.index_path}: "
                    f"{exc.strerror or exc}. It is unchanged; free some disk space or check "
                    "the folder's permissions, then try again."
                ) from exc
            return replace(new, problems=())

    # --- reading -----------------------------------------------------------------------------

    def _read(self) -> tuple[StoreState, str | None]:
        """The state, and a problem that makes the whole file unusable (None if it is fine)."""
        try:
            raw_bytes = self.index_path.read_bytes()
        except FileNotFoundError:
            return StoreState(), None
        except OSError as exc:
            raise StoreError(
                f"Could not read the model list {self.index_path} ({exc.strerror}). Check the "
                "file's permissions."
            ) from exc
        try:
            raw = json.loads(raw_bytes)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError) as exc:
            return StoreState(), self._damaged(f"it is not valid JSON ({exc})")
        schema = raw.get("schema")
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
            raise StoreError(
                f"The model list {self.index_path} was written by a newer Hearth (schema "
                f"{schema}). Use that version, or remove the file to start a new list."
            )
        if schema != SCHEMA:
            return StoreState(), self._damaged(f"its schema {schema!r} is unknown")
        return self._entries(raw), None

    def _entries(self, raw: dict[str, Any]) -> StoreState:
        problems: list[str] = []
        entries: list[ModelEntry] = []
        unread: list[Any] = []
        raw_entries = raw.get("models", [])
        for index, item in enumerate(raw_entries if isinstance(raw_entries, list) else []):
            try:
                entry = ModelEntry.from_json(item)
            except ValueError as exc:
                problems.append(
                    f"Entry {index + 1} of {self.index_path} could not be read ({exc}); it is "
                    f"not used, but kept in the file as it is (a copy of the file is saved as "
                    f"{self._backup_path.name} before the next change)."
                )
                unread.append(item)
                continue
            if any(e.id == entry.id for e in entries):
                problems.append(f"The id '{entry.id}' appears twice in {self.index_path}.")
                unread.append(item)
                continue
            entries.append(entry)
        ids = {e.id for e in entries}
        attachments: list[Attachment] = []
        unread_attachments: list[Any] = []
        unread_ids = {i.get("id") for i in unread if isinstance(i, dict)}
        raw_attachments = raw.get("attachments", [])
        for item in raw_attachments if isinstance(raw_attachments, list) else []:
            try:
                attachment = Attachment.from_json(item)
            except ValueError as exc:
                problems.append(f"An adapter attachment could not be read ({exc}); it is kept.")
                unread_attachments.append(item)
                continue
            if attachment.base_id in ids and attachment.adapter_id in ids:
                attachments.append(attachment)
            elif {attachment.base_id, attachment.adapter_id} & unread_ids:
                unread_attachments.append(item)  # it belongs to an entry kept unread
        known = {"schema", "models", "attachments"}
        return StoreState(
            tuple(entries),
            tuple(attachments),
            tuple(problems),
            unread_entries=tuple(unread),
            unread_keys={k: v for k, v in raw.items() if k not in known},
            unread_attachments=tuple(unread_attachments),
        )

    @property
    def _backup_path(self) -> Path:
        return self.index_path.with_name(self.index_path.name + ".bak")

    def _back_up(self) -> None:
        """The file as it was, before a change rewrites entries this version cannot read."""
        with contextlib.suppress(OSError):
            write_atomically(self._backup_path, self.index_path.read_bytes())

    @property
    def _aside_path(self) -> Path:
        return self.index_path.with_name(self.index_path.name + ".damaged")

    def _damaged(self, why: str) -> str:
        return (
            f"The model list {self.index_path} was damaged: {why}. It is kept as "
            f"{self._aside_path} and Hearth starts a new list; models in the models folder "
            "reappear at the next scan, and `hearth models discover` finds the others."
        )

    def _set_aside(self) -> None:
        with contextlib.suppress(OSError):
            os.replace(self.index_path, self._aside_path)
