"""The curated model catalog: `models/catalog.toml`, loaded with tomllib and validated.

Where the file is found, in order:
1. `HEARTH_CATALOG`, when set (a distributor's or a test's own catalog);
2. inside the installed package, `hearth/data/catalog.toml` (a wheel built with the repo's
   `models/catalog.toml` force-included there);
3. a PyInstaller bundle's data folder, `<bundle>/models/catalog.toml`;
4. the source checkout: `models/catalog.toml` at the repository top, found relative to this
   file (app/hearth/core/models/ -> four levels up).
The first that exists wins, so a checkout and a frozen app read the same data.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from hearth.core.errors import HearthError
from hearth.core.models.fit import ModelShape

CATALOG_ENV: Final = "HEARTH_CATALOG"
SCHEMA: Final = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MB: Final = 1000**2
_GB: Final = 1000**3


class CatalogError(HearthError):
    """The catalog file is missing or not valid: a packaging mistake, not the user's."""


@dataclass(frozen=True)
class Quant:
    """One quantization of a catalog model: a file in its repo."""

    quantization: str
    filename: str
    approx_size_bytes: int
    sha256: str | None = None


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    family: str
    repo: str
    main: Quant  # the Q4_K_M file Hearth suggests
    other_quants: tuple[Quant, ...]
    parameters: int
    context_length: int
    license: str
    license_url: str
    ram_bytes: int
    rank: int
    notes: str
    architecture: str
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    head_dim: int
    vocab_size: int

    @property
    def filename(self) -> str:
        return self.main.filename

    @property
    def quantization(self) -> str:
        return self.main.quantization

    @property
    def approx_size_bytes(self) -> int:
        return self.main.approx_size_bytes

    @property
    def quants(self) -> tuple[Quant, ...]:
        return (self.main, *self.other_quants)

    def quant(self, name: str | None) -> Quant:
        """The main file, or the named other quantization (case-insensitive)."""
        if name is None:
            return self.main
        for quant in self.quants:
            if quant.quantization.upper() == name.upper():
                return quant
        known = ", ".join(q.quantization for q in self.quants)
        raise HearthError(f"{self.name} has no {name} file in the catalog; choose one of {known}.")

    def shape(self, quant: Quant | None = None) -> ModelShape:
        """The shape for a memory estimate before download (weights: the approximate size)."""
        return ModelShape(
            weights_bytes=(quant or self.main).approx_size_bytes,
            block_count=self.block_count,
            embedding_length=self.embedding_length,
            head_count=self.head_count,
            head_count_kv=self.head_count_kv,
            key_length=self.head_dim,
            value_length=self.head_dim,
            vocab_size=self.vocab_size,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "family": self.family,
            "repo": self.repo,
            "filename": self.filename,
            "quantization": self.quantization,
            "approx_size_bytes": self.approx_size_bytes,
            "parameters": self.parameters,
            "context_length": self.context_length,
            "license": self.license,
            "license_url": self.license_url,
            "ram_bytes": self.ram_bytes,
            "architecture": self.architecture,
            "notes": self.notes,
            "other_quants": [
                {
                    "quantization": q.quantization,
                    "filename": q.filename,
                    "approx_size_bytes": q.approx_size_bytes,
                }
                for q in self.other_quants
            ],
        }


@dataclass(frozen=True)
class Catalog:
    source: Path
    entries: tuple[CatalogEntry, ...]

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> CatalogEntry | None:
        wanted = entry_id.lower()
        return next((e for e in self.entries if e.id == wanted), None)

    def by_sha256(self, sha256: str) -> tuple[CatalogEntry, Quant] | None:
        for entry in self.entries:
            for quant in entry.quants:
                if quant.sha256 is not None and quant.sha256 == sha256:
                    return entry, quant
        return None

    def by_file(self, repo: str, filename: str) -> tuple[CatalogEntry, Quant] | None:
        for entry in self.entries:
            if entry.repo.lower() != repo.lower():
                continue
            for quant in entry.quants:
                if quant.filename == filename:
                    return entry, quant
        return None


def find_catalog_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where the catalog is (see the module docstring for the order)."""
    env = os.environ if environ is None else environ
    override = env.get(CATALOG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    for candidate in _candidates():
        if candidate.is_file():
            return candidate
    raise CatalogError(
        "Hearth's model catalog (catalog.toml) is missing from this installation. "
        f"Reinstall Hearth, or set {CATALOG_ENV} to a catalog file."
    )


def _candidates() -> Iterator[Path]:
    try:
        packaged = resources.files("hearth").joinpath("data", "catalog.toml")
        yield Path(str(packaged))
    except (ModuleNotFoundError, TypeError, ValueError):  # a zipped or odd install
        pass
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        yield Path(bundle) / "models" / "catalog.toml"
    yield Path(__file__).resolve().parents[4] / "models" / "catalog.toml"


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and validate the catalog; `CatalogError` says exactly what is wrong."""
    source = find_catalog_file() if path is None else path
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"The model catalog {source} does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"The model catalog {source} could not be read ({exc}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"The model catalog {source} is not valid TOML: {exc}.") from exc
    return Catalog(source, _parse(source, data))


