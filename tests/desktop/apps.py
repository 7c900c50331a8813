"""Processes the desktop tests drive: the target application, xclip, Hearth itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


class TargetApp:
    """tests/desktop/target_app.py: a line edit with a selected text, reporting its text."""

    def __init__(self, env: dict[str, str], text: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "target_app.py"), text],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("ready "), line
        self.window = int(line.split()[1])

    def next_text(self) -> str:
        """The line edit's text after its next change (blocks until it changes)."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            assert line, "the target application ended"
            if not line.startswith("ready "):
                return str(json.loads(line))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def xclip_in(env: dict[str, str], selection: str, data: bytes, target: str | None = None) -> None:
    """Another X client owns `selection` with `data` (xclip forks and serves it)."""
    args = ["xclip", "-selection", selection, "-i"]
    if target:
        args += ["-t", target]
    subprocess.run(args, input=data, env=env, check=True, timeout=10)


def xclip_out(env: dict[str, str], selection: str, target: str) -> bytes:
    return subprocess.run(
        ["xclip", "-selection", selection, "-t", target, "-o"],
        env=env,
        check=True,
        capture_output=True,
        timeout=10,
    ).stdout


def hearth(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hearth", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
