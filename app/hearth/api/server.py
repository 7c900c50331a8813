"""Binding and running the API: loopback unless the user says otherwise, one server per port.

The socket is bound here, before uvicorn runs, so a port in use (another `hearth serve`, or
anything else) is a clear error rather than uvicorn's log line and exit. SO_REUSEADDR lets a
restarted server take its port back at once, and on Linux and macOS it does not let a second
listener share it; on Windows the port is claimed exclusively instead.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import sys
import threading

import uvicorn
from starlette.types import ASGIApp

from hearth.core.errors import HearthError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8642


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def check_bind(host: str, *, allow_remote: bool) -> str | None:
    """Refuses a non-loopback address without `allow_remote`; else the warning to show, if any."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise UsageError(
            f"{host} is not a loopback address: other machines could reach the API. Serve on "
            "127.0.0.1 (the default), or add --allow-remote if that is what you want."
        )
    return (
        f"serving on {host}: any machine that can reach this one and has the token can use "
        "the model (and the cloud, if escalation is on). Traffic is not encrypted."
    )


def bind(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise UsageError(f"Port {port} is not a TCP port (0 to 65535).")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"Cannot serve on {host}: {exc.strerror}.") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform == "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise HearthError(
                f"Port {port} on {host} is already in use (another `hearth serve`, or another "
                "program). Stop it, or choose another port with --port."
            ) from None
        raise HearthError(f"Cannot serve on {host}:{port}: {exc.strerror or exc}.") from None
    return sock


class ApiServer:
    """uvicorn on an already bound socket, in the foreground (`hearth serve`) or on a thread
    (the window)."""

    def __init__(self, app: ASGIApp, sock: socket.socket) -> None:
        self._sock = sock
        config = uvicorn.Config(
            app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def run(self) -> None:
        """Serve until Ctrl+C (uvicorn handles the signals on the main thread)."""
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="hearth-api-server", daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        return bool(self._server.started)

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self._sock.close()


def quiet_uvicorn_errors() -> None:
    """uvicorn logs each unexpected error with a traceback; the API already turned them into
    answers, so only its own start-up problems are worth the terminal."""
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
