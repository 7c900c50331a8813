"""Fixtures for the model library: real GGUF files, a real local Hub, a private store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import gguf
import numpy as np
import pytest

from hearth.core.models.catalog import Catalog, load_catalog
from hearth.core.models.hub.client import HuggingFaceHub
from hearth.core.models.hub.download import Downloader
from hearth.core.models.hub.transfer_watch import HubTimeouts
from hearth.core.models.library import ModelLibrary
from hearth.core.models.store import ModelStore
from tests.gguf_factory import ModelSpec, write_model
from tests.hub_server import HubServer

MIB = 1024 * 1024
# Bigger than huggingface_hub's 10 MiB write chunk, so a download can stop with part of the
# file on disk: resuming is only observable past the first chunk.
BIG_SPEC = ModelSpec(width=64, layers=1, heads=4, kv_heads=2, ffn=65536, name="Hearth Big")
# Seconds: short, because every server here is on 127.0.0.1 and answers at once or never.
TEST_TIMEOUTS = HubTimeouts(connect=2.0, read=0.5, retries_without_progress=1)


@pytest.fixture(scope="session")
def big_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_model(tmp_path_factory.mktemp("big") / "hearth-big-f16.gguf", BIG_SPEC)
    assert path.stat().st_size > 2 * 10 * MIB + MIB
    return path


@pytest.fixture(scope="session")
def big_bytes(big_model: Path) -> bytes:
    return big_model.read_bytes()


@pytest.fixture(scope="session")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("small") / "hearth-small-f16.gguf")


@pytest.fixture
def hub() -> Iterator[HubServer]:
    server = HubServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def models_home(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(models_home: Path) -> ModelStore:
    return ModelStore(models_home / "model-index.json", lock_timeout=5)


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def library(store: ModelStore, models_home: Path, catalog: Catalog) -> ModelLibrary:
    return ModelLibrary(store, models_home / "models", catalog=catalog)


@pytest.fixture
def downloader(library: ModelLibrary, hub: HubServer) -> Downloader:
    # Every network read is reported: a callback that cancels then acts at a known point.
    return Downloader(
        library.downloads_dir,
        HuggingFaceHub(hub.endpoint, token=False),
        timeouts=TEST_TIMEOUTS,
        report_every=0.0,
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_under(folder: Path) -> list[str]:
    """Every file below `folder` (relative, sorted), to show nothing was left behind.

    Empty lock files do not count: they hold nothing, and deleting one while another process
    may be opening it would break the lock.
    """
    if not folder.exists():
        return []
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not (p.suffix == ".lock" and p.stat().st_size == 0)
    )


def write_lora(
    path: Path,
    *,
    architecture: str = "llama",
    width: int = 64,
    rank: int = 4,
    kv_width: int = 32,
    transposed: bool = False,
    target: str = "blk.0.attn_q.weight",
) -> Path:
    """A LoRA adapter GGUF as llama.cpp's convert_lora_to_gguf.py writes one."""
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, 16.0)
    writer.add_name("Hearth Test LoRA")
    # numpy shapes are (rows, cols); ggml's order is the reverse: (cols, rows).
    a = np.zeros((rank, width), dtype=np.float32)  # ggml (width, rank)
    b = np.zeros((width, rank), dtype=np.float32)  # ggml (rank, width)
    if transposed:
        a, b = np.zeros((width, rank), dtype=np.float32), np.zeros((rank, width), dtype=np.float32)
    writer.add_tensor(f"{target}.lora_a", a)
    writer.add_tensor(f"{target}.lora_b", b)
    kv_a = np.zeros((rank, width), dtype=np.float32)
    kv_b = np.zeros((kv_width, rank), dtype=np.float32)
    writer.add_tensor("blk.0.attn_k.weight.lora_a", kv_a)
    writer.add_tensor("blk.0.attn_k.weight.lora_b", kv_b)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
