"""One engine, one worker: requests wait in a bounded queue for the thread that owns the
assistant.

The assistant is not thread-safe and the engine runs one generation at a time, so one thread
makes it, warms it up, answers every request in arrival order and closes it (Anki's serial
executor). The event loop only hands work over and awaits it. A full queue is refused at once
(429 with a Retry-After from the recent pace) rather than letting callers wait unboundedly;
while the model loads, requests are refused with 503. A request whose client left before its
turn is skipped; one that is running is stopped through its `CancelToken`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hearth.core.answer import Answer
from hearth.core.cancel import CancelToken
from hearth.core.engine.types import LoadInfo
from hearth.core.errors import Cancelled
from hearth.core.request import AnswerSink, Request
from hearth.core.routing.router import EscalationPreview

log = logging.getLogger("hearth.api")

T = TypeVar("T")

DEFAULT_CAPACITY = 16  # waiting and running; more is refused with 429


class Answers(Protocol):
    """What the worker needs of `hearth.core.assistant.Assistant`."""

    def answer(
        self,
        request: Request,
        sink: AnswerSink | None = None,
        ask: Callable[[EscalationPreview], bool] | None = None,
    ) -> Answer: ...

    def warm_up(
        self, cancel: CancelToken | None = None, model: Path | None = None
    ) -> LoadInfo | None: ...

    def close(self) -> None: ...


class QueueFull(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"queue full; retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class NotReady(Exception):
    """The model is still loading (or the worker has stopped)."""

    def __init__(self, message: str, retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s


@dataclass
class _Job:
    work: Callable[[Answers], Any]
    cancel: CancelToken
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


_STOP = object()


class RequestQueue:
    def __init__(
        self,
        make_assistant: Callable[[], Answers],
        *,
        capacity: int = DEFAULT_CAPACITY,
        warm_up_model: Path | None = None,
        warm_up: bool = True,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._make = make_assistant
        self._capacity = capacity
        self._warm_up_model = warm_up_model
        self._warm_up = warm_up
        self._jobs: queue.Queue[_Job | object] = queue.Queue()
        self._lock = threading.Lock()
        self._pending = 0  # waiting or running
        self._ready = threading.Event()
        self._stopped = False
        self._warm_cancel = CancelToken()
        self._seconds_per_job = 5.0  # a first guess; follows the measured pace
        self.warm_up_problem: str | None = None
        self._thread = threading.Thread(target=self._serve, name="hearth-api-worker", daemon=True)

    # -- the event loop's side --------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, work: Callable[[Answers], T], cancel: CancelToken) -> asyncio.Future[T]:
        """Queue `work(assistant)` for the worker; the future holds what it returns (or
        raised). Call on the event loop. Raises QueueFull or NotReady at once, before a
        response starts; a cancelled request's turn is skipped."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if self._stopped:
                raise NotReady("The server is shutting down.", retry_after_s=5)
            if not self._ready.is_set():
                raise NotReady("The model is still loading; try again in a moment.")
            if self._pending >= self._capacity:
                raise QueueFull(self._retry_after())
            self._pending += 1
        self._jobs.put(_Job(work, cancel, loop, future))
        return future

    def close(self, timeout: float | None = 30.0) -> None:
        """Stop taking requests, cancel the warm-up, let the running one end, and close the
        assistant on its own thread."""
        with self._lock:
            self._stopped = True
        self._warm_cancel.cancel()
        self._jobs.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _retry_after(self) -> int:
        return max(1, math.ceil(self._pending * self._seconds_per_job))

    # -- the worker's side ------------------------------------------------------------------

    def _serve(self) -> None:
        assistant: Answers | None = None
        try:
            assistant = self._make()
            if self._warm_up:
                self._warm(assistant)
            self._ready.set()
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    break
                assert isinstance(job, _Job)
                self._run(assistant, job)
        except Exception:  # a worker must not die silently: log it, refuse what follows
            log.exception("the API worker stopped")
        finally:
            with self._lock:
                self._stopped = True
            self._ready.set()
            self._fail_waiting()
            if assistant is not None:
                try:
                    assistant.close()
                except Exception:  # closing must not hide why the worker stopped
                    log.exception("closing the assistant failed")

    def _warm(self, assistant: Answers) -> None:
        try:
            assistant.warm_up(self._warm_cancel, self._warm_up_model)
        except Cancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - each request will meet and report it
            self.warm_up_problem = getattr(exc, "message", None) or repr(exc)
            log.warning("warming up failed: %s", self.warm_up_problem)

    def _run(self, assistant: Answers, job: _Job) -> None:
        started = time.perf_counter()
        outcome: tuple[bool, Any]
        try:
            if job.cancel.cancelled:
                outcome = (False, Cancelled())
            else:
                try:
                    outcome = (True, job.work(assistant))
                except Exception as exc:  # noqa: BLE001 - handed to the awaiting request
                    outcome = (False, exc)
                took = time.perf_counter() - started
                self._seconds_per_job = 0.7 * self._seconds_per_job + 0.3 * took
        finally:
            with self._lock:
                self._pending -= 1
        _settle(job, *outcome)

    def _fail_waiting(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(job, _Job):
                with self._lock:
                    self._pending -= 1
                _settle(job, False, NotReady("The server is shutting down.", retry_after_s=5))


def _settle(job: _Job, ok: bool, value: Any) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)

    # RuntimeError: the event loop has closed, so nobody is waiting any more.
    with contextlib.suppress(RuntimeError):
        job.loop.call_soon_threadsafe(settle)
