"""One model (or LoRA adapter) the local store knows: where it is and what it is."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from hearth.core.models.fit import ModelShape
from hearth.core.models.gguf_header import GGUFHeader

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SLUG_JUNK = re.compile(r"[^a-z0-9._-]+")


class Kind(StrEnum):
    MODEL = "model"
    LORA = "lora"


class Source(StrEnum):
    """How the file came to Hearth; decides whether removing the entry deletes the file."""

    HUB = "hub"  # downloaded by Hearth
    COPY = "copy"  # `import --copy`
    LINK = "link"  # `import --link`: used in place
    FOLDER = "folder"  # dropped into the models folder
    HUGGINGFACE_CACHE = "huggingface-cache"
    LM_STUDIO = "lm-studio"
    GPT4ALL = "gpt4all"
    JAN = "jan"
    OLLAMA = "ollama"

    @property
    def managed(self) -> bool:
        """Hearth owns the file: it lives in the models folder and goes when the entry goes."""
        return self in (Source.HUB, Source.COPY, Source.FOLDER)


@dataclass(frozen=True)
class HubOrigin:
    repo: str
    filename: str
    commit: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ModelEntry:
    id: str
    kind: Kind
    source: Source
    path: str  # absolute
    sha256: str
    size: int
    mtime_ns: int  # with size: a cheap "has the file changed since it was checked?"
    name: str
    architecture: str | None
    parameter_count: int
    quantization: str | None
    context_length: int | None
    has_chat_template: bool
    shape: ModelShape
    added_at: str
    catalog_id: str | None = None
    hub: HubOrigin | None = None
    lora_alpha: float | None = None
    # Fields this version does not know (a newer Hearth's): kept and written back verbatim.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def managed(self) -> bool:
        return self.source.managed

    def stat_matches(self, status: os.stat_result) -> bool:
        return status.st_size == self.size and status.st_mtime_ns == self.mtime_ns

    @classmethod
    def from_header(
        cls,
        entry_id: str,
        header: GGUFHeader,
        *,
        sha256: str,
        status: os.stat_result,
        source: Source,
        path: Path,
        catalog_id: str | None = None,
        hub: HubOrigin | None = None,
        now: datetime | None = None,
    ) -> ModelEntry:
        return cls(
            id=entry_id,
            kind=Kind.LORA if header.is_lora else Kind.MODEL,
            source=source,
            path=str(path),
            sha256=sha256,
            size=status.st_size,
            mtime_ns=status.st_mtime_ns,
            name=header.name or path.stem,
            architecture=header.architecture,
            parameter_count=header.parameter_count,
            quantization=header.quantization,
            context_length=header.context_length,
            has_chat_template=header.chat_template is not None,
            shape=ModelShape.from_header(header),
            added_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
            catalog_id=catalog_id,
            hub=hub,
            lora_alpha=header.lora_alpha,
        )

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("extra")
        data = {**self.extra, **data}
        data["kind"] = self.kind.value
        data["source"] = self.source.value
        data["shape"] = self.shape.to_json()
        data["hub"] = None if self.hub is None else self.hub.to_json()
        return data

    @classmethod
    def from_json(cls, data: object) -> ModelEntry:
        """Rebuild an entry; `ValueError` (with the reason) for anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("an entry must be a JSON object")
        try:
            hub = data.get("hub")
            entry = cls(
                id=_text(data["id"]),
                kind=Kind(data["kind"]),
                source=Source(data["source"]),
                path=_text(data["path"]),
                sha256=_text(data["sha256"]),
                size=_count(data["size"]),
                mtime_ns=_count(data["mtime_ns"]),
                name=_text(data["name"]),
                architecture=_maybe_text(data.get("architecture")),
                parameter_count=_count(data["parameter_count"]),
                quantization=_maybe_text(data.get("quantization")),
                context_length=_maybe_count(data.get("context_length")),
                has_chat_template=bool(data["has_chat_template"]),
                shape=ModelShape.from_json(data["shape"]),
                added_at=_text(data["added_at"]),
                catalog_id=_maybe_text(data.get("catalog_id")),
                hub=None
                if hub is None
                else HubOrigin(
                    _text(hub["repo"]), _text(hub["filename"]), _maybe_text(hub.get("commit"))
                ),
                lora_alpha=_maybe_float(data.get("lora_alpha")),
                extra={k: v for k, v in data.items() if k not in _KNOWN},
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"missing or wrong field ({exc})") from exc
        if not _SHA256.match(entry.sha256):
            raise ValueError(f"'{entry.sha256}' is not a SHA-256")
        if not os.path.isabs(entry.path):
            raise ValueError(f"path {entry.path!r} is not absolute")
        return entry

    def describe(self) -> str:
        size = f"{self.size / 1e9:.2f} GB" if self.size >= 1e8 else f"{self.size / 1e6:.1f} MB"
        quant = f" {self.quantization}" if self.quantization else ""
        return f"{self.name}{quant}, {size}"


_KNOWN = frozenset(f.name for f in dataclasses.fields(ModelEntry)) - {"extra"}


def slug(text: str) -> str:
    """A readable id from a file or model name: lower case, safe characters only."""
    base = text.lower()
    if base.endswith(".gguf"):
        base = base[: -len(".gguf")]
    cleaned = _SLUG_JUNK.sub("-", base).strip("-._")
    return cleaned[:64] or "model"


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"expected text, got {value!r}")
    return value


def _maybe_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _maybe_count(value: object) -> int | None:
    return None if value is None else _count(value)


def _maybe_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)
