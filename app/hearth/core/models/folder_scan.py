"""The watched models folder: notice GGUF files dropped in (or taken out) without a restart.

`scan` is cheap enough to run on every QFileSystemWatcher signal: one directory walk and a
stat per file, no reads. It compares what is on disk with the store and says what is new,
what changed, and which registered files are gone; hashing and registering the new ones is
the library's job (`ModelLibrary.sync_folder`), done off the GUI thread.

A file still being copied in looks truncated, so files modified in the last `settle_seconds`
are reported as unsettled and left for a later scan. Files that were refused once are not
retried until they change.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from hearth.core.models.entry import ModelEntry
from hearth.core.models.store import StoreState

MAX_DEPTH: Final = 3  # models/publisher/repo/file.gguf, as LM Studio lays them out


@dataclass(frozen=True)
class FolderChanges:
    new: tuple[Path, ...] = ()  # GGUF files the store does not list
    changed: tuple[ModelEntry, ...] = ()  # listed files whose size or time changed
    missing: tuple[ModelEntry, ...] = ()  # listed files of this folder that are gone
    unsettled: tuple[Path, ...] = ()  # still being written: look again later

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.missing or self.unsettled)


@dataclass
class FolderScanner:
    folder: Path
    settle_seconds: float = 2.0
    wall_clock: Callable[[], float] = time.time
    # Files refused before, by (path, size, mtime): skipped until they change.
    _refused: set[tuple[str, int, int]] = field(default_factory=set)

    def scan(self, state: StoreState) -> FolderChanges:
        on_disk = dict(self._gguf_files())
        new: list[Path] = []
        changed: list[ModelEntry] = []
        unsettled: list[Path] = []
        now = self.wall_clock()
        for path, status in sorted(on_disk.items()):
            entry = state.by_path(path)
            if entry is not None and entry.stat_matches(status):
                continue
            if (str(path), status.st_size, status.st_mtime_ns) in self._refused:
                continue
            if now - status.st_mtime < self.settle_seconds:
                unsettled.append(path)
            elif entry is None:
                new.append(path)
            else:
                changed.append(entry)
        missing = [
            entry
            for entry in state
            if entry.managed and _inside(Path(entry.path), self.folder) and not _exists(entry)
        ]
        return FolderChanges(tuple(new), tuple(changed), tuple(missing), tuple(unsettled))

    def refused(self, path: Path) -> None:
        """Remember that `path`, as it is now, could not be used."""
        try:
            status = os.stat(path)
        except OSError:
            return
        self._refused.add((str(path), status.st_size, status.st_mtime_ns))

    def _gguf_files(self) -> Iterator[tuple[Path, os.stat_result]]:
        yield from _walk(self.folder, depth=0)


def _walk(folder: Path, depth: int) -> Iterator[tuple[Path, os.stat_result]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for item in entries:
        if item.name.startswith("."):
            continue  # .downloads, .incoming, editors' temporary files
        path = Path(item.path)
        try:
            if item.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    yield from _walk(path, depth + 1)
                continue
            if not item.name.lower().endswith(".gguf"):
                continue
            status = item.stat()  # follows a link dropped in: the file it names counts
        except OSError:
            continue  # a broken or looping link, or a file gone since the listing
        if stat.S_ISREG(status.st_mode):
            yield path, status


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _exists(entry: ModelEntry) -> bool:
    return os.path.exists(entry.path)
