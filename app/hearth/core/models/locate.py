"""Turn what the user named (a path, later also a store id) into a model file path."""

from __future__ import annotations

import os
from pathlib import Path

from hearth.core.errors import ModelFileError, UsageError


def resolve_model(spec: str | None) -> Path:
    if spec is None or not spec.strip():
        raise UsageError(
            "No model chosen. Pass --model PATH to a .gguf file, or pick a model in the app "
            "(it is remembered in the settings)."
        )
    path = Path(spec).expanduser()
    looks_like_path = (
        path.suffix.lower() == ".gguf" or os.sep in spec or "/" in spec or path.exists()
    )
    if looks_like_path or os.path.lexists(path):
        return path
    raise ModelFileError(
        f"No model named '{spec}' is known to Hearth. Give the path to a .gguf file instead."
    )
