"""Turn a stream of token bytes into text that is safe to show as it arrives.

Two things must not leak to the user mid-stream: half of a multi-byte UTF-8 character (a token
may end inside one) and the beginning of a stop sequence that later completes.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence


class TextStream:
    def __init__(self, stop: Sequence[str] = ()) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stop = tuple(s for s in stop if s)
        self._held = ""  # text that might be the start of a stop sequence
        self.stopped = False
        self.text = ""  # everything released so far

    def feed(self, data: bytes) -> str:
        """Add a token's bytes; return the text that can be shown now."""
        if self.stopped:
            return ""
        pending = self._held + self._decoder.decode(data)
        # The earliest stop wins, whatever its place in the list: text after it must not leak.
        at = min((i for i in (pending.find(stop) for stop in self._stop) if i != -1), default=-1)
        if at != -1:
            self.stopped = True
            self._held = ""
            return self._release(pending[:at])
        keep = self._longest_stop_prefix_suffix(pending)
        self._held = pending[len(pending) - keep :] if keep else ""
        return self._release(pending[: len(pending) - keep])

    def finish(self) -> str:
        """The end of the stream: release what was held back."""
        if self.stopped:
            return ""
        rest = self._held + self._decoder.decode(b"", final=True)
        self._held = ""
        return self._release(rest)

    def _release(self, text: str) -> str:
        self.text += text
        return text

    def _longest_stop_prefix_suffix(self, text: str) -> int:
        """Length of the longest end of `text` that begins some stop sequence."""
        best = 0
        for stop in self._stop:
            for n in range(min(len(stop) - 1, len(text)), best, -1):
                if stop.startswith(text[len(text) - n :]):
                    best = n
                    break
        return best
