"""Models whose headers parse but whose values llama.cpp cannot run (issue 18): the generated
test model of gguf_factory, with one value made hostile while it is written."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gguf
import numpy as np

from tests.gguf_factory import ModelSpec, write_model

# name -> what `hearth models import` must say about it (a fragment of the refusal)
HOSTILE: dict[str, str] = {
    "zero-heads": "attention heads",
    "missing-tensor": "blk.1.ffn_down.weight",
    "zero-rope": "rope",
    "vocab-mismatch": "vocabulary",
    "nan-weights": "invalid numbers (NaN",
}


@contextlib.contextmanager
def _patched(name: str, replacement: Any) -> Iterator[None]:
    original = getattr(gguf.GGUFWriter, name)
    setattr(gguf.GGUFWriter, name, replacement(original))
    try:
        yield
    finally:
        setattr(gguf.GGUFWriter, name, original)


def write_hostile(path: Path, kind: str, spec: ModelSpec | None = None) -> Path:
    """The tiny test model with one hostile value (`kind`, a key of HOSTILE)."""
    spec = spec or ModelSpec(name=f"Hostile {kind}", seed=7)
    if kind == "zero-heads":
        patch = _patched("add_head_count", lambda f: lambda self, n: f(self, 0))
    elif kind == "zero-rope":
        patch = _patched("add_rope_dimension_count", lambda f: lambda self, n: f(self, 0))
    elif kind == "missing-tensor":

        def skip(f: Any) -> Any:
            def add(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
                if name != "blk.1.ffn_down.weight":
                    f(self, name, *args, **kwargs)

            return add

        patch = _patched("add_tensor", skip)
    elif kind == "vocab-mismatch":
        # The vocabulary lists 40 tokens fewer than the embedding matrix has rows.
        def shorter(f: Any) -> Any:
            return lambda self, tokens, *a, **k: f(self, list(tokens)[:-40], *a, **k)

        def fewer_types(f: Any) -> Any:
            return lambda self, types, *a, **k: f(self, list(types)[:-40], *a, **k)

        stack = contextlib.ExitStack()
        stack.enter_context(_patched("add_token_list", shorter))
        stack.enter_context(_patched("add_token_types", fewer_types))
        patch = stack  # type: ignore[assignment]
    elif kind == "nan-weights":

        def poisoned(f: Any) -> Any:
            def add(self: Any, name: str, tensor: Any, *args: Any, **kwargs: Any) -> None:
                if name == "output.weight":
                    tensor = np.full_like(tensor, np.nan)
                f(self, name, tensor, *args, **kwargs)

            return add

        patch = _patched("add_tensor", poisoned)
    else:
        raise ValueError(kind)
    with patch:
        return write_model(path, spec)
