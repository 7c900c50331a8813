"""A tripwire under the network guard: if the guard ever let an outside connection through,
the test fails here instead of any packet leaving the machine."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.core.cloud.fake_provider import FakeProvider

# No example database in the repository, and no per-example deadline on a slow CI machine.
settings.register_profile(
    "hearth", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("hearth")


def _outside(host: object) -> bool:
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name in ("localhost", ""):
        return False
    try:
        return not ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return True  # a name: resolving it would query DNS


class Tripped(AssertionError):
    pass


@pytest.fixture
def tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def guarded(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and _outside(address[0]):
            raise Tripped(f"the guard let a connection to {address!r} through")

    def connect(self: socket.socket, address: Any) -> None:
        guarded(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guarded(self, address)
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        if args:
            guarded(self, args[-1])
        result: int = real_sendto(self, data, *args)
        return result

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            name = host.decode() if isinstance(host, bytes) else str(host)
            try:
                ipaddress.ip_address(name.split("%")[0])
            except ValueError:
                if name != "localhost":
                    raise Tripped(f"the guard let a lookup of {name!r} through") from None
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake
