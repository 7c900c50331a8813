"""What --model and the settings' model name: a path, a store id, a catalog id."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth.core.errors import ModelFileError, UsageError
from hearth.core.models.catalog import Catalog
from hearth.core.models.library import ModelLibrary
from hearth.core.models.locate import resolve_model
from hearth.core.paths import Paths
from tests.core.models.conftest import write_lora


def test_a_path_is_a_path(tmp_path: Path, library: ModelLibrary) -> None:
    assert resolve_model(str(tmp_path / "m.gguf"), library.store) == tmp_path / "m.gguf"
    assert resolve_model("~/m.gguf", library.store) == Path("~/m.gguf").expanduser()


def test_a_store_id_or_hash_prefix_names_its_file(library: ModelLibrary, small_model: Path) -> None:
    entry = library.import_file(small_model).entry

    assert resolve_model(entry.id, library.store) == Path(entry.path)
    assert resolve_model(entry.sha256[:12], library.store) == Path(entry.path)


def test_the_default_store_is_the_one_under_hearth_home(
    small_model: Path, catalog: Catalog
) -> None:
    library = ModelLibrary.for_paths(Paths.from_environment(), catalog)
    entry = library.import_file(small_model).entry

    assert resolve_model(entry.id) == Path(entry.path)


def test_a_catalog_model_not_downloaded_says_how_to_get_it(
    library: ModelLibrary, catalog: Catalog
) -> None:
    with pytest.raises(ModelFileError, match=r"hearth models pull qwen3-1\.7b"):
        resolve_model("qwen3-1.7b", library.store, catalog)


def test_an_unknown_name_says_where_to_look(library: ModelLibrary, catalog: Catalog) -> None:
    with pytest.raises(ModelFileError, match="hearth models list"):
        resolve_model("mistery-model", library.store, catalog)


def test_an_adapter_is_not_a_model(
    library: ModelLibrary, small_model: Path, tmp_path: Path
) -> None:
    adapter = library.import_file(write_lora(tmp_path / "lora.gguf")).entry

    with pytest.raises(UsageError, match="is a LoRA adapter, not a model"):
        resolve_model(adapter.id, library.store)


def test_nothing_chosen_is_a_usage_error(library: ModelLibrary) -> None:
    with pytest.raises(UsageError, match="No model chosen"):
        resolve_model("  ", library.store)
