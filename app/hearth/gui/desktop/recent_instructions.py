"""The custom instructions the user gave the popup lately, newest first, in a small JSON file
(data dir). Loading never fails: an unreadable file is an empty list."""

from __future__ import annotations

import json
from pathlib import Path

from hearth.core.files.atomic_write import write_atomically

KEEP = 10


class RecentInstructions:
    def __init__(self, path: Path) -> None:
        self._path = path

    @classmethod
    def in_folder(cls, data_dir: Path) -> RecentInstructions:
        return cls(data_dir / "recent_instructions.json")

    def load(self) -> list[str]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [item for item in data if isinstance(item, str) and item.strip()][:KEEP]

    def add(self, instruction: str) -> list[str]:
        instruction = instruction.strip()
        items = [instruction, *(i for i in self.load() if i != instruction)][:KEEP]
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self._path, json.dumps(items, ensure_ascii=False).encode())
        except OSError:
            pass  # a convenience: the instruction itself still runs
        return items
