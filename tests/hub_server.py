"""A stand-in for the Hugging Face Hub on 127.0.0.1, with the faults real networks have.

It serves what huggingface_hub calls to download one file:
- HEAD and GET `/{repo}/resolve/{revision}/{filename}` with the Hub's headers: X-Repo-Commit,
  ETag / X-Linked-Etag (an LFS file's SHA-256), X-Linked-Size, Content-Length,
  Accept-Ranges, and 206 answers to Range requests;
- POST `/api/models/{repo}/paths-info/{revision}` with each file's LFS record;
- 404s with the Hub's X-Error-Code (RepoNotFound, EntryNotFound) for what it does not have.

Faults are set per file (`Faults`): a connection dropped mid-file, a server that stops
sending (stall) or only sends when the test opens a gate (slow), a different file than the
hash says, error statuses, ETags that are not SHA-256s, a server that ignores Range. Every
request is logged for the test to inspect. Waiting is on events the test controls, never on
the clock; `close()` releases every waiting handler.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

PIECE = 64 * 1024  # what the server writes at a time (and the granularity of faults)
_MAX_WAIT = 30.0  # a handler never outlives a forgotten test by more than this


@dataclass
class Faults:
    # Positions are offsets in the file, whatever Range was asked for.
    drop_after: int | None = None  # GET: close the connection on reaching this offset ...
    drops: int = 1  # ... on this many GETs
    stall_after: int | None = None  # GET: on reaching this offset, send nothing more ...
    stalls: int = 1  # ... on this many GETs (the client's read timeout ends them)
    gate: threading.Semaphore | None = None  # GET: each piece after the first waits for a permit
    wrong_content: bytes | None = None  # GET: serve these bytes instead (the ETag stays right)
    status: int | None = None  # HEAD and GET answer with this status
    get_status: int | None = None  # only GET answers with this status
    error_code: str | None = None  # X-Error-Code sent with `status`
    sha256_etag: bool = True  # False: a git-style ETag, so the client must ask paths-info
    ignore_range: bool = False  # answer 200 with the whole file even to a Range request
    head_stall: bool = False  # HEAD never answers
    xet_headers: bool = False  # announce Xet storage, as the Hub does for most new files


@dataclass
class ServedFile:
    repo: str
    filename: str
    data: bytes
    commit: str
    faults: Faults = field(default_factory=Faults)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def git_oid(self) -> str:
        return hashlib.sha1(b"pointer " + self.data[:64]).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    range: str | None
    status: int


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-answer is what the fault tests are about


class HubServer:
    """Start with `HubServer()`, use `.endpoint` as HF_ENDPOINT, `close()` when done."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], ServedFile] = {}
        self.repos: set[str] = set()
        self.requests: list[LoggedRequest] = []
        self.release = threading.Event()
        self.stalled = threading.Event()  # set when an answer stops sending (stall fault)
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.hub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, repo: str, filename: str, data: bytes, commit: str | None = None) -> ServedFile:
        commit = commit or hashlib.sha1(repo.encode() + b"@main").hexdigest()
        served = ServedFile(repo, filename, data, commit)
        self.files[(repo, filename)] = served
        self.repos.add(repo)
        return served

    def log(self, request: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def gets(self, filename: str | None = None) -> list[LoggedRequest]:
        return [
            r
            for r in self.requests
            if r.method == "GET" and (filename is None or r.path.endswith("/" + filename))
        ]

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1"

    @property
    def hub(self) -> HubServer:
        return self.server.hub  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    # --- routing -----------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self._resolve(body=False)

    def do_GET(self) -> None:
        self._resolve(body=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        parts = urlsplit(self.path).path.strip("/").split("/")
        # api / models / {org} / {name} / paths-info / {revision}
        if len(parts) != 6 or parts[:2] != ["api", "models"] or parts[4] != "paths-info":
            self._answer(404, {"X-Error-Code": "RepoNotFound"})
            return
        repo = f"{parts[2]}/{parts[3]}"
        if repo not in self.hub.repos:
            self._answer(404, {"X-Error-Code": "RepoNotFound"})
            return
        records = []
        for path in form.get("paths", []):
            served = self.hub.files.get((repo, path))
            if served is not None:
                records.append(
                    {
                        "type": "file",
                        "path": path,
                        "size": served.size,
                        "oid": served.git_oid,
                        "lfs": {"oid": served.sha256, "size": served.size, "pointerSize": 134},
                    }
                )
        self._answer(200, {"Content-Type": "application/json"}, json.dumps(records).encode())

    def _resolve(self, body: bool) -> None:
        found = self._find()
        if found is None:
            return
        served = found
        faults = served.faults
        if faults.head_stall and not body:
            self.hub.release.wait(_MAX_WAIT)
            self.close_connection = True
            return
        status = faults.status or (faults.get_status if body else None)
        if status is not None:
            headers = {"X-Repo-Commit": served.commit}
            if faults.error_code:
                headers["X-Error-Code"] = faults.error_code
            self._answer(status, headers, b"" if not body else b"error page")
            return
        self._serve_file(served, body)

    def _find(self) -> ServedFile | None:
        path = unquote(urlsplit(self.path).path).strip("/")
        parts = path.split("/")
        if len(parts) < 5 or parts[2] != "resolve":
            self._answer(404, {"X-Error-Code": "RepoNotFound"})
            return None
        repo, revision, filename = f"{parts[0]}/{parts[1]}", parts[3], "/".join(parts[4:])
        if repo not in self.hub.repos:
            self._answer(404, {"X-Error-Code": "RepoNotFound"})
            return None
        served = self.hub.files.get((repo, filename))
        if served is None:
            commit = next(f.commit for f in self.hub.files.values() if f.repo == repo)
            self._answer(404, {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": commit})
            return None
        if revision not in ("main", served.commit):
            self._answer(404, {"X-Error-Code": "RevisionNotFound"})
            return None
        return served

    # --- the file ----------------------------------------------------------------------------

    def _serve_file(self, served: ServedFile, body: bool) -> None:
        faults = served.faults
        data = faults.wrong_content if (body and faults.wrong_content) else served.data
        start = self._range_start() if not faults.ignore_range else None
        headers = {
            "X-Repo-Commit": served.commit,
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if faults.sha256_etag:
            headers["ETag"] = f'"{served.sha256}"'
            headers["X-Linked-Etag"] = f'"{served.sha256}"'
            headers["X-Linked-Size"] = str(served.size)
        else:
            headers["ETag"] = f'"{served.git_oid}"'
        if faults.xet_headers:
            headers["X-Xet-Hash"] = "e" * 64
            headers["X-Xet-Refresh-Route"] = (
                f"/api/models/{served.repo}/xet-read-token/{served.commit}"
            )
        if start is not None and start >= len(data):
            headers["Content-Range"] = f"bytes */{len(data)}"
            self._answer(416, headers)
            return
        status = 200
        if start:
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        payload = data[start or 0 :]
        headers["Content-Length"] = str(len(payload))
        self._start(status, headers)
        if body:
            self._send_body(served, payload, start or 0)

    def _range_start(self) -> int | None:
        header = self.headers.get("Range")
        if not header or not header.startswith("bytes=") or not header.endswith("-"):
            return None
        return int(header[len("bytes=") : -1])

    def _send_body(self, served: ServedFile, payload: bytes, start: int) -> None:
        faults = served.faults
        drop_at = _take(faults, "drop_after", "drops", start)
        stall_at = _take(faults, "stall_after", "stalls", start)
        sent = 0
        try:
            for piece in _pieces(payload):
                if drop_at is not None and sent + len(piece) > drop_at:
                    self.wfile.write(piece[: max(0, drop_at - sent)])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if stall_at is not None and sent + len(piece) > stall_at:
                    self.wfile.write(piece[: max(0, stall_at - sent)])
                    self.wfile.flush()
                    self.hub.stalled.set()
                    self.hub.release.wait(_MAX_WAIT)
                    self.close_connection = True
                    return
                if faults.gate is not None and sent and not self._pass_gate(faults.gate):
                    return
                self.wfile.write(piece)
                sent += len(piece)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (cancel, timeout): fine

    def _pass_gate(self, gate: threading.Semaphore) -> bool:
        self.wfile.flush()
        while not gate.acquire(timeout=0.05):
            if self.hub.release.is_set():
                self.close_connection = True
                return False
        return True

    # --- answers -----------------------------------------------------------------------------

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.hub.log(LoggedRequest(self.command, self.path, self.headers.get("Range"), status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        headers = {**headers, "Content-Length": str(len(body))}
        self._start(status, headers)
        if self.command != "HEAD" and body:
            self.wfile.write(body)


def _take(faults: Faults, at: str, count: str, start: int) -> int | None:
    """Where in this answer's body the fault strikes, if it still applies (uses one up)."""
    position = getattr(faults, at)
    remaining = getattr(faults, count)
    if position is None or remaining <= 0:
        return None
    setattr(faults, count, remaining - 1)
    return max(0, int(position) - start)


def _pieces(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), PIECE):
        yield bytes(view[start : start + PIECE])
