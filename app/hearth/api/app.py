"""The Starlette application: routes, and the one way each request reaches the assistant.

Each endpoint reads and checks its body (a 4xx before anything waits), builds a core `Request`
with `source="api"`, and hands `Assistant.answer` to the request queue. The caller learns where
the answer came from in the body (`hearth`) and in the `X-Hearth-Route` header. A client that
goes away cancels its request: before its turn it is skipped, during it the engine stops.

Streaming. When the answer cannot leave the device (policy never, air-gapped, offline), the
model's text streams as it is generated. When it may still be replaced by the cloud's (auto,
always), the stream starts once the answer is known, so a client never receives a local answer
followed by a different one (the command line does the same).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from hearth.api import openai_shapes as shapes
from hearth.api import sse
from hearth.api.auth import BearerAuth
from hearth.api.body import MAX_BODY_BYTES, read_json
from hearth.api.errors import ApiError, from_hearth_error
from hearth.api.hearth_tasks import TaskCall, parse_task_call
from hearth.api.request_queue import Answers, NotReady, QueueFull, RequestQueue
from hearth.core.answer import Answer
from hearth.core.cancel import CancelToken
from hearth.core.errors import Cancelled, HearthError
from hearth.core.request import AnswerSink, Request
from hearth.core.routing.policy import CloudPolicy, RoutingPolicy
from hearth.core.settings import Settings
from hearth.core.tasks.catalog import task_catalog

log = logging.getLogger("hearth.api")

ROUTE_HEADER = "X-Hearth-Route"
HEARTH_TASKS = ("summarize", "rewrite", "classify", "extract")


@dataclass(frozen=True)
class ApiConfig:
    model_ids: tuple[str, ...]  # what GET /v1/models lists; the first is the served model's
    settings: Callable[[], Settings]
    model: str | None = None  # a .gguf path or a model id; None: the settings' model
    cors_origins: tuple[str, ...] = ()
    body_limit: int = MAX_BODY_BYTES
    started: int = field(default_factory=lambda: int(time.time()))


class ClientGone(Exception):
    """The caller disconnected before its answer was ready."""


def build_app(queue: RequestQueue, token: str, config: ApiConfig) -> Starlette:
    api = _Endpoints(queue, config)
    routes = [
        Route("/v1/models", api.models, methods=["GET"]),
        Route("/v1/models/{model:path}", api.model, methods=["GET"]),
        Route("/v1/chat/completions", api.chat, methods=["POST"]),
        Route("/v1/completions", api.legacy, methods=["POST"]),
        Route("/v1/hearth/{task}", api.task, methods=["POST"]),
    ]
    # Outermost first: CORS answers a browser's preflight (which carries no token) before the
    # token is checked; with no origins listed, no cross-origin page may read an answer.
    middleware = []
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=[ROUTE_HEADER, "Retry-After"],
            )
        )
    middleware.append(Middleware(BearerAuth, token=token))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: _api_error,
            ClientGone: _client_gone,
            404: _not_found,
            405: _not_allowed,
        },
    )


async def _api_error(request: HttpRequest, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _client_gone(request: HttpRequest, exc: Exception) -> Response:
    return Response(status_code=499)  # nginx's "client closed request": nobody reads it


async def _not_found(request: HttpRequest, exc: Exception) -> Response:
    error = ApiError(404, f"No such endpoint: {request.url.path}.", code="not_found")
    return JSONResponse(error.body(), status_code=404)


async def _not_allowed(request: HttpRequest, exc: Exception) -> Response:
    error = ApiError(405, f"{request.method} is not allowed on {request.url.path}.")
    return JSONResponse(error.body(), status_code=405)


def may_leave(settings: Settings, task: str, routing: shapes.Routing) -> bool:
    """Whether the answer may come from the cloud without asking anyone (ask is never here)."""
    if settings.air_gapped or routing.offline:
        return False
    mode = RoutingPolicy.from_settings(settings, override=routing.cloud).for_task(task)
    return mode in (CloudPolicy.AUTO, CloudPolicy.ALWAYS)


class _Endpoints:
    def __init__(self, queue: RequestQueue, config: ApiConfig) -> None:
        self._queue = queue
        self._config = config

    # -- models ------------------------------------------------------------------------------

    async def models(self, request: HttpRequest) -> Response:
        return JSONResponse(shapes.models_body(self._config.model_ids, self._config.started))

    async def model(self, request: HttpRequest) -> Response:
        model = request.path_params["model"]
        if model not in self._config.model_ids:
            raise shapes.model_not_found(model, self._config.model_ids)
        body = shapes.models_body([model], self._config.started)["data"][0]
        return JSONResponse(body)

    # -- completions -------------------------------------------------------------------------

    async def chat(self, request: HttpRequest) -> Response:
        body = await read_json(request, self._config.body_limit)
        return await self._complete(request, shapes.parse_chat(body, self._config.model_ids))

    async def legacy(self, request: HttpRequest) -> Response:
        body = await read_json(request, self._config.body_limit)
        return await self._complete(request, shapes.parse_legacy(body, self._config.model_ids))

    def _request(
        self, task: str, text: str, options: dict[str, Any], routing: shapes.Routing
    ) -> Request:
        return Request(
            task=task,
            text=text,
            options=options,
            model=self._config.model,
            cloud=routing.cloud,
            offline=routing.offline,
            source="api",
            cancel=CancelToken(),
        )

    async def _complete(self, http: HttpRequest, call: shapes.Completion) -> Response:
        request = self._request("chat", call.text, call.options, call.routing)
        ident = shapes.completion_id(call.legacy)
        live = call.stream and not may_leave(self._config.settings(), "chat", call.routing)
        if not live:
            answer = await self._answer(http, request)
            headers = {ROUTE_HEADER: answer.route}
            if not call.stream:
                return JSONResponse(shapes.completion_body(call, answer, ident), headers=headers)
            return StreamingResponse(
                self._replay(call, ident, answer),
                media_type="text/event-stream",
                headers={**sse.HEADERS, **headers},
            )
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[str | None] = asyncio.Queue()

        def on_text(piece: str) -> None:
            loop.call_soon_threadsafe(pieces.put_nowait, piece)

        future = self._submit(request, AnswerSink(on_text=on_text))
        future.add_done_callback(lambda _: pieces.put_nowait(None))
        return StreamingResponse(
            self._stream(call, ident, request, future, pieces),
            media_type="text/event-stream",
            headers={**sse.HEADERS, ROUTE_HEADER: "local"},
        )

    async def _replay(
        self, call: shapes.Completion, ident: str, answer: Answer
    ) -> AsyncIterator[bytes]:
        yield sse.event(shapes.chunk(call, ident, text="", first=True))
        if answer.text:
            yield sse.event(shapes.chunk(call, ident, text=answer.text))
        for tail in self._ending(call, ident, answer):
            yield tail

    async def _stream(
        self,
        call: shapes.Completion,
        ident: str,
        request: Request,
        future: asyncio.Future[Answer],
        pieces: asyncio.Queue[str | None],
    ) -> AsyncIterator[bytes]:
        try:
            yield sse.event(shapes.chunk(call, ident, text="", first=True))
            while (piece := await pieces.get()) is not None:
                yield sse.event(shapes.chunk(call, ident, text=piece))
            try:
                answer = future.result()
            except BaseException as exc:  # noqa: BLE001 - the status line is already sent
                error = self._error(exc)
                if error is None:
                    return
                yield sse.event(error.body())
                yield sse.DONE
                return
            for tail in self._ending(call, ident, answer):
                yield tail
        finally:
            if not future.done():
                request.cancel.cancel()  # the client went away mid-stream: stop the engine

    @staticmethod
    def _ending(call: shapes.Completion, ident: str, answer: Answer) -> list[bytes]:
        tail = [sse.event(shapes.chunk(call, ident, answer=answer))]
        if call.include_usage:
            tail.append(sse.event(shapes.usage_chunk(call, ident, answer)))
        tail.append(sse.DONE)
        return tail

    # -- Hearth's tasks ----------------------------------------------------------------------

    async def task(self, http: HttpRequest) -> Response:
        name = http.path_params["task"]
        if name not in HEARTH_TASKS:
            raise ApiError(
                404,
                f"No Hearth task '{name}'; the tasks are {', '.join(HEARTH_TASKS)}.",
                code="not_found",
            )
        body = await read_json(http, self._config.body_limit)
        call = parse_task_call(task_catalog()[name], body, self._config.model_ids)
        if not call.batch:
            request = self._request(name, call.texts[0], call.options, call.routing)
            answer = await self._answer(http, request)
            return JSONResponse(answer.to_json(), headers={ROUTE_HEADER: answer.route})
        results = await self._batch(http, call)
        routes = sorted({r["route"] for r in results if "route" in r})
        return JSONResponse(
            {
                "object": "hearth.batch",
                "task": name,
                "results": results,
                "done": sum(1 for r in results if "error" not in r),
                "failed": sum(1 for r in results if "error" in r),
            },
            headers={ROUTE_HEADER: ",".join(routes) or "none"},
        )

    async def _batch(self, http: HttpRequest, call: TaskCall) -> list[dict[str, Any]]:
        """One turn of the queue for the whole batch: its texts run back to back on the
        engine, the instructions prefix computed once; a bad text gets its own error."""
        cancel = CancelToken()
        requests = [
            Request(
                task=call.task,
                text=text,
                options=call.options,
                model=self._config.model,
                cloud=call.routing.cloud,
                offline=call.routing.offline,
                source="api",
                cancel=cancel,
            )
            for text in call.texts
        ]

        def work(assistant: Answers) -> list[dict[str, Any]]:
            results: list[dict[str, Any]] = []
            for index, request in enumerate(requests):
                cancel.raise_if_cancelled()
                try:
                    answer = assistant.answer(request, None, None)
                    results.append({"index": index, **answer.to_json()})
                except HearthError as exc:
                    if exc.exit_code not in (1, 2):
                        raise  # the model or engine is broken: the rest would fail the same way
                    results.append({"index": index, "error": exc.message})
            return results

        future = self._admit(work, cancel)
        results: list[dict[str, Any]] = await self._await(http, future, cancel)
        return results

    # -- the queue ---------------------------------------------------------------------------

    def _submit(self, request: Request, sink: AnswerSink | None) -> asyncio.Future[Answer]:
        return self._admit(lambda assistant: assistant.answer(request, sink, None), request.cancel)

    def _admit(self, work: Callable[[Answers], Any], cancel: CancelToken) -> asyncio.Future[Any]:
        try:
            future = self._queue.submit(work, cancel)
        except QueueFull as exc:
            raise ApiError(
                429,
                f"Hearth is busy: {self._queue.pending} requests are waiting for the model. "
                f"Try again in {exc.retry_after_s} s.",
                kind="rate_limit_error",
                code="queue_full",
                headers={"Retry-After": str(exc.retry_after_s)},
            ) from None
        except NotReady as exc:
            raise ApiError(
                503,
                exc.message,
                kind="server_error",
                code="loading",
                headers={"Retry-After": str(exc.retry_after_s)},
            ) from None
        # Read the outcome even when nobody waits for it any more (the client left).
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        return future

    async def _answer(self, http: HttpRequest, request: Request) -> Answer:
        future = self._submit(request, None)
        answer: Answer = await self._await(http, future, request.cancel)
        return answer

    async def _await(
        self, http: HttpRequest, future: asyncio.Future[Any], cancel: CancelToken
    ) -> Any:
        """The job's outcome, or ClientGone (after cancelling it) if the caller disconnects."""
        gone = asyncio.ensure_future(_disconnected(http))
        try:
            await asyncio.wait({future, gone}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            cancel.cancel()
            raise
        finally:
            gone.cancel()
        if not future.done():
            cancel.cancel()
            raise ClientGone()
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - each becomes the answer's error status
            error = self._error(exc)
            if error is None:
                raise ClientGone() from None
            raise error from None

    @staticmethod
    def _error(exc: BaseException) -> ApiError | None:
        """The error to answer with; None when the request was cancelled (nobody listens)."""
        if isinstance(exc, Cancelled | ClientGone):
            return None
        if isinstance(exc, ApiError):
            return exc
        if isinstance(exc, HearthError):
            return from_hearth_error(exc)
        if isinstance(exc, NotReady):
            return ApiError(503, exc.message, kind="server_error", code="stopping")
        log.error("unexpected error answering an API request", exc_info=exc)
        return ApiError(
            500,
            f"Unexpected internal error ({type(exc).__name__}). Please report it.",
            kind="server_error",
        )


async def _disconnected(http: HttpRequest) -> None:
    while True:
        message = await http.receive()
        if message["type"] == "http.disconnect":
            return