# --- validation ------------------------------------------------------------------------------


class _Fields:
    """Typed access to one table, naming the entry and key in every complaint."""

    def __init__(self, source: Path, where: str, table: object) -> None:
        self._source = source
        self._where = where
        if not isinstance(table, dict):
            raise self.error(f"{where} must be a table")
        self._table: dict[str, Any] = table

    def error(self, what: str) -> CatalogError:
        return CatalogError(f"The model catalog {self._source} is invalid: {what}.")

    def text(self, key: str, pattern: re.Pattern[str] | None = None) -> str:
        value = self._table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{self._where}: '{key}' must be non-empty text")
        if pattern is not None and not pattern.match(value):
            raise self.error(f"{self._where}: '{key}' = {value!r} is not valid")
        return value

    def optional_text(self, key: str, pattern: re.Pattern[str]) -> str | None:
        return None if key not in self._table else self.text(key, pattern)

    def number(self, key: str, *, whole: bool = True) -> int | float:
        value = self._table.get(key)
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
            kind = "a positive whole number" if whole else "a positive number"
            raise self.error(f"{self._where}: '{key}' must be {kind}")
        return value

    def whole(self, key: str) -> int:
        return int(self.number(key))

    def gguf_name(self, key: str) -> str:
        name = self.text(key)
        if not name.lower().endswith(".gguf") or "/" in name or "\\" in name or ".." in name:
            raise self.error(f"{self._where}: '{key}' = {name!r} must be a .gguf file name")
        return name

    def table(self, key: str) -> _Fields:
        return _Fields(self._source, f"{self._where}.{key}", self._table.get(key))

    def tables(self, key: str) -> list[_Fields]:
        value = self._table.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"{self._where}: '{key}' must be a list of tables")
        return [_Fields(self._source, f"{self._where}.{key}[{i}]", v) for i, v in enumerate(value)]


def _quant(fields: _Fields) -> Quant:
    return Quant(
        quantization=fields.text("quantization"),
        filename=fields.gguf_name("filename"),
        approx_size_bytes=fields.whole("approx_size_mb") * _MB,
        sha256=fields.optional_text("sha256", _SHA256),
    )


def _entry(fields: _Fields) -> CatalogEntry:
    shape = fields.table("shape")
    entry = CatalogEntry(
        id=fields.text("id", _ID),
        name=fields.text("name"),
        family=fields.text("family"),
        repo=fields.text("repo", _REPO),
        main=_quant(fields),
        other_quants=tuple(_quant(q) for q in fields.tables("other_quants")),
        parameters=fields.whole("parameters"),
        context_length=fields.whole("context_length"),
        license=fields.text("license"),
        license_url=fields.text("license_url"),
        ram_bytes=int(fields.number("ram_gb", whole=False) * _GB),
        rank=fields.whole("rank"),
        notes=fields.text("notes"),
        architecture=shape.text("architecture"),
        block_count=shape.whole("block_count"),
        embedding_length=shape.whole("embedding_length"),
        head_count=shape.whole("head_count"),
        head_count_kv=shape.whole("head_count_kv"),
        head_dim=shape.whole("head_dim"),
        vocab_size=shape.whole("vocab_size"),
    )
    if entry.head_count % entry.head_count_kv:
        raise fields.error(f"model '{entry.id}': head_count must be a multiple of head_count_kv")
    names = [q.quantization.upper() for q in entry.quants]
    if len(set(names)) != len(names):
        raise fields.error(f"model '{entry.id}' lists a quantization twice")
    return entry


def _parse(source: Path, data: dict[str, Any]) -> tuple[CatalogEntry, ...]:
    top = _Fields(source, "the catalog", data)
    schema = data.get("schema")
    if schema != SCHEMA:
        raise top.error(f"'schema' is {schema!r}; this Hearth reads schema {SCHEMA}")
    entries = [_entry(fields) for fields in top.tables("model")]
    if not entries:
        raise top.error("it lists no [[model]] entries")
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise top.error(f"the id '{entry.id}' is used twice")
        seen.add(entry.id)
    return tuple(entries)
