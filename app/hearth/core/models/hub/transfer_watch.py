"""What one download wants from every HTTP request made on its behalf.

Cancel, timeouts, byte counting and the retry limit, independent of the HTTP library:
`hub_watch` applies a `TransferWatch` to huggingface_hub's requests. Kept apart so that
modules which only name these types do not import huggingface_hub (half a second at start).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hearth.core.cancel import CancelToken
from hearth.core.errors import HearthError


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

    def as_request_timeouts(self) -> dict[str, float]:
        return {
            "connect": self.connect,
            "read": self.read,
            "write": self.read,
            "pool": self.connect,
        }


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

    def starting_request(self) -> None:
        self.check_cancel()
        self.requests += 1

    def received(self, n: int) -> None:
        """`n` bytes of the file arrived from the network."""
        self.check_cancel()
        if self._on_bytes is not None and n:
            self._on_bytes(n)
            self.check_cancel()  # the progress callback itself may have cancelled

    def saved(self, n: int) -> None:
        """The library wrote `n` more bytes to the partial file: real progress."""
        if n > 0:
            self._failures_without_progress = 0

    def failed(self, timed_out: bool, cause: BaseException) -> None:
        """An attempt broke off; raise `DownloadStalled` once retrying has become pointless.

        The library retries a failed body (with a Range request) on its own, from what it has
        written. Bytes that arrived but were not written yet (it writes 10 MB at a time) are
        fetched again, so only written bytes count as progress.
        """
        self._failures_without_progress += 1
        if self._failures_without_progress <= self.timeouts.retries_without_progress:
            return
        what = (
            f"no data for {self.timeouts.read:g} s" if timed_out else "the connection kept breaking"
        )
        raise DownloadStalled(
            f"The download stalled ({what}; {self._failures_without_progress} attempts in a "
            "row without progress). What arrived so far is kept: run the download again to "
            "resume it."
        ) from cause
