"""What the engine host's start costs: it imports llama_cpp and what it serves requests with,
not the command line's or the assistant's modules, and numpy's BLAS starts one thread; and
`EngineClient.start`, which starts it without waiting for it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import HOST_SUBCOMMAND, host_command
from hearth.core.engine.types import LoadOptions

# Modules only the app's other faces use: the host never needs them.
NOT_IN_THE_HOST = {"hearth.cli.context", "hearth.core.assistant"}


def imported_by_host(command: list[str]) -> set[str]:
    """The modules a host run with `command` imports before it reads EOF and exits."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "hearth", HOST_SUBCOMMAND],  # how host_command starts it from a source tree
        # The frozen app's path: its entry point hands every argument to hearth.cli.main.
        ["-c", f"import sys; from hearth.cli import main; sys.exit(main([{HOST_SUBCOMMAND!r}]))"],
    ],
    ids=["python -m hearth", "hearth.cli.main"],
)
def test_the_host_imports_llama_cpp_but_not_the_assistant(command: list[str]) -> None:
    modules = imported_by_host(command)

    assert {
        "llama_cpp",
        "hearth.core.engine.protocol",
        "hearth.core.privacy.network_guard",
    } <= modules
    assert modules.isdisjoint(NOT_IN_THE_HOST)
    if command[0] == "-m":  # not even the command line's own modules
        assert "hearth.cli" not in modules


@pytest.fixture
def engine(hearth_home: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    yield client
    client.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/environ")
def test_the_host_runs_numpy_blas_on_one_thread(engine: EngineClient) -> None:
    engine.host_info()
    assert engine.pid is not None
    environ = Path(f"/proc/{engine.pid}/environ").read_bytes().split(b"\0")

    assert b"OPENBLAS_NUM_THREADS=1" in environ


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/environ")
def test_a_blas_thread_count_the_user_chose_is_kept(hearth_home: Path) -> None:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "3"}
    with EngineClient(host_command(), log_dir=hearth_home / "logs", env=env) as engine:
        engine.host_info()
        assert engine.pid is not None
        environ = Path(f"/proc/{engine.pid}/environ").read_bytes().split(b"\0")

    assert b"OPENBLAS_NUM_THREADS=3" in environ


def test_start_brings_up_one_host_that_load_then_uses(
    engine: EngineClient, tiny_model: Path
) -> None:
    engine.start()
    pid = engine.pid
    assert pid is not None
    engine.start()  # a host is running: no second one
    assert engine.pid == pid

    info = engine.load(LoadOptions(model_path=str(tiny_model), context_size=256, threads=1))

    assert info.model_path == str(tiny_model)
    assert engine.pid == pid
    assert engine.host_info().pid == pid


def test_closing_a_host_that_has_not_said_hello_ends_it(hearth_home: Path) -> None:
    engine = EngineClient(host_command(), log_dir=hearth_home / "logs")
    engine.start()
    pid = engine.pid
    assert pid is not None

    engine.close()

    assert engine.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
