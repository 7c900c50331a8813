"""Explain in words why the engine host died."""

from __future__ import annotations

import signal
from collections.abc import Sequence

_HINTS = {
    "SIGKILL": "it was killed (SIGKILL); the usual cause is the system running out of memory",
    "SIGSEGV": "it crashed (segmentation fault)",
    "SIGBUS": "it crashed (bus error); the model file may have changed or shrunk while in use",
    "SIGABRT": "llama.cpp aborted",
    "SIGILL": "the CPU lacks an instruction this build of llama.cpp uses",
    "SIGTERM": "it was terminated (SIGTERM)",
}

# llama.cpp's own last words worth quoting to the user, most telling first. Python's
# faulthandler banner ("Fatal Python error: Aborted") only repeats what the signal says.
_EVIDENCE = ("GGML_ASSERT", "out of memory", "error:", "failed", "Error")
_NOISE = ("Fatal Python error",)


def describe_exit(returncode: int | None, log_tail: Sequence[str]) -> str:
    if returncode is None:
        what = "it stopped answering"
    elif returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        what = _HINTS.get(name, f"it was stopped by {name}")
    elif returncode == 0:
        what = "it exited unexpectedly"
    else:
        what = f"it exited with status {returncode}"
    evidence = last_evidence(log_tail)
    return f"{what}: {evidence}" if evidence else what


def last_evidence(lines: Sequence[str]) -> str | None:
    for marker in _EVIDENCE:
        for line in reversed(lines):
            text = line.strip()
            if marker in text and not any(noise in text for noise in _NOISE):
                # "…/ggml.c:3354: GGML_ASSERT(x) failed" -> "GGML_ASSERT(x) failed"
                return text[text.index(marker) if marker == "GGML_ASSERT" else 0 :][:300]
    return None
