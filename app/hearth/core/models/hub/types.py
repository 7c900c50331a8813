"""Files on the Hub as the rest of Hearth names them, and what a Hub client must do.

Light on purpose: the store, the library and the CLI name these without importing
huggingface_hub; only `hub_client` does that, when something is actually downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Protocol

from hearth.core.errors import HearthError
from hearth.core.models.hub.transfer_watch import TransferWatch


class DownloadError(HearthError):
    """The Hub could not be reached or would not give the file. Nothing was registered."""


@dataclass(frozen=True)
class HubFile:
    """A file in a model repository on the Hub."""

    repo: str
    filename: str
    revision: str = "main"

    def __str__(self) -> str:
        return f"{self.repo}/{self.filename}"


@dataclass(frozen=True)
class RemoteFile:
    """What the Hub says about a file at a fixed commit."""

    file: HubFile
    commit: str
    sha256: str
    size: int


class HubClient(Protocol):
    """What the downloader needs from the Hub; tests and mirrors may provide their own."""

    endpoint: str

    def describe(self, file: HubFile, watch: TransferWatch) -> RemoteFile: ...

    def fetch(
        self, remote: RemoteFile, out: BinaryIO, resume_from: int, watch: TransferWatch
    ) -> None: ...
