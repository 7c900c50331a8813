"""The local API as a service the window switches on and off (Tools ▸ Local API).

It serves the window's current settings with its own engine host (the window's engine stays
free for the window; the model file is memory-mapped, so the two share its pages). Started on
a thread; stopping closes the server, then the worker and its engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.api.app import ApiConfig, build_app
from hearth.api.request_queue import RequestQueue
from hearth.api.server import DEFAULT_HOST, ApiServer, bind
from hearth.api.token_store import TokenStore
from hearth.core.errors import ModelFileError
from hearth.core.paths import Paths
from hearth.core.settings import Settings


class LocalApi:
    def __init__(
        self, paths: Paths, settings: Callable[[], Settings], tokens: TokenStore | None = None
    ) -> None:
        self._paths = paths
        self._settings = settings
        self.tokens = tokens or TokenStore()
        self._server: ApiServer | None = None
        self._queue: RequestQueue | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int | None:
        return None if self._server is None else self._server.port

    @property
    def base_url(self) -> str | None:
        return None if self.port is None else f"http://{DEFAULT_HOST}:{self.port}/v1"

    def start(self, port: int) -> None:
        """Serve on loopback; raises HearthError (port in use, no model, no keychain)."""
        if self._server is not None:
            return
        from hearth.core.assistant import Assistant
        from hearth.core.engine.client import EngineClient
        from hearth.core.engine.launcher import host_command
        from hearth.core.history import HistoryStore

        spec = self._settings().model
        if not spec:
            raise ModelFileError("No model is chosen yet: pick one in Models, then serve it.")
        token = self.tokens.token()
        sock = bind(DEFAULT_HOST, port)
        paths, settings = self._paths, self._settings

        def make() -> Assistant:
            engine = EngineClient(host_command(), log_dir=paths.log_dir)
            return Assistant(
                paths, settings, engine, history=HistoryStore.in_folder(paths.data_dir)
            )

        name = Path(spec).stem if spec.endswith(".gguf") else spec
        self._queue = RequestQueue(make)
        config = ApiConfig(model_ids=(name, "hearth"), settings=settings)
        self._server = ApiServer(build_app(self._queue, token, config), sock)
        self._queue.start()
        self._server.start()

    def stop(self) -> None:
        server, queue = self._server, self._queue
        self._server = self._queue = None
        if server is not None:
            server.stop()
        if queue is not None:
            queue.close()
