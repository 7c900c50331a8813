"""A real API server on 127.0.0.1 (an ephemeral port) around any assistant, for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hearth.api.app import ApiConfig, build_app
from hearth.api.request_queue import Answers, RequestQueue
from hearth.api.server import ApiServer, bind
from hearth.core.settings import Settings

TOKEN = "hearth-test-token"


@dataclass
class Served:
    base_url: str  # http://127.0.0.1:PORT/v1
    port: int
    queue: RequestQueue


@contextmanager
def serving(
    make: Callable[[], Answers],
    *,
    settings: Callable[[], Settings] = Settings,
    model: str | None = None,
    model_ids: tuple[str, ...] = ("fake-model", "hearth"),
    capacity: int = 16,
    cors: tuple[str, ...] = (),
    wait_ready: bool = True,
) -> Iterator[Served]:
    queue = RequestQueue(make, capacity=capacity)
    config = ApiConfig(model_ids=model_ids, settings=settings, model=model, cors_origins=cors)
    server = ApiServer(build_app(queue, TOKEN, config), bind("127.0.0.1", 0))
    queue.start()
    if wait_ready:
        assert queue.wait_ready(120)
    server.start()
    try:
        yield Served(f"http://127.0.0.1:{server.port}/v1", server.port, queue)
    finally:
        server.stop()
        queue.close()
