"""Checks a model file must pass before the engine host may open it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.core.errors import ModelFileError
from hearth.core.hardware import Memory, memory
from hearth.core.models.fit import estimate_memory, too_big_reason
from hearth.core.models.gguf_header import GGUFHeader, read_gguf_header


def check_model_file(
    path: Path, context_size: int, *, memory_probe: Callable[[], Memory] = memory
) -> GGUFHeader:
    """Validate the GGUF header in pure Python and check the model fits this machine.

    llama.cpp aborts the whole process on some malformed files; this is where they stop.
    """
    header = read_gguf_header(path)
    if not header.tensors:
        raise ModelFileError(
            f"{path} holds no weights (it may be a vocabulary-only or adapter file). "
            "Choose a complete model file."
        )
    reason = too_big_reason(estimate_memory(header, context_size), memory_probe(), context_size)
    if reason is not None:
        raise ModelFileError(f"{path.name} is too large for this machine: it {reason}")
    return header
