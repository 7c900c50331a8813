"""A misbehaving OpenAI-compatible server on 127.0.0.1, scripted reply by reply.

Each request takes the next `Reply` from the script (the last one repeats): a status and body,
an SSE stream that may be cut mid-answer, a hang, HTML, invalid JSON. Every request is recorded
(headers and body) so tests can check what left the client.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # An SSE stream: written as chunks (chunked transfer encoding), each flushed at once.
    events: Sequence[bytes] | None = None
    cut: bool = False  # close the connection after the events, mid-stream
    hang: bool = False  # accept and never answer (until the server stops)
    hang_after_events: bool = False  # stream the events, then go silent


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def completion(text: str, *, model: str = "fake-model", usage: bool = True) -> Reply:
    data: dict[str, Any] = {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }
    if usage:
        data["usage"] = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(data).encode())


def sse_events(pieces: Sequence[str], *, done: bool = True, finish: bool = True) -> list[bytes]:
    events = []
    for piece in pieces:
        chunk = {"model": "fake-model", "choices": [{"index": 0, "delta": {"content": piece}}]}
        events.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    if finish:
        last = {
            "model": "fake-model",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        events.append(b"data: " + json.dumps(last).encode() + b"\n\n")
    if done:
        events.append(b"data: [DONE]\n\n")
    return events


def stream(pieces: Sequence[str], **kwargs: Any) -> Reply:
    return Reply(200, {"Content-Type": "text/event-stream"}, events=sse_events(pieces, **kwargs))


def error(status: int, message: str, *, code: str | None = None, **headers: str) -> Reply:
    body = json.dumps({"error": {"message": message, "type": "error", "code": code}}).encode()
    return Reply(status, {"Content-Type": "application/json", **headers}, body)


class FakeProvider:
    def __init__(self) -> None:
        self.script: list[Reply] = [completion("hello")]
        self.seen: list[Seen] = []
        self.release = threading.Event()  # frees hung handlers
        self.connections = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                provider.seen.append(Seen(self.path, dict(self.headers.items()), body))
                reply = provider.script.pop(0) if len(provider.script) > 1 else provider.script[0]
                if reply.hang:
                    provider.release.wait(30)
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.events is None:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(reply.body)
                    self.close_connection = True
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                for event in reply.events:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                    self.wfile.flush()
                if reply.hang_after_events:
                    provider.release.wait(30)
                if reply.cut:
                    # Gone mid-answer: no closing chunk, the connection just ends.
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll: shutdown() waits for the loop to notice, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, *replies: Reply) -> None:
        self.script = list(replies)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def running() -> Iterator[FakeProvider]:
    with FakeProvider() as provider:
        yield provider
