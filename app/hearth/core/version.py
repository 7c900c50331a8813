"""Hearth's version, from one place: the project metadata (pyproject.toml)."""

from __future__ import annotations

from importlib import metadata


def app_version() -> str:
    try:
        return metadata.version("hearth")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"
