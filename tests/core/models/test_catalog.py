"""The curated catalog: the real file is complete and honest; a broken one is named exactly."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hearth.core.errors import HearthError
from hearth.core.models import catalog as catalog_module
from hearth.core.models.catalog import (
    CATALOG_ENV,
    Catalog,
    CatalogError,
    find_catalog_file,
    load_catalog,
)
from hearth.core.models.fit import estimate_memory

REPO_ROOT = Path(__file__).resolve().parents[3]
REQUIRED = {
    "llama-3.2-1b-instruct": ("Llama 3.2 1B", "llama"),
    "llama-3.2-3b-instruct": ("Llama 3.2 3B", "llama"),
    "qwen2.5-1.5b-instruct": ("Qwen2.5 1.5B", "qwen2"),
    "qwen2.5-3b-instruct": ("Qwen2.5 3B", "qwen2"),
    "qwen3-1.7b": ("Qwen3 1.7B", "qwen3"),
    "qwen3-4b": ("Qwen3 4B", "qwen3"),
}


def test_the_catalog_is_found_in_the_checkout() -> None:
    assert find_catalog_file({}) == REPO_ROOT / "models" / "catalog.toml"


def test_hearth_catalog_overrides_where_it_is_found(tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"

    assert find_catalog_file({CATALOG_ENV: str(own)}) == own


def test_a_frozen_bundle_finds_its_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "models" / "catalog.toml"
    bundled.parent.mkdir()
    bundled.write_bytes((REPO_ROOT / "models" / "catalog.toml").read_bytes())
    monkeypatch.setattr(catalog_module.sys, "_MEIPASS", str(tmp_path), raising=False)

    assert find_catalog_file({}) == bundled


def test_the_catalog_lists_the_six_models_in_q4_k_m(catalog: Catalog) -> None:
    assert {e.id for e in catalog} == set(REQUIRED)
    for entry in catalog:
        name, architecture = REQUIRED[entry.id]
        assert entry.name.startswith(name)
        assert entry.architecture == architecture
        assert entry.quantization == "Q4_K_M"
        assert "q4_k_m" in entry.filename.lower()
        assert entry.filename.endswith(".gguf")
        assert entry.repo.count("/") == 1
        assert entry.license
        assert entry.license_url.startswith("https://")
        assert entry.other_quants, f"{entry.id} notes no other quantizations"
        assert entry.context_length >= 32768
        assert 0.5e9 < entry.approx_size_bytes < 3e9
        assert 1e9 < entry.parameters < 5e9


def test_sizes_grow_with_the_quantization(catalog: Catalog) -> None:
    order = ["Q3_K_L", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"]
    for entry in catalog:
        sizes = sorted(entry.quants, key=lambda q: order.index(q.quantization))
        assert [q.approx_size_bytes for q in sizes] == sorted(q.approx_size_bytes for q in sizes)


def test_the_ram_each_model_claims_covers_the_estimate(catalog: Catalog) -> None:
    for entry in catalog:
        needed = estimate_memory(entry.shape(), 4096).total_bytes
        assert entry.ram_bytes >= needed, f"{entry.id}: ram_gb below the estimate"
        assert entry.ram_bytes < 1.5 * needed + 1e9, f"{entry.id}: ram_gb far above it"


def test_a_quantization_is_chosen_by_name(catalog: Catalog) -> None:
    entry = catalog.get("llama-3.2-1b-instruct")
    assert entry is not None

    assert entry.quant(None) == entry.main
    assert entry.quant("q8_0").filename == "Llama-3.2-1B-Instruct-Q8_0.gguf"
    with pytest.raises(HearthError, match="no IQ1_S file"):
        entry.quant("IQ1_S")


# --- a broken catalog is named precisely -----------------------------------------------------


@pytest.fixture(scope="module")
def good_text() -> str:
    return (REPO_ROOT / "models" / "catalog.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('id = "qwen3-4b"', 'id = "Qwen3 4B!"', r"'id' = 'Qwen3 4B!' is not valid"),
        ('id = "qwen3-1.7b"', 'id = "qwen3-4b"', "the id 'qwen3-4b' is used twice"),
        ('repo = "bartowski/Qwen_Qwen3-4B-GGUF"', 'repo = "no-slash"', "'repo'"),
        ('filename = "Qwen_Qwen3-4B-Q4_K_M.gguf"', 'filename = "../x.gguf"', "file name"),
        ("approx_size_mb = 2500", "approx_size_mb = -1", "'approx_size_mb'"),
        ("ram_gb = 4.0", 'ram_gb = "lots"', "'ram_gb' must be a positive number"),
        (
            "head_count_kv = 8\nhead_dim = 128  #",
            "head_count_kv = 7\nhead_dim = 128  #",
            "multiple",
        ),
        ("schema = 1", "schema = 7", "this Hearth reads schema 1"),
    ],
)
def test_a_mistake_is_reported_with_where_it_is(
    tmp_path: Path, good_text: str, old: str, new: str, needle: str
) -> None:
    assert old in good_text
    path = write(tmp_path, good_text.replace(old, new, 1))

    with pytest.raises(CatalogError, match=needle) as caught:
        load_catalog(path)

    assert str(path) in caught.value.message


def test_a_sha256_must_look_like_one(tmp_path: Path, good_text: str) -> None:
    text = good_text.replace(
        'quantization = "Q4_K_M"\n', 'quantization = "Q4_K_M"\nsha256 = "abc"\n', 1
    )

    with pytest.raises(CatalogError, match="'sha256'"):
        load_catalog(write(tmp_path, text))


def test_not_toml_and_missing_are_catalog_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(write(tmp_path, "[[model]\nid ="))
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "nowhere.toml")


def test_the_real_file_is_plain_toml(good_text: str) -> None:
    data = tomllib.loads(good_text)
    assert data["schema"] == 1
    assert len(data["model"]) == len(REQUIRED)
