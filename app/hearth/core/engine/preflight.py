"""Checks a model file must pass before the engine host may open it, and the context it may
open it with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.core.errors import ModelFileError
from hearth.core.hardware import Memory, memory
from hearth.core.models.fit import estimate_memory, too_big_reason
from hearth.core.models.gguf_header import GGUFHeader, read_gguf_header
from hearth.core.models.runnable import check_runnable
from hearth.core.settings import MIN_CONTEXT


def check_model_file(
    path: Path, context_size: int, *, memory_probe: Callable[[], Memory] = memory
) -> GGUFHeader:
    """Validate the GGUF header in pure Python and check the model fits this machine.

    llama.cpp aborts the whole process on some malformed files; this is where they stop.
    """
    header = read_gguf_header(path)
    check_model_header(header, context_size, memory_probe())
    return header


def check_model_header(header: GGUFHeader, context_size: int, machine: Memory) -> None:
    """The checks of `check_model_file` on a header already read (and so already vetted by
    `read_gguf_header`): the load path reads the header once, to size the context and to
    check it, since parsing a large vocabulary takes a tenth of a second."""
    path = header.path
    if not header.tensors:
        raise ModelFileError(
            f"{path} holds no weights (it may be a vocabulary-only or adapter file). "
            "Choose a complete model file."
        )
    check_runnable(header)
    reason = too_big_reason(estimate_memory(header, context_size), machine, context_size)
    if reason is not None:
        raise ModelFileError(f"{path.name} is too large for this machine: it {reason}")


def usable_context(header: GGUFHeader, wanted: int, machine: Memory) -> int:
    """The context to load `header`'s model with: what the settings want, never more than the
    model was trained for (a header may claim 2^31-1 tokens, and llama.cpp allocates the KV
    cache for whatever it is given), and halved until it fits this machine's memory (not below
    MIN_CONTEXT: a model that does not fit even then is refused by `check_model_file`)."""
    size = wanted
    trained = header.context_length
    if trained is not None and trained >= MIN_CONTEXT:
        size = min(size, trained)
    while size > MIN_CONTEXT and too_big_reason(estimate_memory(header, size), machine, size):
        size = max(MIN_CONTEXT, size // 2)
    return size
