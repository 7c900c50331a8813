"""The model library: the one place that adds, checks and removes models of the store.

Every way a model arrives — downloaded, copied in, used in place, dropped into the models
folder, found in another app's folder — ends in the same steps: the GGUF header is validated
in pure Python, the SHA-256 is computed from the file as it will be used, the file is put in
its final place, and only then is the store updated (atomically). A failure at any step
leaves the store as it was; a crash between the last two leaves an unregistered file in the
models folder, which the next folder scan picks up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hearth.core.cancel import CancelToken
from hearth.core.errors import HearthError, ModelFileError, UsageError
from hearth.core.models.catalog import Catalog, CatalogEntry, Quant
from hearth.core.models.copy_file import copy_verified
from hearth.core.models.disk_space import FreeBytes, free_bytes
from hearth.core.models.entry import HubOrigin, Kind, ModelEntry, Source, slug
from hearth.core.models.file_checks import stat_regular_file
from hearth.core.models.folder_scan import FolderChanges, FolderScanner
from hearth.core.models.gguf_header import GGUFHeader, read_gguf_header
from hearth.core.models.hashing import sha256_file
from hearth.core.models.hub.download import DownloadedFile, Downloader
from hearth.core.models.hub.types import HubFile
from hearth.core.models.lora import check_adapter_matches
from hearth.core.models.progress import ProgressCallback
from hearth.core.models.runnable import check_runnable
from hearth.core.models.store import TASK_NAME, Attachment, ModelStore, StoreState
from hearth.core.paths import Paths


@dataclass(frozen=True)
class Added:
    entry: ModelEntry
    added: bool  # False: the store already had this file
    note: str  # one line for the user


class Health(StrEnum):
    OK = "ok"
    MISSING = "missing"
    DAMAGED = "damaged"  # the bytes are not the ones registered, or no longer a sound GGUF


@dataclass(frozen=True)
class Checked:
    entry: ModelEntry
    health: Health
    message: str


@dataclass(frozen=True)
class FolderSync:
    added: tuple[ModelEntry, ...] = ()
    dropped: tuple[ModelEntry, ...] = ()  # registered files that were deleted from the folder
    refused: tuple[tuple[Path, str], ...] = ()  # files that are not usable models, and why
    unsettled: tuple[Path, ...] = ()


class ModelLibrary:
    def __init__(
        self,
        store: ModelStore,
        models_dir: Path,
        *,
        catalog: Catalog | None = None,
        disk_free: FreeBytes = free_bytes,
        trial: Callable[[Path], None] | None = None,
    ) -> None:
        self.store = store
        self.models_dir = Path(os.path.abspath(models_dir))
        self.catalog = catalog
        self._disk_free = disk_free
        # Loads a new model in the engine host and runs a token (`trial_load.TrialLoad`);
        # raises `ModelFileError` when llama.cpp cannot use it. None: header checks only.
        self._trial = trial

    @classmethod
    def for_paths(
        cls,
        paths: Paths,
        catalog: Catalog | None = None,
        *,
        trial: Callable[[Path], None] | None = None,
    ) -> ModelLibrary:
        return cls(ModelStore.for_paths(paths), paths.models_dir, catalog=catalog, trial=trial)

    @property
    def downloads_dir(self) -> Path:
        return self.models_dir / ".downloads"

    @property
    def incoming_dir(self) -> Path:
        return self.models_dir / ".incoming"

    def state(self) -> StoreState:
        return self.store.load()

    def entry(self, spec: str) -> ModelEntry:
        found = self.state().find(spec)
        if found is None:
            raise UsageError(
                f"No model '{spec}' in your library. `hearth models list` shows the ids."
            )
        return found

    # --- adding ------------------------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        *,
        copy: bool = True,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Added:
        """Side-load a GGUF: copy it into the models folder (verified), or use it in place."""
        source = Path(os.path.abspath(path))
        header = _checked_header(source)
        self._try(source, header)
        if not copy:
            # Linked means the user's file, wherever it is (even in the models folder):
            # removing the entry never deletes it.
            return self._register_in_place(source, header, Source.LINK, progress, cancel)
        if _inside(source, self.models_dir):
            return self._register_in_place(source, header, Source.FOLDER, progress, cancel)
        already = self._same_file_registered(source, progress, cancel)
        if already is not None:
            return already
        copied = copy_verified(
            source, self.incoming_dir, progress=progress, cancel=cancel, disk_free=self._disk_free
        )
        try:
            final = self._place(copied.path, source.name)
        except BaseException:
            with contextlib.suppress(OSError):
                copied.path.unlink()
            raise
        return self._register(final, _checked_header(final), copied.sha256, Source.COPY)

    def register_in_place(
        self,
        path: Path,
        source: Source,
        *,
        name: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Added:
        """Use a file where it is (another app's model): never copied, never deleted."""
        absolute = Path(os.path.abspath(path))
        header = _checked_header(absolute)
        self._try(absolute, header)
        return self._register_in_place(absolute, header, source, progress, cancel, name=name)

    def pull(
        self,
        downloader: Downloader,
        file: HubFile,
        *,
        expected_sha256: str | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Added:
        """Download a file from the Hub (resuming a paused download), verify it, register it."""
        remote = downloader.describe(file, cancel=cancel)
        existing = self.state().by_sha256(remote.sha256)
        if existing is not None and os.path.exists(existing.path):
            return Added(existing, False, f"Already in your library as '{existing.id}'.")
        done = downloader.fetch(
            remote, expected_sha256=expected_sha256, progress=progress, cancel=cancel
        )
        return self._adopt_download(done)

    def pull_catalog(
        self,
        downloader: Downloader,
        entry: CatalogEntry,
        quant: Quant | None = None,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Added:
        chosen = quant or entry.main
        return self.pull(
            downloader,
            HubFile(entry.repo, chosen.filename),
            expected_sha256=chosen.sha256,
            progress=progress,
            cancel=cancel,
        )

    def _adopt_download(self, done: DownloadedFile) -> Added:
        try:
            header = _checked_header(done.path)
            self._try(done.path, header)
        except ModelFileError as exc:
            done.path.unlink(missing_ok=True)
            raise ModelFileError(
                f"{done.remote.file} downloaded correctly but is not a usable model: "
                f"{exc.message} It was deleted; nothing was added."
            ) from exc
        final = self._place(done.path, done.remote.file.filename)
        hub = HubOrigin(done.remote.file.repo, done.remote.file.filename, done.remote.commit)
        return self._register(final, header, done.remote.sha256, Source.HUB, hub=hub)

    def _register_in_place(
        self,
        path: Path,
        header: GGUFHeader,
        source: Source,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        *,
        name: str | None = None,
    ) -> Added:
        registered = self.state().by_path(path)
        status = stat_regular_file(path)
        if registered is not None and registered.stat_matches(status):
            return Added(registered, False, f"Already in your library as '{registered.id}'.")
        digest = sha256_file(path, progress=progress, cancel=cancel)
        # Hashing read the file; its header must still be the one validated before.
        return self._register(path, _checked_header(path), digest.sha256, source, name=name)

    def _try(self, path: Path, header: GGUFHeader) -> None:
        """The trial load, for models (an adapter cannot run alone)."""
        if self._trial is not None and not header.is_lora:
            self._trial(path)

    def _same_file_registered(
        self, source: Path, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> Added | None:
        # Hash first only when a registered file has the same size: a copy of gigabytes
        # that turns out to be a duplicate is worse than one extra read.
        size = stat_regular_file(source).st_size
        candidates = [e for e in self.state() if e.size == size and os.path.exists(e.path)]
        if not candidates:
            return None
        sha256 = sha256_file(source, progress=progress, cancel=cancel).sha256
        match = next((e for e in candidates if e.sha256 == sha256), None)
        if match is None:
            return None
        return Added(match, False, f"Already in your library as '{match.id}' ({match.path}).")

    def _place(self, temporary: Path, filename: str) -> Path:
        """Move a verified file into the models folder under a free name."""
        self.models_dir.mkdir(parents=True, exist_ok=True)
        stem, suffix = os.path.splitext(os.path.basename(filename))
        target = self.models_dir / f"{stem}{suffix}"
        n = 2
        while os.path.lexists(target):
            target = self.models_dir / f"{stem}-{n}{suffix}"
            n += 1
        os.replace(temporary, target)
        return target

    def _register(
        self,
        path: Path,
        header: GGUFHeader,
        sha256: str,
        source: Source,
        *,
        hub: HubOrigin | None = None,
        name: str | None = None,
    ) -> Added:
        status = stat_regular_file(path)
        catalog_id, id_base = self._recognise(sha256, hub)
        outcome: list[Added] = []

        def change(state: StoreState) -> StoreState:
            same_path = state.by_path(path)
            moved = None
            twin = None if same_path is not None else state.by_sha256(sha256)
            if twin is not None and not os.path.exists(twin.path):
                moved = twin  # the same model, found somewhere new: it keeps its id
            elif twin is not None and not source.managed:
                # The same model linked twice (a symlink and its target, two apps' copies).
                outcome.append(Added(twin, False, f"Already in your library as '{twin.id}'."))
                return state
            keep = same_path or moved
            base = id_base or slug(name or path.name)
            entry_id = keep.id if keep is not None else state.unique_id(base)
            entry = ModelEntry.from_header(
                entry_id,
                header,
                sha256=sha256,
                status=status,
                source=source,
                path=path,
                catalog_id=catalog_id,
                hub=hub,
            )
            outcome.append(Added(entry, True, _added_note(entry, keep)))
            return state.with_entry(entry)

        self.store.update(change)
        return outcome[-1]

    def _recognise(self, sha256: str, hub: HubOrigin | None) -> tuple[str | None, str | None]:
        """The catalog id this file is (by hash, or by where it came from), and an id base."""
        if self.catalog is None:
            return None, None
        found = self.catalog.by_sha256(sha256)
        if found is None and hub is not None:
            found = self.catalog.by_file(hub.repo, hub.filename)
        if found is None:
            learned = next((e for e in self.state() if e.sha256 == sha256 and e.catalog_id), None)
            entry = None if learned is None else self.catalog.get(learned.catalog_id or "")
            found = None if entry is None else (entry, entry.main)
        if found is None:
            return None, None
        entry, quant = found
        id_base = entry.id if quant == entry.main else f"{entry.id}-{quant.quantization.lower()}"
        return entry.id, id_base

    # --- checking and removing ---------------------------------------------------------------

    def verify(
        self,
        spec: str | None = None,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[Checked]:
        """Re-hash and re-validate one entry or all; record new timestamps of intact files."""
        entries = [self.entry(spec)] if spec is not None else list(self.state())
        results = [self._check(entry, progress, cancel) for entry in entries]
        touched = {r.entry.id: r.entry for r in results if r.health is Health.OK}
        if touched:
            self.store.update(lambda state: _refresh(state, touched))
        return results

    def _check(
        self, entry: ModelEntry, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> Checked:
        if not os.path.lexists(entry.path):
            return Checked(entry, Health.MISSING, f"{entry.path} is gone.{_fix(entry)}")
        try:
            digest = sha256_file(entry.file, progress=progress, cancel=cancel)
            read_gguf_header(entry.file)
        except ModelFileError as exc:
            health = Health.MISSING if not os.path.exists(entry.path) else Health.DAMAGED
            return Checked(entry, health, f"{exc.message}{_fix(entry)}")
        if digest.sha256 != entry.sha256:
            return Checked(
                entry,
                Health.DAMAGED,
                f"{entry.path} has changed since it was added: its SHA-256 is now "
                f"{digest.sha256}, not {entry.sha256}.{_fix(entry)}",
            )
        status = digest.status
        fresh = dataclasses.replace(entry, size=status.st_size, mtime_ns=status.st_mtime_ns)
        return Checked(fresh, Health.OK, f"{entry.path} is intact.")

    def remove(self, spec: str, *, delete_file: bool = True) -> tuple[ModelEntry, bool]:
        """Unregister an entry; delete its file when Hearth owns it. Returns (entry, deleted)."""
        entry = self.entry(spec)
        deleted = False
        # Only files in Hearth's own folder are ever deleted, whatever an entry says.
        if entry.managed and delete_file and _inside(Path(entry.path), self.models_dir):
            # File first: an entry whose file is gone is cleaned up by the next folder scan,
            # while a file left behind unregistered would come back as a "new" model.
            try:
                os.unlink(entry.path)
                deleted = True
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise HearthError(
                    f"Could not delete {entry.path} ({exc.strerror}); it is still in your "
                    "library. Close whatever is using it and try again."
                ) from exc
        self.store.update(lambda state: state.without(entry.id))
        return entry, deleted

    # --- the watched folder ------------------------------------------------------------------

    def scanner(self, settle_seconds: float = 2.0) -> FolderScanner:
        return FolderScanner(self.models_dir, settle_seconds=settle_seconds)

    def scan_folder(self, scanner: FolderScanner) -> FolderChanges:
        """Cheap: what changed in the models folder since the store was last updated."""
        return scanner.scan(self.state())

    def sync_folder(
        self,
        scanner: FolderScanner,
        changes: FolderChanges | None = None,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> FolderSync:
        """Register new and changed files of the folder; forget registered ones now gone."""
        changes = changes or self.scan_folder(scanner)
        added: list[ModelEntry] = []
        refused: list[tuple[Path, str]] = []
        for path in (*changes.new, *(Path(e.path) for e in changes.changed)):
            try:
                header = _checked_header(path)
                if self.state().by_path(path) is None:
                    self._try(path, header)
                result = self._register_in_place(path, header, Source.FOLDER, progress, cancel)
            except ModelFileError as exc:
                scanner.refused(path)
                refused.append((path, exc.message))
                continue
            if result.added:
                added.append(result.entry)
        gone = {e.id for e in changes.missing}
        if gone:
            self.store.update(lambda state: _forget_missing(state, gone))
        return FolderSync(tuple(added), changes.missing, tuple(refused), changes.unsettled)

    # --- LoRA adapters -----------------------------------------------------------------------

    def attach(
        self, task: str, base_spec: str, adapter_spec: str, scale: float = 1.0
    ) -> Attachment:
        """Use an adapter with a base model for one task, after checking it fits the base."""
        base, adapter = self.entry(base_spec), self.entry(adapter_spec)
        if base.kind is not Kind.MODEL:
            raise UsageError(f"'{base.id}' is a LoRA adapter; attach adapters to a model.")
        if adapter.kind is not Kind.LORA:
            raise UsageError(f"'{adapter.id}' is a model, not a LoRA adapter.")
        if not 0 < scale <= 4:
            raise UsageError(f"A scale of {scale} makes no sense; use a number from 0 to 4.")
        if not TASK_NAME.match(task):
            raise UsageError(f"'{task}' is not a task name (such as summarize or rewrite).")
        check_adapter_matches(read_gguf_header(adapter.file), read_gguf_header(base.file))
        attachment = Attachment(task, base.id, adapter.id, scale)
        self.store.update(lambda state: state.with_attachment(attachment))
        return attachment

    def detach(self, task: str, base_spec: str) -> bool:
        base = self.entry(base_spec)
        found: list[bool] = []

        def change(state: StoreState) -> StoreState:
            found.append(state.attachment(task, base.id) is not None)
            return state.without_attachment(task, base.id)

        self.store.update(change)
        return found[-1]

    def adapter_for(self, task: str, base_id: str) -> tuple[ModelEntry, float] | None:
        """The adapter to load with `base_id` for `task`, and its scale (for the engine)."""
        state = self.state()
        attachment = state.attachment(task, base_id)
        adapter = None if attachment is None else state.get(attachment.adapter_id)
        return None if attachment is None or adapter is None else (adapter, attachment.scale)


def _checked_header(path: Path) -> GGUFHeader:
    header = read_gguf_header(path)
    _check_usable(header, path)
    check_runnable(header)
    return header


def _check_usable(header: GGUFHeader, path: Path) -> None:
    if header.file_kind == "adapter" and not header.is_lora:
        raise ModelFileError(
            f"{path.name} is an adapter of type {header.adapter_type!r}; Hearth uses LoRA "
            "adapters and models."
        )
    if not header.tensors:
        raise ModelFileError(
            f"{path} holds no weights (it may be a vocabulary-only file). "
            "Choose a complete model file."
        )
    if header.file_kind not in ("model", "adapter"):
        raise ModelFileError(
            f"{path.name} is a GGUF of type {header.file_kind!r} (such as a vision projector), "
            "not a language model. Choose the model file itself."
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _added_note(entry: ModelEntry, replaced: ModelEntry | None) -> str:
    what = "adapter" if entry.kind is Kind.LORA else "model"
    if replaced is not None:
        return f"Updated '{entry.id}' ({entry.describe()})."
    where = "in place, " if not entry.managed else ""
    return f"Added {what} '{entry.id}' ({where}{entry.describe()})."


def _fix(entry: ModelEntry) -> str:
    if entry.hub is not None:
        again = f"{entry.hub.repo}/{entry.hub.filename}"
        return f" Remove it and download it again: `hearth models pull {again}`."
    if entry.managed:
        return " Remove it with `hearth models remove` and import the file again."
    return " Fix the file, or remove it from your library with `hearth models remove`."


def _refresh(state: StoreState, touched: dict[str, ModelEntry]) -> StoreState:
    for entry_id, fresh in touched.items():
        current = state.get(entry_id)
        if current is not None and current.sha256 == fresh.sha256:
            state = state.with_entry(fresh)
    return state


def _forget_missing(state: StoreState, ids: set[str]) -> StoreState:
    for entry in list(state):
        # Checked again under the lock: the file may have come back since the scan.
        if entry.id in ids and not os.path.exists(entry.path):
            state = state.without(entry.id)
    return state


def adapter_lookup(library: ModelLibrary) -> Callable[[str, Path], tuple[Path, float] | None]:
    """For the task runner: the LoRA adapter (file, scale) attached to a model for a task."""

    def lookup(task: str, model_path: Path) -> tuple[Path, float] | None:
        base = library.state().by_path(model_path)
        found = None if base is None else library.adapter_for(task, base.id)
        return None if found is None else (found[0].file, found[1])

    return lookup
