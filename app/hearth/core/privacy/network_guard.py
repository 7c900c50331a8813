"""Air-gapped mode, enforced: refuse every network connection that is not to this machine.

The guard patches the socket module for the whole process: `socket.socket.connect`,
`connect_ex`, `sendto` and `sendmsg` (so TCP, UDP and TLS sockets, and every library built on
them: httpx, huggingface_hub, urllib, asyncio), and the name lookups (`getaddrinfo`,
`gethostbyname(_ex)`, `gethostbyaddr`), because resolving a name already sends the name to a DNS
server. A process has one socket module, so this is necessarily process-global state: it lives
in a `NetworkGuard` object with explicit `install()`/`uninstall()`, and at most one guard is
installed at a time. Loopback (127.0.0.0/8, ::1, "localhost") and Unix sockets stay allowed:
the engine host and a local OpenAI-compatible server are on this machine.

Every refused attempt is recorded with host:port (and appended to a JSON-lines file when one is
given, so the attempts of the engine host process can be read by the app and by tests).
huggingface_hub is put in offline mode too (HF_HUB_OFFLINE), so it fails fast with its own
clear error instead of retrying a refused connection.

What it cannot stop: native code that opens sockets without going through Python (llama.cpp's
own downloader, if a build has it; Hearth never calls it).

The engine host process installs a guard at start when the app passes it the environment of
`child_environment(air_gapped=True, ...)`: see `guard_from_environment`.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

AIR_GAPPED_ENV = "HEARTH_AIR_GAPPED"
RECORD_ENV = "HEARTH_NETWORK_GUARD_RECORD"
HF_OFFLINE_ENV = "HF_HUB_OFFLINE"

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_INET_FAMILIES = (socket.AF_INET, socket.AF_INET6)
_MARK = "__hearth_network_guard__"


class NetworkRefused(ConnectionRefusedError):
    """Raised instead of connecting: Hearth is air-gapped."""

    def __init__(self, host: str, port: int | None) -> None:
        where = host if port is None else f"{host}:{port}"
        super().__init__(errno.ECONNREFUSED, f"Hearth is air-gapped: connection to {where} refused")
        self.host = host
        self.port = port


@dataclass(frozen=True)
class RefusedAttempt:
    host: str
    port: int | None
    via: str  # the refused call: "connect", "getaddrinfo", ...
    pid: int
    time: float

    @property
    def where(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"


def is_loopback_host(host: str) -> bool:
    """Whether connecting to `host` stays on this machine. Other names would need DNS."""
    name = host.strip().strip("[]").split("%", 1)[0].lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _text(host: object) -> str:
    if isinstance(host, bytes):
        return host.decode("ascii", errors="replace")
    return str(host)


def _port(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str | bytes):
        try:
            return int(value)
        except ValueError:
            return None
    return None


class NetworkGuard:
    def __init__(
        self,
        *,
        record_file: Path | None = None,
        on_refused: Callable[[RefusedAttempt], None] | None = None,
    ) -> None:
        self._record_file = record_file
        self._on_refused = on_refused
        self._lock = threading.Lock()
        self._attempts: list[RefusedAttempt] = []
        self._originals: dict[tuple[object, str], Any] = {}
        self._saved_env: str | None = None
        self._saved_hf_constant: object = _UNSET
        self._installed = False

    # -- what it saw ---------------------------------------------------------------------

    @property
    def attempts(self) -> tuple[RefusedAttempt, ...]:
        with self._lock:
            return tuple(self._attempts)

    @property
    def installed(self) -> bool:
        return self._installed

    def _refuse(self, host: str, port: int | None, via: str) -> NetworkRefused:
        attempt = RefusedAttempt(host, port, via, os.getpid(), time.time())
        with self._lock:
            self._attempts.append(attempt)
            if self._record_file is not None:
                try:
                    with self._record_file.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(asdict(attempt)) + "\n")
                except OSError:
                    pass  # the refusal itself matters more than its record
        if self._on_refused is not None:
            self._on_refused(attempt)
        return NetworkRefused(host, port)

    # -- install / uninstall -------------------------------------------------------------

    def install(self) -> None:
        if self._installed:
            return
        if getattr(socket.socket.connect, _MARK, False):
            raise RuntimeError("another NetworkGuard is already installed in this process")
        guard = self
        sock_cls = socket.socket
        real_connect = sock_cls.connect
        real_connect_ex = sock_cls.connect_ex
        real_sendto = sock_cls.sendto
        real_sendmsg: Any = getattr(sock_cls, "sendmsg", None)  # absent on Windows
        real_getaddrinfo = socket.getaddrinfo
        real_gethostbyname = socket.gethostbyname
        real_gethostbyname_ex = socket.gethostbyname_ex
        real_gethostbyaddr = socket.gethostbyaddr

        def check(sock: socket.socket, address: object, via: str) -> None:
            if sock.family not in _INET_FAMILIES or not isinstance(address, tuple):
                return  # Unix sockets, netlink...: they do not leave the machine
            host = _text(address[0]) if address else ""
            port = _port(address[1]) if len(address) > 1 else None
            if not is_loopback_host(host):
                raise guard._refuse(host, port, via)

        def connect(self: socket.socket, address: Any) -> None:
            check(self, address, "connect")
            real_connect(self, address)

        def connect_ex(self: socket.socket, address: Any) -> int:
            try:
                check(self, address, "connect_ex")
            except NetworkRefused:
                return errno.ECONNREFUSED
            return real_connect_ex(self, address)

        def sendto(self: socket.socket, data: Any, *args: Any) -> int:
            if args:  # sendto(data, address) or sendto(data, flags, address)
                check(self, args[-1], "sendto")
            result: int = real_sendto(self, data, *args)
            return result

        def sendmsg(self: socket.socket, *args: Any) -> int:
            if len(args) >= 4 and args[3] is not None:  # (buffers, ancdata, flags, address)
                check(self, args[3], "sendmsg")
            result: int = real_sendmsg(self, *args)
            return result

        def lookup_allowed(host: object, port: object, via: str) -> None:
            if host is None:
                return  # the wildcard or loopback address: no lookup
            name = _text(host)
            if not (_is_ip_literal(name) or is_loopback_host(name)):
                raise guard._refuse(name, _port(port), via)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            lookup_allowed(host, port, "getaddrinfo")
            return real_getaddrinfo(host, port, *args, **kwargs)

        def gethostbyname(host: str) -> str:
            lookup_allowed(host, None, "gethostbyname")
            return real_gethostbyname(host)

        def gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
            lookup_allowed(host, None, "gethostbyname_ex")
            return real_gethostbyname_ex(host)

        def gethostbyaddr(host: str) -> tuple[str, list[str], list[str]]:
            # Reverse lookups of any address but loopback ask a DNS server.
            if not is_loopback_host(_text(host)):
                raise guard._refuse(_text(host), None, "gethostbyaddr")
            return real_gethostbyaddr(host)

        for fn in (connect, connect_ex, sendto, sendmsg):
            setattr(fn, _MARK, True)
        patches: list[tuple[object, str, Any]] = [
            (sock_cls, "connect", connect),
            (sock_cls, "connect_ex", connect_ex),
            (sock_cls, "sendto", sendto),
            (socket, "getaddrinfo", getaddrinfo),
            (socket, "gethostbyname", gethostbyname),
            (socket, "gethostbyname_ex", gethostbyname_ex),
            (socket, "gethostbyaddr", gethostbyaddr),
        ]
        if real_sendmsg is not None:
            patches.append((sock_cls, "sendmsg", sendmsg))
        for owner, name, replacement in patches:
            # The class's own attribute only (connect is inherited from _socket.socket): on
            # uninstall an inherited one is deleted again rather than copied onto the class.
            self._originals[(owner, name)] = vars(owner).get(name, _INHERITED)
            setattr(owner, name, replacement)
        self._go_offline()
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        for (owner, name), original in self._originals.items():
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._originals.clear()
        self._back_online()
        self._installed = False

    def __enter__(self) -> NetworkGuard:
        self.install()
        return self

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    # -- huggingface_hub -----------------------------------------------------------------

    def _go_offline(self) -> None:
        self._saved_env = os.environ.get(HF_OFFLINE_ENV)
        # Read when huggingface_hub is first imported...
        os.environ[HF_OFFLINE_ENV] = "1"
        # ... and from its constants module, if that happened already.
        constants = sys.modules.get("huggingface_hub.constants")
        self._saved_hf_constant = _UNSET
        if constants is not None:
            self._saved_hf_constant = getattr(constants, "HF_HUB_OFFLINE", False)
            constants.HF_HUB_OFFLINE = True  # type: ignore[attr-defined]

    def _back_online(self) -> None:
        if self._saved_env is None:
            os.environ.pop(HF_OFFLINE_ENV, None)
        else:
            os.environ[HF_OFFLINE_ENV] = self._saved_env
        constants = sys.modules.get("huggingface_hub.constants")
        if constants is not None:
            # Imported while guarded, it read the guard's "1": follow the restored variable.
            restored = (
                self._saved_hf_constant
                if self._saved_hf_constant is not _UNSET
                else (self._saved_env or "").upper() in ("1", "ON", "YES", "TRUE")
            )
            constants.HF_HUB_OFFLINE = restored  # type: ignore[attr-defined]


class _Sentinel:
    pass


_INHERITED = _Sentinel()
_UNSET = _Sentinel()


# -- across processes ------------------------------------------------------------------------


def child_environment(*, air_gapped: bool, record_file: Path | None = None) -> dict[str, str]:
    """Variables to add to a child process's environment (the engine host's) so that it
    guards itself the same way; for `guard_from_environment` on the other side."""
    if not air_gapped:
        return {}
    env = {AIR_GAPPED_ENV: "1", HF_OFFLINE_ENV: "1"}
    if record_file is not None:
        env[RECORD_ENV] = str(record_file)
    return env


def guard_from_environment(
    environ: Mapping[str, str] | None = None, *, air_gapped: bool = False
) -> NetworkGuard | None:
    """Install and return a guard when this process is air-gapped: because `air_gapped` says
    so (the app, from its settings or --offline) or because the environment does
    (HEARTH_AIR_GAPPED=1, as the app passes it to the engine host). Refused attempts are also
    appended to HEARTH_NETWORK_GUARD_RECORD when that is set.

    Call it first thing (in the engine host: at the top of main), before anything connects,
    and keep the returned guard for as long as the process lives.
    """
    env = os.environ if environ is None else environ
    if not air_gapped and env.get(AIR_GAPPED_ENV, "").strip().lower() not in ("1", "true", "yes"):
        return None
    record = env.get(RECORD_ENV, "").strip()
    guard = NetworkGuard(record_file=Path(record) if record else None)
    guard.install()
    return guard


def read_recorded_attempts(path: Path) -> list[RefusedAttempt]:
    """The attempts a guard appended to `path` (any process's), oldest first."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    attempts = []
    for line in lines:
        try:
            attempts.append(RefusedAttempt(**json.loads(line)))
        except (ValueError, TypeError):
            continue  # a line cut short by a process that died mid-write
    return attempts
