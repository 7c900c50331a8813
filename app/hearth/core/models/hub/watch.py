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
  at once on cancel, and give up after too many failed attempts in a row that saved nothing
  (the rules are `TransferWatch`'s; this module only applies them to httpx2's objects).

Cancel reaches a download at its next network read or request; a server that has gone
completely silent is noticed only when the read timeout expires.

Requests made outside a watch (none in Hearth today) pass through untouched. This module is
the only place Hearth touches process-wide huggingface_hub state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

import httpx2
from huggingface_hub import set_client_factory

from hearth.core.models.hub.transfer_watch import TransferWatch

_ACTIVE: Final[ContextVar[TransferWatch | None]] = ContextVar("hearth_hub_watch", default=None)
_INSTALL_LOCK: Final = threading.Lock()
_installed = False


class _WatchedStream(httpx2.SyncByteStream):
    """A response body that reports each network read to the watch."""

    def __init__(self, inner: Any, watch: TransferWatch) -> None:
        self._inner = inner
        self._watch = watch

    def __iter__(self) -> Iterator[bytes]:
        watch = self._watch
        try:
            for chunk in self._inner:
                watch.received(len(chunk))
                yield chunk
        except httpx2.TransportError as exc:
            watch.failed(isinstance(exc, httpx2.TimeoutException), exc)
            raise

    def close(self) -> None:
        self._inner.close()


def _on_request(request: httpx2.Request) -> None:
    watch = _ACTIVE.get()
    if watch is not None:
        watch.starting_request()
        request.extensions["timeout"] = watch.timeouts.as_request_timeouts()


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
