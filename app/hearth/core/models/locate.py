"""Turn what the user named (a path, a store id, a catalog id) into a model file path."""

from __future__ import annotations

import os
from pathlib import Path

from hearth.core.errors import ErrorKind, ModelFileError, UsageError
from hearth.core.models.catalog import Catalog, CatalogError, load_catalog
from hearth.core.models.entry import Kind, ModelEntry
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.models.runnable import check_runnable
from hearth.core.models.store import ModelStore
from hearth.core.paths import Paths


def resolve_model(
    spec: str | None, store: ModelStore | None = None, catalog: Catalog | None = None
) -> Path:
    """The file `spec` names: a .gguf path, or a model of the local store.

    Store ids, catalog ids of installed models and SHA-256 prefixes are looked up in `store`
    (by default the store under `Paths.from_environment()`, which is where the CLI and the
    app keep theirs).
    """
    if spec is None or not spec.strip():
        raise UsageError(
            "No model chosen. Pass --model with a model id (`hearth models list`) or the path "
            "to a .gguf file, or pick a model in the app (it is remembered in the settings).",
            kind=ErrorKind.MODEL_MISSING,
        )
    path = Path(spec).expanduser()
    looks_like_path = path.suffix.lower() == ".gguf" or os.sep in spec or "/" in spec
    if looks_like_path or os.path.lexists(path):
        return path
    state = (store or ModelStore.for_paths(Paths.from_environment())).load()
    entry = state.find(spec)
    if entry is not None:
        if entry.kind is Kind.LORA:
            raise UsageError(
                f"'{entry.id}' is a LoRA adapter, not a model. Choose the base model, and "
                f"attach the adapter with `hearth models attach {entry.id} --to MODEL`."
            )
        check_unchanged(entry)
        return entry.file
    raise ModelFileError(
        _unknown(spec, catalog), kind=ErrorKind.MODEL_MISSING, facts={"spec": spec}
    )


def check_unchanged(entry: ModelEntry) -> None:
    """Refuse a registered model whose file is no longer the one that was checked and hashed
    (edited, replaced, or swapped for another model under the same name).

    Cheap: size and modification time. When they changed, the header is read again so the
    message says whether the file is still a model at all; using it needs the user's word
    (importing it again checks it and registers what is there now)."""
    try:
        status = os.stat(entry.path)
    except OSError:
        return  # gone or unreadable: the load says so, in its own words
    if entry.stat_matches(status):
        return
    try:
        header = read_gguf_header(entry.file)
        check_runnable(header)
        what = f"it is now {header.name or entry.file.name}, {status.st_size / 1e6:.1f} MB"
    except ModelFileError as exc:
        what = f"it is no longer a usable model ({exc.message})"
    if entry.managed:
        fix = f"Remove it with `hearth models remove {entry.id}` and import the model again."
    else:
        fix = (
            f"If the new file is what you want, run `hearth models import --link {entry.path}` "
            f"to check and register it again; otherwise `hearth models remove {entry.id}`."
        )
    raise ModelFileError(
        f"The file of '{entry.id}' has changed since it was added ({what}); Hearth will not "
        f"use it unchecked. {fix}"
    )


def _unknown(spec: str, catalog: Catalog | None) -> str:
    if catalog is None:
        try:
            catalog = load_catalog()
        except CatalogError:
            catalog = None
    listed = catalog.get(spec) if catalog is not None else None
    if listed is not None:
        return (
            f"{listed.name} is in Hearth's catalog but not downloaded yet. Get it with "
            f"`hearth models pull {listed.id}` (about {listed.approx_size_bytes / 1e9:.1f} GB)."
        )
    return (
        f"No model named '{spec}' is known to Hearth. `hearth models list` shows your models; "
        "or give the path to a .gguf file."
    )
