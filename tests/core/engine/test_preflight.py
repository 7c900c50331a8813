"""The load path reads a model's header once and still refuses, before llama.cpp opens it,
every file the separate checks refuse; the engine host comes up meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gguf
import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.preflight import check_model_file, check_model_header
from hearth.core.errors import ModelFileError
from hearth.core.hardware import Memory
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.settings import Settings
from hearth.core.tasks.runner import TaskRunner
from tests.gguf_factory import write_model
from tests.hostile_models import HOSTILE, write_hostile

MIB = 1024**2
TINY = Memory(total_bytes=64 * MIB, available_bytes=32 * MIB)
ROOMY = Memory(total_bytes=64 * 1024 * MIB, available_bytes=32 * 1024 * MIB)


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


def vocabulary_only(path: Path) -> Path:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("Vocabulary only")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_a_read_header_is_refused_as_its_file_is(tmp_path: Path) -> None:
    vocab = vocabulary_only(tmp_path / "vocab-only.gguf")
    model = write_model(tmp_path / "model.gguf")

    for path, why in ((vocab, "holds no weights"), (model, "too large for this machine")):
        with pytest.raises(ModelFileError, match=why) as from_header:
            check_model_header(read_gguf_header(path), 4096, TINY)
        with pytest.raises(ModelFileError) as from_file:
            check_model_file(path, 4096, memory_probe=lambda: TINY)
        assert from_header.value.message == from_file.value.message


@pytest.mark.parametrize("why", ["no weights", "too big", "hostile", "not a model"])
def test_the_runner_refuses_a_bad_model_before_llama_cpp_opens_it(
    engine: EngineClient, tmp_path: Path, why: str
) -> None:
    if why == "no weights":
        path = vocabulary_only(tmp_path / "vocab-only.gguf")
    elif why == "too big":
        path = write_model(tmp_path / "model.gguf")
    elif why == "hostile":
        kind = next(kind for kind in HOSTILE if kind != "nan-weights")
        path = write_hostile(tmp_path / "hostile.gguf", kind)
    else:
        path = tmp_path / "notes.gguf"
        path.write_bytes(b"GGUF" + b"\xff" * 64)
    machine = TINY if why == "too big" else ROOMY
    runner = TaskRunner(engine, memory_probe=lambda: machine)

    with pytest.raises(ModelFileError):
        runner.load(path, Settings(context_size=2048, threads=1))

    # The host was started while the file was checked, and never asked to open it: it is
    # still the same one, alive, with nothing loaded.
    assert engine.loaded is None
    pid = engine.pid
    assert pid is not None
    assert engine.host_info().pid == pid


def test_the_runner_loads_a_sound_model_after_one_check(
    engine: EngineClient, tmp_path: Path
) -> None:
    path = write_model(tmp_path / "model.gguf")
    runner = TaskRunner(engine)

    info, _ = runner.load(path, Settings(context_size=512, threads=1))

    assert info.model_path == str(path)
    assert engine.pid is not None
