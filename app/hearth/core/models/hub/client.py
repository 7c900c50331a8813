"""The one place Hearth calls huggingface_hub: what a file on the Hub is, and its bytes.

Why not simply `hf_hub_download`: since huggingface_hub 1.x (PR #4228) it downloads into a
process-unique temporary file and deletes it on any failure, so an interrupted download always
starts again from zero — exactly the "download reset to 0 %" complaint Hearth must not have.
Its retries resume only within one call. So Hearth keeps the partial file itself and uses the
library's pieces that `hf_hub_download` is built from:

- `get_hf_file_metadata` (HEAD on /resolve): commit, size, and the ETag, which for an LFS file
  is the SHA-256 of its content (`X-Linked-Etag`); `HfApi.get_paths_info` when it is not;
- `http_get`: the library's downloader, with `resume_size` for a Range request, its own
  retries after a dropped connection, and its handling of servers that ignore Range.

Xet: Hearth always downloads over plain HTTP. A Hub file stored on Xet is still served to
plain HTTP clients (the /resolve URL redirects to a bridge that supports Range), and only the
plain path lets Hearth resume into its own partial file. `xet_get` is never called, so a
local or mirror endpoint without Xet headers works the same way.
"""

from __future__ import annotations

import functools
import re
from types import TracebackType
from typing import Any, BinaryIO, cast

