"""The engine host does not outlive Hearth, even when Hearth is killed (issue 18)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's"
)

PARENT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from hearth.core.engine.client import EngineClient
    from hearth.core.engine.launcher import host_command
    client = EngineClient(host_command(), log_dir=Path(sys.argv[1]))
    print(client.host_info().pid, flush=True)
    sys.stdin.read()  # until killed
    """
)


def exited_within(pid: int, seconds: float) -> bool:
    """Whether process `pid` ends within `seconds` (a pidfd becomes readable at its exit)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], seconds)
        return bool(readable)
    finally:
        os.close(fd)


@pytest.mark.parametrize("stopped", [False, True], ids=["running", "stopped"])
def test_the_host_dies_with_a_killed_parent(tmp_path: Path, stopped: bool) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    assert parent.stdin is not None
    host = int(parent.stdout.readline())
    try:
        if stopped:
            os.kill(host, signal.SIGSTOP)  # a stopped host never reads its pipe's EOF
        parent.kill()
        parent.wait(timeout=30)

        assert exited_within(host, 20), "the engine host outlived its parent"
    finally:
        parent.stdin.close()
        parent.stdout.close()
        if not exited_within(host, 0):
            os.kill(host, signal.SIGKILL)
