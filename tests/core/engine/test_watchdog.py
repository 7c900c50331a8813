"""An engine host that stops answering is noticed and ended; the next request gets a fresh
one (issue 18: a SIGSTOPped engine made a batch wait forever)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, LoadOptions
from hearth.core.engine.watchdog import process_stopped
from hearth.core.errors import EngineCrashed

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process state from /proc"
)

REQUEST = GenerateRequest((Message("user", "Hello there."),), max_tokens=4, seed=1)


@pytest.fixture
def engine(hearth_home: Path, tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_model), context_size=512, threads=1))
    yield client
    client.close()


def test_a_stopped_host_is_ended_and_the_next_request_gets_a_fresh_one(
    engine: EngineClient,
) -> None:
    stopped = engine.pid
    assert stopped is not None
    os.kill(stopped, signal.SIGSTOP)
    os.waitid(os.P_PID, stopped, os.WSTOPPED | os.WNOWAIT)  # until it is stopped (our child)
    assert process_stopped(stopped)

    with pytest.raises(EngineCrashed) as crashed:
        engine.complete(REQUEST)

    assert "stopped (suspended)" in crashed.value.message
    result = engine.complete(REQUEST)  # a fresh host, the model reloaded
    assert result.stats.output_tokens >= 1
    assert engine.pid not in (None, stopped)


def test_a_running_process_is_not_stopped() -> None:
    assert not process_stopped(os.getpid())
