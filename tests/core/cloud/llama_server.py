"""llama-cpp-python's own OpenAI-compatible server, serving a generated model on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

API_KEY = "sk-hearth-test-0123456789abcdefghijklmnop"
MODEL_ALIAS = "hearth-tiny"
READY_WITHIN_S = 60.0


@dataclass
class LlamaServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(model: Path, log: Path) -> LlamaServer:
    port = _free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--api_key", API_KEY,
        "--n_ctx", "1024",
        "--n_threads", "1",
        "--verbose", "False",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ)
        )
    server = LlamaServer(process, port, log)
    deadline = time.monotonic() + READY_WITHIN_S
    pause = threading.Event()
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
        try:
            # Ready once it answers HTTP at all: /v1/models wants the key like everything else.
            httpx.get(f"{server.base_url}/models", timeout=1.0, trust_env=False)
            return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"llama_cpp.server not ready in {READY_WITHIN_S} s: {log}")
        pause.wait(0.05)  # the next poll; the deadline bounds the whole wait


_KEY = pytest.StashKey[LlamaServer]()


def shared(request: pytest.FixtureRequest, model: Path, log_dir: Path) -> LlamaServer:
    """One server for the whole session, whichever test module asks first; stopped at the end.

    `request` is a session fixture's: its finalizer runs with the session's teardown, before
    tests/conftest.py may end the process without running config cleanups (os._exit)."""
    stash = request.config.stash
    if _KEY not in stash:
        server = start(model, log_dir / "llama-server.log")
        request.addfinalizer(server.stop)
        stash[_KEY] = server
    return stash[_KEY]
