"""Air-gapped mode: nothing but loopback, in this process and in a child process.

Outside addresses are TEST-NET (192.0.2.0/24, 2001:db8::/32) and names under .invalid; the
guard refuses them before any packet is sent, and the `tripwire` fixture fails the test if one
ever got past it.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.cloud.client import CloudClient
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.messages import CloudRequest
from hearth.core.errors import PrivacyRefused
from hearth.core.privacy.network_guard import (
    AIR_GAPPED_ENV,
    HF_OFFLINE_ENV,
    RECORD_ENV,
    NetworkGuard,
    NetworkRefused,
    child_environment,
    guard_from_environment,
    is_loopback_host,
    read_recorded_attempts,
)
from hearth.core.routing.router import Message
from tests.core.cloud.fake_provider import FakeProvider, stream

pytestmark = pytest.mark.usefixtures("tripwire")


@pytest.fixture
def guard(tmp_path: Path) -> Iterator[NetworkGuard]:
    with NetworkGuard(record_file=tmp_path / "refused.jsonl") as installed:
        yield installed


@pytest.fixture
def echo_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that echoes one message per connection."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)  # so the loop sees `stop` soon after the test
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.sendall(conn.recv(100))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    server.close()


def test_a_tcp_connection_outside_is_refused_and_recorded(guard: NetworkGuard) -> None:
    with pytest.raises(NetworkRefused) as caught:
        socket.create_connection(("192.0.2.1", 443), timeout=1)

    assert caught.value.errno == errno.ECONNREFUSED
    assert "air-gapped" in str(caught.value)
    assert [(a.host, a.port, a.via) for a in guard.attempts] == [("192.0.2.1", 443, "connect")]
    assert guard.attempts[0].where == "192.0.2.1:443"


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, ("192.0.2.7", 80)),
        (socket.AF_INET6, ("2001:db8::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:192.0.2.1", 80, 0, 0)),
    ],
)
def test_raw_sockets_are_refused(
    guard: NetworkGuard, family: socket.AddressFamily, address: tuple[object, ...]
) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkRefused):
            sock.connect(address)
        assert sock.connect_ex(address) == errno.ECONNREFUSED
    with socket.socket(family, socket.SOCK_DGRAM) as udp, pytest.raises(NetworkRefused):
        udp.sendto(b"x", address)
    assert {a.via for a in guard.attempts} == {"connect", "connect_ex", "sendto"}


def test_name_lookups_are_refused_before_any_dns_query(guard: NetworkGuard) -> None:
    for lookup in (
        lambda: socket.getaddrinfo("hearth-test.invalid", 443),
        lambda: socket.gethostbyname("hearth-test.invalid"),
        lambda: socket.gethostbyname_ex("hearth-test.invalid"),
        lambda: socket.gethostbyaddr("192.0.2.1"),
    ):
        with pytest.raises(NetworkRefused):
            lookup()
    assert [a.via for a in guard.attempts] == [
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
    ]
    assert guard.attempts[0].where == "hearth-test.invalid:443"


def test_asyncio_connections_are_refused(guard: NetworkGuard) -> None:
    async def connect() -> None:
        await asyncio.open_connection("192.0.2.1", 80)

    with pytest.raises(OSError, match="air-gapped"):
        asyncio.run(connect())
    assert any(a.host == "192.0.2.1" for a in guard.attempts)


def test_loopback_still_works(guard: NetworkGuard, echo_server: int) -> None:
    for host in ("127.0.0.1", "localhost"):
        with socket.create_connection((host, echo_server), timeout=5) as conn:
            conn.sendall(b"ping")
            assert conn.recv(100) == b"ping"
    assert guard.attempts == ()


def test_the_cloud_client_reaches_a_local_server_but_not_the_internet(
    guard: NetworkGuard, provider: FakeProvider
) -> None:
    provider.reply(stream(["local is fine"]))
    request = CloudRequest((Message("user", "hi"),))

    with CloudClient(CloudEndpoint(provider.base_url, "m"), None) as local:
        assert local.complete(request).text == "local is fine"
    with (
        CloudClient(CloudEndpoint("https://192.0.2.1/v1", "m"), None) as outside,
        pytest.raises(PrivacyRefused) as caught,
    ):
        outside.complete(request)

    assert caught.value.exit_code == 6
    assert "air-gapped" in caught.value.message
    assert [a.where for a in guard.attempts] == ["192.0.2.1:443"]


def test_huggingface_hub_is_offline_while_guarded(tmp_path: Path) -> None:
    import huggingface_hub
    from huggingface_hub import constants

    before = (os.environ.get(HF_OFFLINE_ENV), constants.HF_HUB_OFFLINE)
    with NetworkGuard() as guard:
        assert os.environ[HF_OFFLINE_ENV] == "1"
        assert constants.is_offline_mode()
        with pytest.raises(Exception, match="offline"):
            huggingface_hub.HfApi().model_info("hearth/not-a-model")
        assert guard.attempts == ()  # it gave up before even a lookup
    assert (os.environ.get(HF_OFFLINE_ENV), constants.HF_HUB_OFFLINE) == before


def test_uninstall_restores_the_socket_module() -> None:
    originals = (socket.socket.connect, socket.getaddrinfo, socket.gethostbyname)
    guard = NetworkGuard()
    guard.install()
    guard.install()  # twice is once
    assert socket.socket.connect is not originals[0]
    guard.uninstall()
    guard.uninstall()
    assert (socket.socket.connect, socket.getaddrinfo, socket.gethostbyname) == originals
    assert not guard.installed


def test_only_one_guard_at_a_time(guard: NetworkGuard) -> None:
    with pytest.raises(RuntimeError, match="already installed"):
        NetworkGuard().install()


def test_attempts_are_recorded_to_a_file(guard: NetworkGuard, tmp_path: Path) -> None:
    for port in (80, 443):
        with pytest.raises(NetworkRefused):
            socket.create_connection(("192.0.2.9", port))
    recorded = read_recorded_attempts(tmp_path / "refused.jsonl")
    assert [(a.host, a.port) for a in recorded] == [("192.0.2.9", 80), ("192.0.2.9", 443)]
    assert recorded[0].pid == os.getpid()


CHILD = """
import socket, sys
from hearth.core.privacy.network_guard import guard_from_environment

