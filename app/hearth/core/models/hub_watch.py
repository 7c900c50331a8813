"""Watch huggingface_hub's HTTP traffic on behalf of one download.

huggingface_hub downloads through one process-wide httpx2 client and hands its caller's
progress bar a chunk only every 10 MB (`DOWNLOAD_CHUNK_SIZE`): at 1 MB/s that is a progress
bar frozen for ten seconds and a Cancel button that does nothing for as long. Its documented
extension point is `set_client_factory`; Hearth installs a client (the library's own default,
plus two event hooks) whose hooks consult the `TransferWatch` active in the calling thread's
context, if any:

- before each request: honour cancel, and apply the watch's connect/read timeouts (the
  library's are fixed at import time from environment variables, and some calls it makes,
  such as paths-info, have none at all);
- on each response body: count bytes as they arrive from the network (every ~64 KiB), stop
  at once on cancel, and give up after too many attempts in a row that brought no data.

Requests made outside a watch (none in Hearth today) pass through untouched. This module is
the only place Hearth touches process-wide huggingface_hub state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

import httpx2
from huggingface_hub import set_client_factory

from hearth.core.cancel import CancelToken
from hearth.core.errors import HearthError

_ACTIVE: Final[ContextVar[TransferWatch | None]] = ContextVar("hearth_hub_watch", default=None)
_INSTALL_LOCK: Final = threading.Lock()
_installed = False


class DownloadStalled(HearthError):
    """The server stopped sending data and retrying did not help."""


@dataclass(frozen=True)
class HubTimeouts:
    connect: float = 15.0
    # Seconds without a single byte before an attempt counts as stalled. Generous: a slow but
    # live connection must never be mistaken for a dead one.
    read: float = 30.0
    # Retries in a row that may fail without saving anything before the download pauses.
    retries_without_progress: int = 3


class TransferWatch:
    """Cancel, timeouts and byte counting for the requests one download makes."""

    def __init__(
        self,
        timeouts: HubTimeouts,
        cancel: CancelToken | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.timeouts = timeouts
        self._cancel = cancel
        self._on_bytes = on_bytes
        self.counting = False  # only the file's body counts as progress
        self.requests = 0
        self._failures_without_progress = 0

    def check_cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()

    def before_request(self, request: httpx2.Request) -> None:
        self.check_cancel()
        self.requests += 1
        timeouts = self.timeouts
        request.extensions["timeout"] = {
            "connect": timeouts.connect,
            "read": timeouts.read,
            "write": timeouts.read,
            "pool": timeouts.connect,
        }

    def body(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """Pass `chunks` through, counting them and stopping at once on cancel."""
        try:
            for chunk in chunks:
                self.check_cancel()
                if self._on_bytes is not None and chunk:
                    self._on_bytes(len(chunk))
                    self.check_cancel()  # the progress callback itself may have cancelled
                yield chunk
        except httpx2.TransportError as exc:
            self._failed(exc)
            raise

    def saved(self, n: int) -> None:
        """The library wrote `n` more bytes to the partial file: real progress."""
        if n > 0:
            self._failures_without_progress = 0

    def _failed(self, exc: httpx2.TransportError) -> None:
        # The library retries a failed body (with a Range request) on its own, from what it
        # has written. Bytes that arrived but were not written yet (it writes 10 MB at a
        # time) are fetched again, so only written bytes count as progress.
        self._failures_without_progress += 1
        if self._failures_without_progress > self.timeouts.retries_without_progress:
            what = (
                f"no data for {self.timeouts.read:g} s"
                if isinstance(exc, httpx2.TimeoutException)
                else "the connection kept breaking"
            )
            raise DownloadStalled(
                f"The download stalled ({what}; {self._failures_without_progress} attempts "
                "in a row without progress). What arrived so far is kept: run the download "
                "again to resume it."
            ) from exc


class _WatchedStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, watch: TransferWatch) -> None:
        self._inner = inner
        self._watch = watch

    def __iter__(self) -> Iterator[bytes]:
        return self._watch.body(iter(self._inner))

    def close(self) -> None:
        self._inner.close()


def _on_request(request: httpx2.Request) -> None:
    watch = _ACTIVE.get()
    if watch is not None:
        watch.before_request(request)


def _on_response(response: httpx2.Response) -> None:
    watch = _ACTIVE.get()
    if watch is not None and watch.counting and response.status_code in (200, 206):
        response.stream = _WatchedStream(response.stream, watch)


def _client_factory() -> httpx2.Client:
    try:
        from huggingface_hub.utils._http import default_client_factory

        client = default_client_factory()
    except ImportError:  # a huggingface_hub that moved it: the same settings by hand
        client = httpx2.Client(follow_redirects=True, timeout=None)
    hooks = client.event_hooks
    client.event_hooks = {
        "request": [*hooks.get("request", []), _on_request],
        "response": [*hooks.get("response", []), _on_response],
    }
    return client


def install() -> None:
    """Make huggingface_hub's HTTP client Hearth's watched one (once per process)."""
    global _installed
    with _INSTALL_LOCK:
        if not _installed:
            set_client_factory(_client_factory)
            _installed = True


@contextmanager
def watching(watch: TransferWatch) -> Iterator[TransferWatch]:
    """Make `watch` the one the hooks consult for requests made in this context."""
    install()
    token = _ACTIVE.set(watch)
    try:
        yield watch
    finally:
        _ACTIVE.reset(token)