import httpx2
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_url
from huggingface_hub.errors import (
    FileMetadataError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.file_download import http_get
from huggingface_hub.utils._headers import build_hf_headers

from hearth.core.errors import HearthError
from hearth.core.models.hub.transfer_watch import TransferWatch
from hearth.core.models.hub.types import DownloadError, HubFile, RemoteFile
from hearth.core.models.hub.watch import watching
from hearth.core.version import app_version

DEFAULT_ENDPOINT = "https://huggingface.co"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _SavedBytes:
    """huggingface_hub's progress bar slot, drawing nothing: Hearth reports progress itself
    (see hub_watch). The library updates it just before it writes a chunk to the file, which
    is how the watch learns what was saved."""

    def __init__(self, watch: TransferWatch, **_bar_options: Any) -> None:
        self._watch = watch

    def update(self, n: float | None = 1) -> None:
        self._watch.saved(int(n or 0))

    def close(self) -> None:
        pass

    def __enter__(self) -> _SavedBytes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass


class HuggingFaceHub:
    """`HubClient` over huggingface_hub, against `endpoint` (HF_ENDPOINT or the real Hub)."""

    def __init__(self, endpoint: str | None = None, token: str | bool | None = None) -> None:
        # Passed explicitly on every call: huggingface_hub reads HF_ENDPOINT once, at import.
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        self._token = token

    def describe(self, file: HubFile, watch: TransferWatch) -> RemoteFile:
        url = hf_hub_url(file.repo, file.filename, revision=file.revision, endpoint=self.endpoint)
        with watching(watch), self._translated(file):
            metadata = get_hf_file_metadata(
                url, token=self._token, timeout=watch.timeouts.read, endpoint=self.endpoint
            )
            if not metadata.commit_hash:
                raise FileMetadataError("no X-Repo-Commit header")
            sha256 = (metadata.etag or "").lower()
            size = metadata.size
            if not _SHA256.match(sha256) or size is None:
                # Not an LFS ETag (a proxy may rewrite ETags): ask the API for the LFS record.
                sha256, size = self._lfs_record(file, metadata.commit_hash)
        return RemoteFile(file, metadata.commit_hash, sha256, size)

    def _lfs_record(self, file: HubFile, commit: str) -> tuple[str, int]:
        api = HfApi(endpoint=self.endpoint, token=self._token)
        infos = api.get_paths_info(file.repo, [file.filename], revision=commit)
        for info in infos:
            lfs = getattr(info, "lfs", None)
            if getattr(info, "path", None) == file.filename and lfs is not None:
                sha256 = str(lfs.sha256).lower()
                if _SHA256.match(sha256):
                    return sha256, int(lfs.size)
        raise DownloadError(
            f"The Hub does not publish a SHA-256 for {file} (it is not stored with Git LFS), "
            "so Hearth cannot verify it and will not install it. Choose a .gguf file from a "
            "model repository, or download it yourself and use `hearth models import`."
        )

    def fetch(
        self, remote: RemoteFile, out: BinaryIO, resume_from: int, watch: TransferWatch
    ) -> None:
        file = remote.file
        # The commit, not the branch: every byte, resumed or not, comes from one version.
        url = hf_hub_url(file.repo, file.filename, revision=remote.commit, endpoint=self.endpoint)
        headers = build_hf_headers(
            token=self._token, library_name="hearth", library_version=app_version()
        )
        with watching(watch), self._translated(file):
            watch.counting = True
            try:
                http_get(
                    url,
                    out,
                    resume_size=resume_from,
                    headers=headers,
                    expected_size=remote.size,
                    displayed_filename=file.filename,
                    tqdm_class=cast(Any, functools.partial(_SavedBytes, watch)),
                )
            finally:
                watch.counting = False

    def _translated(self, file: HubFile) -> _Translate:
        return _Translate(self.endpoint, file)


class _Translate:
    """Turns huggingface_hub's and httpx2's exceptions into messages that say what to do."""

    def __init__(self, endpoint: str, file: HubFile) -> None:
        self._endpoint = endpoint
        self._file = file

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or isinstance(exc, HearthError):
            return
        message = self._message(exc)
        if message is not None:
            raise DownloadError(message) from exc

    def _message(self, exc: BaseException) -> str | None:
        file, endpoint = self._file, self._endpoint
        if isinstance(exc, GatedRepoError):
            return (
                f"{file.repo} is gated: accept its license on the Hub, then log in with "
                "`hf auth login`, and try again."
            )
        if isinstance(exc, RepositoryNotFoundError):
            return (
                f"There is no model repository '{file.repo}' on {endpoint} (or it is private). "
                "Check the name."
            )
        if isinstance(exc, RevisionNotFoundError):
            return f"{file.repo} has no revision '{file.revision}'. Check the name."
        if isinstance(exc, RemoteEntryNotFoundError):
            return f"{file.repo} has no file '{file.filename}'. Check the file name."
        if isinstance(exc, HfHubHTTPError):
            status = exc.response.status_code if exc.response is not None else None
            if status == 404:
                return f"{endpoint} has no file {file} (404 Not Found). Check the name."
            return (
                f"{endpoint} answered with an error ({status or 'no status'}) for {file}. "
                "This is usually temporary: try again later. What was downloaded so far is "
                "kept."
            )
        if isinstance(exc, OfflineModeIsEnabled):
            return (
                "Downloads are switched off (HF_HUB_OFFLINE is set). Unset it, or copy the "
                "model file here and use `hearth models import`."
            )
        if isinstance(exc, FileMetadataError):
            return (
                f"{endpoint} did not answer like the Hugging Face Hub ({exc}). If HF_ENDPOINT "
                "is set, check that it points to the Hub or a mirror of it."
            )
        if isinstance(exc, httpx2.TimeoutException):
            return (
                f"{endpoint} did not answer in time. Check your connection and try again; "
                "what was downloaded so far is kept."
            )
        if isinstance(exc, httpx2.TransportError):
            return (
                f"Could not reach {endpoint} ({exc or type(exc).__name__}). Check your "
                "connection and try again; what was downloaded so far is kept."
            )
        if isinstance(exc, OSError) and exc.errno is None and "Consistency check" in str(exc):
            # http_get's own check: the body was shorter or longer than announced.
            return (
                f"The server sent a different amount of data than it announced for {file}. "
                "Try again; what was downloaded so far is kept."
            )
        # Anything else, such as a disk error while writing, is the downloader's to explain:
        # it knows the paths.
        return None
