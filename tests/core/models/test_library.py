"""The model library: side-loading, downloads into the store, checks, removal, LoRA adapters."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from hearth.core.errors import ModelFileError, UsageError
from hearth.core.models.catalog import Catalog, load_catalog
from hearth.core.models.disk_space import NotEnoughDiskSpace
from hearth.core.models.entry import Kind, Source
from hearth.core.models.hub.download import Downloader, DownloadVerificationFailed
from hearth.core.models.hub.types import HubFile
from hearth.core.models.library import Health, ModelLibrary
from hearth.core.models.progress import Phase, Progress
from hearth.core.models.store import ModelStore
from tests.core.models.conftest import files_under, sha256_of, write_lora
from tests.core.models.test_gguf_header import layout
from tests.gguf_factory import ModelSpec, write_model
from tests.hub_server import HubServer

# --- side-loading -----------------------------------------------------------------------------


def test_import_copies_verifies_and_registers(library: ModelLibrary, small_model: Path) -> None:
    seen: list[Progress] = []

    added = library.import_file(small_model, copy=True, progress=seen.append)

    entry = added.entry
    assert added.added
    assert entry.id == "hearth-small-f16"
    assert entry.source is Source.COPY
    assert entry.managed
    assert entry.kind is Kind.MODEL
    assert Path(entry.path) == library.models_dir / small_model.name
    assert Path(entry.path).read_bytes() == small_model.read_bytes()
    assert entry.sha256 == sha256_of(small_model.read_bytes())
    assert entry.size == small_model.stat().st_size
    assert (entry.name, entry.architecture, entry.quantization) == (
        "Hearth Test Tiny",
        "llama",
        "F16",
    )
    assert entry.context_length == 4096
    assert entry.has_chat_template
    assert entry.parameter_count > 0
    assert {p.phase for p in seen} == {Phase.COPY, Phase.VERIFY}
    assert files_under(library.incoming_dir) == []
    assert library.state().get(entry.id) == entry


def test_import_link_uses_the_file_in_place_and_remove_leaves_it(
    library: ModelLibrary, small_model: Path
) -> None:
    added = library.import_file(small_model, copy=False)

    assert added.entry.path == str(small_model)
    assert added.entry.source is Source.LINK
    assert not added.entry.managed
    assert files_under(library.models_dir) == []

    entry, deleted = library.remove(added.entry.id)

    assert not deleted
    assert small_model.exists()
    assert library.state().get(entry.id) is None


def test_importing_the_same_file_twice_adds_it_once(
    library: ModelLibrary, small_model: Path
) -> None:
    first = library.import_file(small_model, copy=True)
    again = library.import_file(small_model, copy=True)
    linked = library.import_file(small_model, copy=False)

    assert not again.added
    assert not linked.added
    assert again.entry.id == linked.entry.id == first.entry.id
    assert "Already in your library" in again.note
    assert len(library.state()) == 1
    assert files_under(library.models_dir) == [small_model.name]


def test_a_file_already_in_the_models_folder_is_registered_where_it_is(
    library: ModelLibrary, small_model: Path
) -> None:
    library.models_dir.mkdir(parents=True)
    inside = library.models_dir / "dropped.gguf"
    inside.write_bytes(small_model.read_bytes())

    added = library.import_file(inside, copy=True)

    assert added.entry.source is Source.FOLDER
    assert added.entry.path == str(inside)
    assert files_under(library.models_dir) == ["dropped.gguf"]


def test_a_catalog_model_is_recognised_by_its_hash(
    store: ModelStore, models_home: Path, small_model: Path, tmp_path: Path
) -> None:
    catalog = tiny_catalog(tmp_path, sha256=sha256_of(small_model.read_bytes()))
    library = ModelLibrary(store, models_home / "models", catalog=catalog)

    added = library.import_file(small_model, copy=False)

    assert added.entry.catalog_id == "hearth-tiny"
    assert added.entry.id == "hearth-tiny"


def test_the_same_name_twice_gets_a_second_file_and_id(
    library: ModelLibrary, small_model: Path, tmp_path: Path
) -> None:
    (tmp_path / "other").mkdir()
    other = write_model(tmp_path / "other" / small_model.name, ModelSpec(seed=7))

    first = library.import_file(small_model)
    second = library.import_file(other)

    assert second.entry.id == f"{first.entry.id}-2"
    assert Path(second.entry.path).name == "hearth-small-f16-2.gguf"
    assert Path(first.entry.path).read_bytes() == small_model.read_bytes()


# --- bad input --------------------------------------------------------------------------------


def _patched(data: bytes, fmt: str, offset: int, *values: int) -> bytes:
    buffer = bytearray(data)
    struct.pack_into(fmt, buffer, offset, *values)
    return bytes(buffer)


def _tensor_offset_past_end(data: bytes) -> bytes:
    where = layout(data).tensors["output.weight"].offset_at
    return _patched(data, "<Q", where, len(data) * 4)


BAD_FILES: dict[str, tuple[Callable[[bytes], bytes | None], str]] = {
    "truncated": (lambda d: d[: len(d) // 2], "truncated"),
    "zero-byte": (lambda d: b"", "empty"),
    "not-gguf": (lambda d: b"These are my meeting notes, not a model.\n" * 50, "not a GGUF"),
    "wrong-magic": (lambda d: b"GGUX" + d[4:], "not a GGUF"),
    "absurd-counts": (lambda d: _patched(d, "<Q", 16, 2**62), "cannot fit"),
    "offset-past-end": (_tensor_offset_past_end, "only"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "link"])
def test_a_bad_file_is_refused_and_nothing_is_left_behind(
    library: ModelLibrary, small_model: Path, tmp_path: Path, kind: str, copy: bool
) -> None:
    library.import_file(small_model, copy=False)  # a store that already has something
    before = library.state()
    make, needle = BAD_FILES[kind]
    bad = tmp_path / f"{kind}.gguf"
    bad.write_bytes(make(small_model.read_bytes()) or b"")

    with pytest.raises(ModelFileError, match=needle) as caught:
        library.import_file(bad, copy=copy)

    assert caught.value.exit_code == 3
    assert bad.name in caught.value.message
    assert library.state() == before
    assert files_under(library.models_dir) == []


def test_a_directory_a_symlink_loop_and_a_missing_file_are_refused(
    library: ModelLibrary, tmp_path: Path
) -> None:
    folder = tmp_path / "folder.gguf"
    folder.mkdir()
    loop = tmp_path / "loop.gguf"
    loop.symlink_to(loop)

    for path, needle in [
        (folder, "is a folder"),
        (loop, "points back to itself"),
        (tmp_path / "missing.gguf", "does not exist"),
    ]:
        with pytest.raises(ModelFileError, match=needle):
            library.import_file(path)

    assert len(library.state()) == 0
    assert files_under(library.models_dir) == []


def test_a_file_without_weights_is_refused(library: ModelLibrary, tmp_path: Path) -> None:
    import gguf

    vocab_only = tmp_path / "vocab-only.gguf"
    writer = gguf.GGUFWriter(str(vocab_only), "llama")
    writer.add_name("Vocabulary only")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    with pytest.raises(ModelFileError, match="holds no weights"):
        library.import_file(vocab_only)


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "link"])
def test_a_file_that_vanishes_while_it_is_read_is_not_registered(
    library: ModelLibrary, small_model: Path, tmp_path: Path, copy: bool
) -> None:
    doomed = tmp_path / "doomed.gguf"
    doomed.write_bytes(small_model.read_bytes())

    def delete_it(progress: Progress) -> None:
        doomed.unlink(missing_ok=True)

    with pytest.raises(ModelFileError, match="disappeared while Hearth was reading it"):
        library.import_file(doomed, copy=copy, progress=delete_it)

    assert len(library.state()) == 0
    assert files_under(library.models_dir) == []


def test_not_enough_disk_space_for_a_copy_is_found_before_copying(
    store: ModelStore, models_home: Path, small_model: Path
) -> None:
    library = ModelLibrary(store, models_home / "models", disk_free=lambda _: 1024)

    with pytest.raises(NotEnoughDiskSpace, match=r"a copy of hearth-small-f16\.gguf"):
        library.import_file(small_model)

    assert files_under(library.models_dir) == []


# --- downloads into the store -----------------------------------------------------------------


@pytest.fixture
def served_small(hub: HubServer, small_model: Path) -> HubFile:
    hub.add("hearth-test/Small-GGUF", small_model.name, small_model.read_bytes())
    return HubFile("hearth-test/Small-GGUF", small_model.name)


def test_pull_downloads_verifies_and_registers(
    library: ModelLibrary,
    downloader: Downloader,
    served_small: HubFile,
    hub: HubServer,
    small_model: Path,
) -> None:
    added = library.pull(downloader, served_small)

    entry = added.entry
    assert added.added
    assert entry.source is Source.HUB
    assert entry.managed
    assert entry.hub is not None
    assert (entry.hub.repo, entry.hub.filename) == (served_small.repo, served_small.filename)
    assert entry.hub.commit == hub.files[(served_small.repo, served_small.filename)].commit
    assert Path(entry.path) == library.models_dir / small_model.name
    assert entry.sha256 == sha256_of(small_model.read_bytes())
    assert files_under(library.downloads_dir) == []

    again = library.pull(downloader, served_small)

    assert not again.added
    assert again.entry.id == entry.id
    assert len(hub.gets()) == 1  # the second pull only asked what the file is


def test_pull_of_a_catalog_model_is_recognised(
    store: ModelStore,
    models_home: Path,
    downloader: Downloader,
    served_small: HubFile,
    tmp_path: Path,
) -> None:
    catalog = tiny_catalog(tmp_path, repo=served_small.repo, filename=served_small.filename)
    library = ModelLibrary(store, models_home / "models", catalog=catalog)
    entry = catalog.get("hearth-tiny")
    assert entry is not None

    added = library.pull_catalog(downloader, entry)

    assert added.entry.id == "hearth-tiny"
    assert added.entry.catalog_id == "hearth-tiny"


def test_a_download_that_fails_verification_is_never_registered(
    library: ModelLibrary,
    downloader: Downloader,
    served_small: HubFile,
    hub: HubServer,
    small_model: Path,
) -> None:
    data = small_model.read_bytes()
    hub.files[(served_small.repo, served_small.filename)].faults.wrong_content = data[::-1]

    with pytest.raises(DownloadVerificationFailed):
        library.pull(downloader, served_small)

    assert len(library.state()) == 0
    assert files_under(library.models_dir) == []


def test_a_verified_download_that_is_not_a_model_is_deleted(
    library: ModelLibrary, downloader: Downloader, hub: HubServer
) -> None:
    hub.add("hearth-test/Odd", "notes.gguf", b"<!DOCTYPE html><p>Not a model</p>" * 100)

    with pytest.raises(ModelFileError, match="downloaded correctly but is not a usable model"):
        library.pull(downloader, HubFile("hearth-test/Odd", "notes.gguf"))

    assert len(library.state()) == 0
    assert files_under(library.models_dir) == []


# --- verify and remove ------------------------------------------------------------------------


def test_verify_finds_intact_damaged_and_missing_files(
    library: ModelLibrary, small_model: Path, tmp_path: Path
) -> None:
    intact = library.import_file(small_model).entry
    damaged_source = write_model(tmp_path / "damaged.gguf", ModelSpec(seed=3))
    damaged = library.import_file(damaged_source).entry
    missing_source = write_model(tmp_path / "missing.gguf", ModelSpec(seed=4))
    missing = library.import_file(missing_source, copy=False).entry
    data = bytearray(Path(damaged.path).read_bytes())
    data[-10] ^= 0xFF  # one flipped bit in the weights: the header is still fine
    Path(damaged.path).write_bytes(bytes(data))
    missing_source.unlink()

    results = {r.entry.id: r for r in library.verify()}

    assert results[intact.id].health is Health.OK
    assert results[damaged.id].health is Health.DAMAGED
    assert "has changed since it was added" in results[damaged.id].message
    assert results[missing.id].health is Health.MISSING
    assert "remove" in results[missing.id].message


def test_verify_of_an_untouched_file_with_a_new_timestamp_records_it(
    library: ModelLibrary, small_model: Path
) -> None:
    entry = library.import_file(small_model).entry
    os.utime(entry.path, ns=(entry.mtime_ns + 10**9, entry.mtime_ns + 10**9))

    [result] = library.verify(entry.id)

    assert result.health is Health.OK
    assert library.state().get(entry.id).mtime_ns == entry.mtime_ns + 10**9  # type: ignore[union-attr]


def test_remove_deletes_a_file_hearth_owns(library: ModelLibrary, small_model: Path) -> None:
    entry = library.import_file(small_model).entry

    removed, deleted = library.remove(entry.id)

    assert deleted
    assert not Path(removed.path).exists()
    assert len(library.state()) == 0
    assert small_model.exists()


def test_remove_of_an_unknown_id_is_a_usage_error(library: ModelLibrary) -> None:
    with pytest.raises(UsageError, match="No model 'nope'"):
        library.remove("nope")


def test_models_are_found_by_sha256_prefix(library: ModelLibrary, small_model: Path) -> None:
    entry = library.import_file(small_model).entry

    assert library.entry(entry.sha256[:10]) == entry
    assert library.entry(entry.id) == entry


# --- the watched folder -----------------------------------------------------------------------


def test_a_file_dropped_into_the_folder_appears_and_goes(
    library: ModelLibrary, small_model: Path
) -> None:
    scanner = library.scanner(settle_seconds=0)
    library.models_dir.mkdir(parents=True)
    dropped = library.models_dir / "publisher" / "repo" / "dropped.gguf"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(small_model.read_bytes())

    changes = library.scan_folder(scanner)
    assert changes.new == (dropped,)
    synced = library.sync_folder(scanner, changes)

    [entry] = synced.added
    assert entry.source is Source.FOLDER
    assert entry.path == str(dropped)
    assert library.scan_folder(scanner).empty

    dropped.unlink()
    synced = library.sync_folder(scanner)

    assert [e.id for e in synced.dropped] == [entry.id]
    assert len(library.state()) == 0


def test_a_file_still_being_written_is_left_for_later(
    library: ModelLibrary, small_model: Path
) -> None:
    library.models_dir.mkdir(parents=True)
    copying = library.models_dir / "copying.gguf"
    copying.write_bytes(small_model.read_bytes()[:5000])
    now = [copying.stat().st_mtime + 0.5]
    scanner = library.scanner(settle_seconds=2.0)
    scanner.wall_clock = lambda: now[0]

    assert library.scan_folder(scanner).unsettled == (copying,)
    assert library.sync_folder(scanner).added == ()

    copying.write_bytes(small_model.read_bytes())
    now[0] = copying.stat().st_mtime + 5

    assert [e.path for e in library.sync_folder(scanner).added] == [str(copying)]


def test_a_bad_file_in_the_folder_is_refused_once_until_it_changes(
    library: ModelLibrary, small_model: Path
) -> None:
    scanner = library.scanner(settle_seconds=0)
    library.models_dir.mkdir(parents=True)
    bad = library.models_dir / "bad.gguf"
    bad.write_bytes(b"not a model at all" * 100)

    first = library.sync_folder(scanner)
    second = library.sync_folder(scanner)

    assert [p for p, _ in first.refused] == [bad]
    assert "not a GGUF" in first.refused[0][1]
    assert second.refused == ()
    assert second.added == ()
    bad.write_bytes(small_model.read_bytes())
    os.utime(bad, ns=(1, 1))  # certainly a different time than before
    assert len(library.sync_folder(scanner).added) == 1


def test_a_replaced_file_in_the_folder_is_registered_again_under_its_id(
    library: ModelLibrary, small_model: Path, tmp_path: Path
) -> None:
    scanner = library.scanner(settle_seconds=0)
    entry = library.import_file(small_model).entry
    replacement = write_model(tmp_path / "replacement.gguf", ModelSpec(seed=9))
    Path(entry.path).write_bytes(replacement.read_bytes())

    synced = library.sync_folder(scanner)

    [updated] = synced.added
    assert updated.id == entry.id
    assert updated.sha256 == sha256_of(replacement.read_bytes()) != entry.sha256


# --- LoRA adapters ----------------------------------------------------------------------------


@pytest.fixture
def base(library: ModelLibrary, small_model: Path) -> str:
    return library.import_file(small_model).entry.id


def test_a_lora_adapter_is_imported_attached_and_detached(
    library: ModelLibrary, base: str, tmp_path: Path
) -> None:
    adapter = library.import_file(write_lora(tmp_path / "style-lora.gguf")).entry
    assert adapter.kind is Kind.LORA
    assert adapter.lora_alpha == 16.0

    attachment = library.attach("summarize", base, adapter.id, scale=0.5)

    assert (attachment.task, attachment.base_id, attachment.adapter_id) == (
        "summarize",
        base,
        adapter.id,
    )
    found = library.adapter_for("summarize", base)
    assert found is not None
    assert found[0].id == adapter.id
    assert found[1] == 0.5
    assert library.adapter_for("rewrite", base) is None
    assert library.detach("summarize", base)
    assert library.adapter_for("summarize", base) is None
    assert not library.detach("summarize", base)


def test_removing_an_adapter_removes_its_attachments(
    library: ModelLibrary, base: str, tmp_path: Path
) -> None:
    adapter = library.import_file(write_lora(tmp_path / "lora.gguf")).entry
    library.attach("summarize", base, adapter.id)

    library.remove(adapter.id)

    assert library.state().attachments == ()


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"architecture": "qwen2"}, "made for qwen2 models"),
        ({"width": 128}, "does not fit"),
        ({"transposed": True}, "does not fit"),
        ({"target": "blk.7.attn_q.weight"}, "does not have"),
    ],
    ids=["architecture", "width", "transposed", "layer"],
)
def test_an_adapter_for_another_model_is_refused_with_the_reason(
    library: ModelLibrary, base: str, tmp_path: Path, options: dict[str, object], needle: str
) -> None:
    adapter = library.import_file(write_lora(tmp_path / "other-lora.gguf", **options)).entry  # type: ignore[arg-type]

    with pytest.raises(ModelFileError, match=needle):
        library.attach("summarize", base, adapter.id)

    assert library.state().attachments == ()


def test_attach_checks_which_is_the_model_and_which_the_adapter(
    library: ModelLibrary, base: str, tmp_path: Path
) -> None:
    adapter = library.import_file(write_lora(tmp_path / "lora.gguf")).entry

    with pytest.raises(UsageError, match="is a model, not a LoRA adapter"):
        library.attach("summarize", base, base)
    with pytest.raises(UsageError, match="is a LoRA adapter; attach adapters to a model"):
        library.attach("summarize", adapter.id, adapter.id)


# --- helpers ----------------------------------------------------------------------------------


def tiny_catalog(
    tmp_path: Path,
    *,
    sha256: str | None = None,
    repo: str = "hearth-test/Tiny-GGUF",
    filename: str = "hearth-tiny-f16.gguf",
) -> Catalog:
    """A one-model catalog in the real catalog's format."""
    sha_line = f'sha256 = "{sha256}"\n' if sha256 else ""
    path = tmp_path / "catalog.toml"
    path.write_text(
        f"""schema = 1
[[model]]
id = "hearth-tiny"
name = "Hearth Tiny"
family = "Hearth"
repo = "{repo}"
filename = "{filename}"
quantization = "F16"
{sha_line}approx_size_mb = 1
parameters = 100000
context_length = 4096
license = "MIT"
license_url = "https://example.invalid/license"
ram_gb = 0.5
rank = 1
notes = "A test model."
[model.shape]
architecture = "llama"
block_count = 2
embedding_length = 64
head_count = 4
head_count_kv = 2
head_dim = 16
vocab_size = 266
""",
        encoding="utf-8",
    )
    return load_catalog(path)
