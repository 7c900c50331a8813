"""The user's history of requests: what was asked, what came back, from where, how fast.

Kept only while `Settings.keep_history` is on (the caller passes that flag to `record`, so the
decision is made with the settings of the run, not whatever is set later). One JSON object
per line in `history.jsonl` under the data folder, newest last, at most `limit` entries.
Every change rewrites the file atomically under a cross-process lock: the GUI and a CLI may
share it, and a crash leaves the old history or the new, never half of one. A damaged line
is skipped when reading, not fatal, and kept as it is when the file is rewritten (as are the
fields of an entry this version does not know): a rewrite loses nothing but what ages out.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hearth.core.errors import HearthError
from hearth.core.files.atomic_write import write_atomically
from hearth.core.files.file_lock import FileLock

FILE_NAME = "history.jsonl"
DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class HistoryEntry:
    task: str
    options: dict[str, Any]
    text: str
    output: Any  # text, or the parsed object (extract) / label (classify)
    route: str  # "local" | "cloud"
    model: str
    confidence: float | None
    timings: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)  # e.g. classify's label probabilities
    at: float = field(default_factory=time.time)  # seconds since the epoch
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Fields of a newer Hearth's entry: not used here, written back as they were.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_outcome(
        cls, answer: Mapping[str, Any], text: str, options: Mapping[str, Any]
    ) -> HistoryEntry:
        """From a finished run's JSON form (`TaskOutcome.to_json()`) and what was asked."""
        return cls(
            task=str(answer["task"]),
            options=_plain(dict(options)),
            text=text,
            output=_plain(answer.get("output")),
            route=str(answer.get("route", "local")),
            model=str(answer.get("model", "")),
            confidence=answer.get("confidence"),
            timings=_plain(dict(answer.get("timings", {}))),
            details=_plain({k: v for k, v in answer.items() if k in ("labels", "label")}),
        )

    def to_line(self) -> str:
        data = asdict(self)
        extra = data.pop("extra")
        return json.dumps({**extra, **data}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str) -> HistoryEntry:
        raw = json.loads(line)
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        known = [name for name in cls.__dataclass_fields__ if name != "extra"]
        return cls(
            **{name: raw[name] for name in known if name in raw},
            extra={k: v for k, v in raw.items() if k not in known},
        )


def _plain(value: Any) -> Any:
    """JSON-safe: what json cannot write is stored as its text."""
    return json.loads(json.dumps(value, default=str))


class HistoryStore:
    def __init__(self, path: Path, *, limit: int = DEFAULT_LIMIT) -> None:
        self.path = path
        self.limit = limit
        self._lock_path = path.with_name(path.name + ".lock")

    @classmethod
    def in_folder(cls, folder: Path) -> HistoryStore:
        return cls(folder / FILE_NAME)

    def record(self, entry: HistoryEntry, *, keep_history: bool) -> bool:
        """Add `entry` if history is on; True when it was stored."""
        if not keep_history:
            return False
        with self._locked():
            lines = self._lines()
            kept = lines[-(self.limit - 1) :] if self.limit > 1 else []
            self._write([*kept, entry])
        return True

    def recent(self, limit: int | None = None) -> list[HistoryEntry]:
        """Newest first."""
        entries = list(reversed(self._read()))
        return entries if limit is None else entries[:limit]

    def clear(self) -> None:
        with self._locked():
            self._write([])

    def _locked(self) -> FileLock:
        return FileLock(
            self._lock_path,
            busy=f"Another Hearth process is writing the history ({self.path}); try again.",
        )

    def _read(self) -> list[HistoryEntry]:
        # A damaged line costs that entry, not the history.
        return [line for line in self._lines() if isinstance(line, HistoryEntry)]

    def _lines(self) -> list[HistoryEntry | str]:
        """Every line of the file: an entry, or the text of a line that is not one (kept)."""
        try:
            # surrogateescape: bytes that are not UTF-8 survive a rewrite unchanged.
            text = self.path.read_bytes().decode("utf-8", errors="surrogateescape")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise HearthError(f"Could not read the history ({self.path}): {exc}") from exc
        lines: list[HistoryEntry | str] = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            try:
                lines.append(HistoryEntry.from_line(line))
            except (ValueError, TypeError, KeyError, RecursionError):
                lines.append(line)
        return lines

    def _write(self, entries: list[HistoryEntry | str]) -> None:
        data = "".join(
            (entry if isinstance(entry, str) else entry.to_line()) + "\n" for entry in entries
        ).encode("utf-8", errors="surrogateescape")
        try:
            write_atomically(self.path, data)
        except OSError as exc:
            raise HearthError(f"Could not save the history ({self.path}): {exc}") from exc
