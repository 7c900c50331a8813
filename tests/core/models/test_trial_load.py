"""Models whose headers parse but which llama.cpp cannot run are refused at import, with the
reason, and the store stays as it was (issue 18); the context is capped before loading."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.preflight import usable_context
from hearth.core.errors import ModelFileError
from hearth.core.hardware import Memory
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.models.library import ModelLibrary
from hearth.core.models.runnable import check_runnable
from hearth.core.models.store import ModelStore
from hearth.core.models.trial_load import TrialLoad
from hearth.core.settings import MIN_CONTEXT, Settings
from hearth.core.tasks.runner import TaskRunner
from tests.gguf_factory import ModelSpec, write_model
from tests.hostile_models import HOSTILE, write_hostile

GIB = 1024**3


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {kind: write_hostile(folder / f"{kind}.gguf", kind) for kind in HOSTILE}


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


@pytest.fixture
def library(tmp_path: Path, engine: EngineClient) -> ModelLibrary:
    return ModelLibrary(
        ModelStore(tmp_path / "index.json"),
        tmp_path / "models",
        trial=TrialLoad(engine, threads=1),
    )


@pytest.mark.parametrize("kind", [k for k in HOSTILE if k != "nan-weights"])
def test_a_header_llama_cpp_cannot_run_is_refused_with_its_reason(
    hostile: dict[str, Path], kind: str
) -> None:
    header = read_gguf_header(hostile[kind])  # a sound GGUF as far as the format goes

    with pytest.raises(ModelFileError) as refused:
        check_runnable(header)

    assert HOSTILE[kind] in refused.value.message
    assert hostile[kind].name in refused.value.message


def test_nan_weights_pass_the_header_checks(hostile: dict[str, Path]) -> None:
    check_runnable(read_gguf_header(hostile["nan-weights"]))  # only running it shows them


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "link"])
def test_import_refuses_each_unusable_model_and_keeps_the_store(
    library: ModelLibrary, hostile: dict[str, Path], tiny_model: Path, copy: bool
) -> None:
    library.import_file(tiny_model, copy=copy)
    library.models_dir.mkdir(parents=True, exist_ok=True)
    before = library.store.index_path.read_bytes()

    for kind, path in hostile.items():
        with pytest.raises(ModelFileError) as refused:
            library.import_file(path, copy=copy)
        assert HOSTILE[kind] in refused.value.message, kind
        assert "\n" not in refused.value.message

    assert library.store.index_path.read_bytes() == before
    kept = sorted(p.name for p in library.models_dir.rglob("*") if p.is_file())
    assert kept == (["tiny.gguf"] if copy else [])  # nothing copied in, nothing half-copied


def test_the_trial_leaves_no_model_loaded(
    library: ModelLibrary, engine: EngineClient, tiny_model: Path
) -> None:
    added = library.import_file(tiny_model, copy=False)

    assert added.added
    assert engine.loaded is None  # the trial's model does not stay in memory


# -- the context is capped before llama.cpp allocates ------------------------------------------


def test_a_header_claiming_a_huge_context_is_capped_to_what_memory_allows(tmp_path: Path) -> None:
    path = write_model(tmp_path / "huge-ctx.gguf", ModelSpec(context_length=2**31 - 1))
    header = read_gguf_header(path)
    small = Memory(total_bytes=GIB // 8, available_bytes=GIB // 8)

    size = usable_context(header, 1 << 20, small)

    assert MIN_CONTEXT <= size < 1 << 20


def test_the_runner_loads_no_more_context_than_the_model_was_trained_for(
    engine: EngineClient, tmp_path: Path
) -> None:
    path = write_model(tmp_path / "short.gguf", ModelSpec(context_length=1024))
    runner = TaskRunner(engine)

    info, _ = runner.load(path, Settings(context_size=8192, threads=1))

    assert info.context_size == 1024
