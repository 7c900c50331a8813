"""Downloads that never corrupt: resumable partial files, verified before anyone sees them.

A download lives in `<models folder>/.downloads/` as `<sha256>.partial` (named by the hash the
Hub publishes, so a resume can only ever continue the same content) with a small
`<sha256>.json` saying what it is. Cancelling, a dropped connection, a full disk or a crash
leaves the partial file where it is; the next download of the same file continues from its
end with a Range request. Only when the whole file is there and its SHA-256 matches the Hub's
is it handed to the caller, which moves it into the models folder and registers it. A file
that fails verification is deleted, and if it was resumed, downloaded once more from scratch
(the old part may be what was damaged) before Hearth gives up and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from hearth.core.cancel import CancelToken
from hearth.core.errors import HearthError, ModelFileError
from hearth.core.files.atomic_write import write_atomically
from hearth.core.files.file_lock import FileLock
from hearth.core.models.disk_space import (
    FreeBytes,
    NotEnoughDiskSpace,
    free_bytes,
    gb,
    is_disk_full,
    require_free_space,
)
from hearth.core.models.hashing import is_sha256, sha256_file
from hearth.core.models.hub.transfer_watch import HubTimeouts, TransferWatch
from hearth.core.models.hub.types import DownloadError, HubClient, HubFile, RemoteFile
from hearth.core.models.progress import Phase, ProgressCallback, ProgressMeter

PARTIAL_SUFFIX: Final = ".partial"


class DownloadVerificationFailed(ModelFileError):
    """The downloaded bytes are not the file the Hub describes. Nothing was registered."""


@dataclass(frozen=True)
class DownloadedFile:
    path: Path  # the verified file, still in the downloads folder
    remote: RemoteFile
    resumed_from: int


@dataclass(frozen=True)
class PausedDownload:
    sha256: str
    repo: str
    filename: str
    size: int
    have: int

    @property
    def file(self) -> HubFile:
        return HubFile(self.repo, self.filename)


class Downloader:
    """Downloads Hub files into `folder`, resuming and verifying; one per models folder."""

    def __init__(
        self,
        folder: Path,
        hub: HubClient,
        *,
        timeouts: HubTimeouts | None = None,
        disk_free: FreeBytes = free_bytes,
        clock: Callable[[], float] = time.monotonic,
        report_every: float = 0.1,
    ) -> None:
        self.folder = folder
        self.hub = hub
        self._timeouts = timeouts or HubTimeouts()
        self._disk_free = disk_free
        self._clock = clock
        self._report_every = report_every  # seconds between progress reports

    def partial_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{PARTIAL_SUFFIX}"

    def _note_path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.json"

    def describe(self, file: HubFile, *, cancel: CancelToken | None = None) -> RemoteFile:
        """Ask the Hub what `file` is now: commit, size and SHA-256 (one HEAD request)."""
        return self.hub.describe(file, TransferWatch(self._timeouts, cancel))

    def download(
        self,
        file: HubFile,
        *,
        expected_sha256: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DownloadedFile:
        """Download (or resume) `file`; return it verified. Raises Cancelled when cancelled."""
        remote = self.describe(file, cancel=cancel)
        return self.fetch(remote, expected_sha256=expected_sha256, progress=progress, cancel=cancel)

    def fetch(
        self,
        remote: RemoteFile,
        *,
        expected_sha256: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DownloadedFile:
        """Download (or resume) the file `describe` returned, and verify it."""
        if expected_sha256 is not None and remote.sha256 != expected_sha256:
            raise DownloadVerificationFailed(
                f"{remote.file} on the Hub is not the file Hearth's catalog names (its SHA-256 "
                f"is {remote.sha256}, the catalog expects {expected_sha256}): the repository "
                "has changed. Nothing was downloaded; update Hearth, or import a file you trust."
            )
        meter: list[ProgressMeter] = []
        watch = TransferWatch(self._timeouts, cancel, lambda n: meter[0].advance(n))
        self.folder.mkdir(parents=True, exist_ok=True)
        busy = (
            f"{remote.file} is already being downloaded by another Hearth process. Wait for "
            "it to finish, or stop it and run this again to resume."
        )
        with FileLock(self.folder / f"{remote.sha256}.lock", timeout=0, busy=busy):
            return self._download_locked(remote, watch, meter, progress, cancel, retry=True)

    def _download_locked(
        self,
        remote: RemoteFile,
        watch: TransferWatch,
        meter: list[ProgressMeter],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        *,
        retry: bool,
    ) -> DownloadedFile:
        partial = self.partial_path(remote.sha256)
        have = _size_or_zero(partial)
        if have > remote.size:  # not a prefix of this file, whatever it is
            partial.unlink()
            have = 0
        require_free_space(
            self.folder,
            remote.size - have,
            f"{remote.file.filename} ({gb(remote.size)})",
            free=self._disk_free,
        )
        self._write_note(remote)
        meter[:] = [
            ProgressMeter(
                Phase.DOWNLOAD,
                remote.size,
                progress,
                start_at=have,
                clock=self._clock,
                interval=self._report_every,
            )
        ]
        self._transfer(remote, partial, have, watch)
        meter[0].finish()
        got = _size_or_zero(partial)
        if got != remote.size:
            raise DownloadError(
                f"The download of {remote.file} ended early ({gb(got)} of {gb(remote.size)}). "
                "Run it again to resume."
            )
        digest = sha256_file(partial, progress=progress, cancel=cancel)
        if digest.sha256 == remote.sha256:
            with contextlib.suppress(OSError):
                self._note_path(remote.sha256).unlink()  # complete: no longer a paused download
            return DownloadedFile(partial, remote, have)
        self.discard(remote.sha256)
        if have and retry:
            # The bytes kept from before may be the damaged part: one clean attempt.
            return self._download_locked(remote, watch, meter, progress, cancel, retry=False)
        raise DownloadVerificationFailed(
            f"The file downloaded from {remote.file} does not match the SHA-256 the Hub "
            f"publishes for it (expected {remote.sha256}, got {digest.sha256}): it was damaged "
            "on the way or the server sent a different file. It was deleted and nothing was "
            "added to your models. Try again later."
        )

    def _transfer(self, remote: RemoteFile, partial: Path, have: int, watch: TransferWatch) -> None:
        try:
            self._write_partial(remote, partial, have, watch)
        except BaseException:
            if _size_or_zero(partial) == 0:
                self.discard(remote.sha256)  # nothing arrived: nothing to resume, or to list
            raise

    def _write_partial(
        self, remote: RemoteFile, partial: Path, have: int, watch: TransferWatch
    ) -> None:
        try:
            with open(partial, "ab") as out:
                try:
                    self.hub.fetch(remote, out, have, watch)
                finally:
                    # What arrived is kept for a resume, so make it durable whatever happened.
                    with contextlib.suppress(OSError):
                        out.flush()
                        os.fsync(out.fileno())
        except OSError as exc:
            kept = _size_or_zero(partial)
            if is_disk_full(exc):
                raise NotEnoughDiskSpace(
                    f"The disk filled up while downloading {remote.file.filename} "
                    f"({gb(kept)} of {gb(remote.size)} done, kept in {self.folder}). Free some "
                    "space and run the download again: it resumes where it stopped."
                ) from exc
            raise HearthError(
                f"Could not write the download to {partial} ({exc.strerror or exc}). Check the "
                "folder's permissions and free space, then run the download again."
            ) from exc

    def _write_note(self, remote: RemoteFile) -> None:
        note = {
            "repo": remote.file.repo,
            "filename": remote.file.filename,
            "revision": remote.file.revision,
            "commit": remote.commit,
            "sha256": remote.sha256,
            "size": remote.size,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        path = self._note_path(remote.sha256)
        if not path.exists():
            with contextlib.suppress(OSError):  # only informative: a missing note loses nothing
                write_atomically(path, json.dumps(note, indent=2).encode())

    def paused(self) -> list[PausedDownload]:
        return paused_downloads(self.folder)

    def discard(self, sha256: str) -> None:
        """Delete a partial download and its note."""
        for path in (self.partial_path(sha256), self._note_path(sha256)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def paused_downloads(folder: Path) -> list[PausedDownload]:
    """Downloads that were started and not finished, with how much of each is here."""
    found = []
    for note_path in sorted(folder.glob("*.json")):
        sha256 = note_path.stem
        partial = folder / f"{sha256}{PARTIAL_SUFFIX}"
        if not is_sha256(sha256) or not partial.exists():
            continue
        try:
            note = json.loads(note_path.read_text(encoding="utf-8"))
            found.append(
                PausedDownload(
                    sha256,
                    str(note["repo"]),
                    str(note["filename"]),
                    int(note["size"]),
                    _size_or_zero(partial),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a note that cannot be read describes nothing we can resume
    return found


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