real_connect = socket.socket.connect
def tripwire(sock, address):  # fail loudly if the guard let anything outside through
    if address[0] not in ("127.0.0.1", "::1", "localhost"):
        sys.exit(99)
    return real_connect(sock, address)
socket.socket.connect = tripwire

guard = guard_from_environment()
assert guard is not None and guard.installed
try:
    socket.create_connection(("192.0.2.1", 443), timeout=1)
except ConnectionRefusedError as exc:
    print("refused:", exc)
"""


def test_a_child_process_guards_itself_from_its_environment(tmp_path: Path) -> None:
    record = tmp_path / "host-refused.jsonl"
    env = {**os.environ, **child_environment(air_gapped=True, record_file=record)}

    result = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert "air-gapped" in result.stdout
    attempts = read_recorded_attempts(record)
    assert [a.where for a in attempts] == ["192.0.2.1:443"]
    assert attempts[0].pid != os.getpid()


def test_no_guard_unless_the_environment_or_the_app_asks(tmp_path: Path) -> None:
    assert child_environment(air_gapped=False) == {}
    assert guard_from_environment({}) is None
    assert guard_from_environment({AIR_GAPPED_ENV: "0"}) is None

    record = tmp_path / "app.jsonl"
    guard = guard_from_environment({RECORD_ENV: str(record)}, air_gapped=True)
    assert guard is not None
    try:
        with pytest.raises(NetworkRefused):
            socket.create_connection(("192.0.2.3", 80))
    finally:
        guard.uninstall()
    assert [a.where for a in read_recorded_attempts(record)] == ["192.0.2.3:80"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("0.0.0.0", False),
        ("192.0.2.1", False),
        ("10.0.0.1", False),
        ("::ffff:192.0.2.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_the_tripwire_itself_trips_without_a_guard() -> None:
    from tests.core.conftest import Tripped

    with socket.socket() as sock, pytest.raises(Tripped):
        sock.connect(("192.0.2.1", 80))
