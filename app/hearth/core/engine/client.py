"""`EngineClient`: the app's handle on the engine host process.

Not thread-safe by design: one worker thread owns it (one serial executor per non-thread-safe
resource). The one exception is cancellation, which any thread may request through the
`CancelToken` it passed in.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from hearth.core.cancel import CancelToken
from hearth.core.engine import protocol as p
from hearth.core.engine.crash_reason import describe_exit
from hearth.core.engine.launcher import tie_to_parent
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationEvent,
    GenerationResult,
    GenerationStats,
    HostInfo,
    LoadInfo,
    LoadOptions,
    PrefillProgress,
    ScoreRequest,
    ScoreResult,
    TokenText,
)
from hearth.core.engine.watchdog import Watchdog
from hearth.core.errors import (
    Cancelled,
    ChatTemplateError,
    EngineCrashed,
    EngineError,
    HearthError,
    InputTooLong,
    ModelFileError,
)

LOG_TAIL_LINES = 200
_FINAL_EVENTS = (
    p.EV_DONE,
    p.EV_LOADED,
    p.EV_SCORED,
    p.EV_SCORED_BATCH,
    p.EV_COUNTED,
    p.EV_PREFILLED,
)
LOG_ROTATE_BYTES = 5 * 1024 * 1024


class _HostProcess:
    """One running engine host: its pipes, and a thread draining its log output."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self.tail: collections.deque[str] = collections.deque(maxlen=LOG_TAIL_LINES)
        self._write_lock = threading.Lock()
        extra: dict[str, Any] = {}
        if sys.platform == "win32":
            extra["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            # Ctrl+C in a terminal is Hearth's to handle (by cancelling), not the host's.
            extra["start_new_session"] = True
            # The host dies with Hearth, even when Hearth is killed (launcher.py).
            extra["preexec_fn"] = tie_to_parent()
        self.proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            **extra,
        )
        assert self.proc.stdin
        assert self.proc.stdout
        assert self.proc.stderr
        self._stdin: IO[bytes] = self.proc.stdin
        self._stdout: IO[bytes] = self.proc.stdout
        # Ends a host that stops answering (stopped, hung) while a request waits on it.
        self.watchdog = Watchdog(self.proc.pid, self.kill)
        self._drain = threading.Thread(
            target=self._drain_log, args=(self.proc.stderr,), name="engine-log", daemon=True
        )
        self._drain.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: dict[str, Any]) -> bool:
        """Write one request; False when the host is gone (its death is read from stdout)."""
        try:
            with self._write_lock:
                self._stdin.write(p.encode(message))
                self._stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def read(self) -> dict[str, Any] | None:
        """The next event, or None once the host has died."""
        with self.watchdog.waiting():
            line = self._stdout.readline()
        if not line:
            return None
        return p.decode(line)

    def reap(self) -> str:
        """After the host died: collect its exit, release the pipes, and say why it died."""
        try:
            returncode: int | None = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            returncode = None
        self._close_pipes()
        return self.watchdog.reason or describe_exit(returncode, list(self.tail))

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Ask politely, then insist."""
        if self.alive():
            self.send({"op": p.OP_SHUTDOWN})
            with contextlib.suppress(OSError):
                self._stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        self.watchdog.close()
        for stream in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                stream.close()
        # The drain thread ends at EOF of stderr, which comes with the process's end.
        self._drain.join(timeout=5)
        with contextlib.suppress(OSError):
            if self.proc.stderr is not None:
                self.proc.stderr.close()

    def _drain_log(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError), _open_log(self.log_path) as log:
            log.write(f"--- engine host {self.pid} started {time.ctime()} ---\n")
            for raw in stream:
                line = raw.decode("utf-8", "replace")
                self.tail.append(line)
                log.write(line)
                log.flush()


def _open_log(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_suffix(".1.log"))
    return open(path, "a", encoding="utf-8")


class EngineClient:
    """Starts, feeds and, when needed, restarts the engine host."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._command = list(command)
        self._env = dict(os.environ if env is None else env)
        # A segfault in the host then leaves a Python stack in the engine log.
        self._env.setdefault("PYTHONFAULTHANDLER", "1")
        # numpy's OpenBLAS starts a thread (and its buffers) per core as it is imported; the
        # host does no linear algebra in numpy (llama.cpp has its own threads), and one
        # thread makes its start ~40 ms shorter on 2 cores, more on bigger machines.
        self._env.setdefault("OPENBLAS_NUM_THREADS", "1")
        self._log_path = log_dir / "engine-host.log"
        self._host: _HostProcess | None = None
        self._host_info: HostInfo | None = None
        self._loaded: LoadInfo | None = None
        self._options: LoadOptions | None = None  # what to reload after a crash
        self._next_id = 0

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self._log_path

    @property
    def pid(self) -> int | None:
        return self._host.pid if self._host is not None and self._host.alive() else None

    @property
    def loaded(self) -> LoadInfo | None:
        return self._loaded

    def host_info(self) -> HostInfo:
        self._ensure_host()
        assert self._host_info is not None
        return self._host_info

    def start(self) -> None:
        """Start the host if none is running, without waiting for it to come up: it spends
        most of a second importing llama.cpp, which the caller can spend checking the model
        file. It opens no model until `load` asks it to."""
        if self._host is None or not self._host.alive():
            self._spawn()

    def close(self) -> None:
        """End the host process (and so unload the model)."""
        if self._host is not None:
            if self._host_info is None:
                # Started, never heard from: nothing is loaded in it, and it may be importing
                # llama.cpp for a while yet before it would read a polite request to stop.
                self._host.kill()
                self._host.reap()
            else:
                self._host.stop()
        self._host = None
        self._host_info = None
        self._loaded = None

    def unload(self) -> None:
        self.close()
        self._options = None

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _spawn(self) -> _HostProcess:
        if self._host is not None:
            self._host.stop()
        self._loaded = None
        self._host_info = None  # until the new host says hello
        self._host = _HostProcess(self._command, self._env, self._log_path)
        return self._host

    def _ensure_host(self) -> _HostProcess:
        host = self._host
        if host is None or not host.alive():
            host = self._spawn()
        if self._host_info is None:
            hello = host.read()
            if hello is None or hello.get("ev") != p.EV_HELLO:
                self._host = None
                reason = host.reap()
                raise EngineCrashed(
                    f"The engine could not start: {reason}. See {self._log_path}.", reason=reason
                )
            self._host_info = HostInfo.from_dict(hello)
        return host

    # -- requests --------------------------------------------------------------------------

    def load(
        self,
        options: LoadOptions,
        *,
        on_progress: Callable[[float], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> LoadInfo:
        """Load a model in the host; a no-op when exactly that model is loaded already.

        The caller checks the file first (`hearth.core.engine.preflight`): llama.cpp must never
        open a file whose header has not been validated.
        """
        if self._loaded is not None and self._options == options and self.pid is not None:
            return self._loaded
        if self._loaded is not None:
            # Unload by ending the process: all of the old model's memory goes back at once.
            self.close()
        self._options = options
        info: LoadInfo | None = None
        for event in self._exchange(
            {"op": p.OP_LOAD, "options": options.to_dict()}, cancel, "loading the model"
        ):
            if event["ev"] == p.EV_LOAD_PROGRESS and on_progress is not None:
                on_progress(float(event["fraction"]))
            elif event["ev"] == p.EV_LOADED:
                info = LoadInfo.from_dict(event["info"])
        assert info is not None
        self._loaded = info
        return info

    def generate(
        self, request: GenerateRequest, *, cancel: CancelToken | None = None
    ) -> Iterator[GenerationEvent]:
        """Stream a generation: progress, text pieces, and last a `GenerationResult`.

        After a crash of the host, the next call starts a fresh one and reloads the model.
        """
        self._ensure_loaded(cancel)
        sent_at = time.perf_counter()
        first_token_at: float | None = None
        for event in self._exchange(
            {"op": p.OP_GENERATE, "request": request.to_dict()}, cancel, "writing the answer"
        ):
            kind = event["ev"]
            if kind == p.EV_TOKEN:
                if first_token_at is None:
                    first_token_at = time.perf_counter()
                yield TokenText(str(event["text"]))
            elif kind == p.EV_PREFILL:
                yield PrefillProgress(int(event["done"]), int(event["total"]), int(event["cached"]))
            elif kind == p.EV_DONE:
                done_at = time.perf_counter()
                yield GenerationResult(
                    text=str(event["text"]),
                    finish_reason=str(event["finish_reason"]),
                    stats=GenerationStats.from_dict(event["stats"]),
                    wall_ttft_ms=((first_token_at or done_at) - sent_at) * 1000,
                    wall_total_ms=(done_at - sent_at) * 1000,
                    token_logprobs=tuple(float(x) for x in event.get("token_logprobs", ())),
                )

    def score(self, request: ScoreRequest, *, cancel: CancelToken | None = None) -> ScoreResult:
        """Log-probabilities of candidate first tokens after the prompt (one forward pass)."""
        self._ensure_loaded(cancel)
        sent_at = time.perf_counter()
        for event in self._exchange(
            {"op": p.OP_SCORE, "request": request.to_dict()}, cancel, "reading the text"
        ):
            if event["ev"] == p.EV_SCORED:
                stats = GenerationStats.from_dict(event["stats"])
                wall_ms = (time.perf_counter() - sent_at) * 1000
                return ScoreResult(
                    tuple(float(x) for x in event["logprobs"]),
                    dataclasses.replace(stats, total_ms=wall_ms, ttft_ms=wall_ms),
                )
        raise EngineError("The engine ended the request without an answer.")

    def score_batch(
        self,
        requests: Sequence[ScoreRequest],
        *,
        parallel: int = 4,
        cancel: CancelToken | None = None,
    ) -> list[ScoreResult]:
        """`score` for many requests, `parallel` sequences per forward pass; their shared
        prefix (e.g. a label set's instructions) is computed once. Same log-probabilities as
        one at a time, within rounding."""
        self._ensure_loaded(cancel)
        message = {
            "op": p.OP_SCORE_BATCH,
            "requests": [r.to_dict() for r in requests],
            "parallel": parallel,
        }
        for event in self._exchange(message, cancel, "reading the texts"):
            if event["ev"] == p.EV_SCORED_BATCH:
                total_ms = float(event["stats"].get("total_ms", 0.0))
                share = total_ms / max(1, len(requests))
                return [
                    ScoreResult(
                        tuple(float(x) for x in r["logprobs"]),
                        GenerationStats(
                            prompt_tokens=int(r["prompt_tokens"]),
                            cached_prompt_tokens=int(r["cached_prompt_tokens"]),
                            total_ms=share,
                            ttft_ms=share,
                        ),
                    )
                    for r in event["results"]
                ]
        raise EngineError("The engine ended the request without an answer.")

    def count_tokens(self, texts: Sequence[str], *, cancel: CancelToken | None = None) -> list[int]:
        """How many tokens each text is, for the loaded model."""
        self._ensure_loaded(cancel)
        for event in self._exchange(
            {"op": p.OP_COUNT, "texts": list(texts)}, cancel, "measuring the text"
        ):
            if event["ev"] == p.EV_COUNTED:
                return [int(n) for n in event["counts"]]
        raise EngineError("The engine ended the request without an answer.")

    def prefill(self, request: GenerateRequest, *, cancel: CancelToken | None = None) -> int:
        """Read `request`'s prompt into the model's cache ahead of the request itself (while
        the user is still typing), so that sending it later starts from the cache. Returns how
        many of its tokens are cached now. Cancelling keeps what was read so far."""
        self._ensure_loaded(cancel)
        for event in self._exchange(
            {"op": p.OP_PREFILL, "request": request.to_dict()}, cancel, "reading the text ahead"
        ):
            if event["ev"] == p.EV_PREFILLED:
                return int(event["cached"])
        raise EngineError("The engine ended the request without an answer.")

    def _ensure_loaded(self, cancel: CancelToken | None) -> None:
        """After a crash of the host, start a fresh one and reload the model."""
        if self._options is None:
            raise EngineError("No model is loaded. Choose a model first.")
        if self._loaded is None or self.pid is None:
            self.load(self._options, cancel=cancel)

    def complete(
        self,
        request: GenerateRequest,
        *,
        on_text: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Run a generation to its end, handing text pieces to `on_text` as they come."""
        result: GenerationResult | None = None
        for event in self.generate(request, cancel=cancel):
            if isinstance(event, TokenText) and on_text is not None:
                on_text(event.text)
            elif isinstance(event, GenerationResult):
                result = event
        assert result is not None
        return result

    def _exchange(
        self, message: dict[str, Any], cancel: CancelToken | None, doing: str
    ) -> Iterator[dict[str, Any]]:
        """Send one request and yield its events through the final one (done/loaded).

        Raises `Cancelled`, `EngineCrashed` or the typed error the host reported. If the
        consumer stops early, the request is cancelled and drained so the pipe stays in step.
        """
        host = self._ensure_host()
        self._next_id += 1
        req = self._next_id
        if cancel is not None:
            cancel.raise_if_cancelled()
        unregister = (
            cancel.on_cancel(lambda: self._send_cancel(host, req)) if cancel is not None else None
        )
        finished = False
        try:
            host.send({**message, "id": req})
            while True:
                event = host.read()
                if event is None:
                    finished = True
                    self._crashed(host, doing)
                if event.get("id") != req:
                    continue  # a stray reply to an abandoned request
                kind = event.get("ev")
                if kind == p.EV_ERROR:
                    finished = True
                    raise _error_for(event)
                if kind == p.EV_DONE and event.get("cancelled"):
                    finished = True
                    raise Cancelled()
                final = kind in _FINAL_EVENTS
                finished = final
                yield event
                if final:
                    return
        finally:
            if unregister is not None:
                unregister()
            if not finished:
                self._abandon(host, req)

    @staticmethod
    def _send_cancel(host: _HostProcess, req: int) -> None:
        host.send({"op": p.OP_CANCEL, "id": req})

    def _abandon(self, host: _HostProcess, req: int) -> None:
        """The caller walked away mid-request: cancel it and read up to its end."""
        if not host.send({"op": p.OP_CANCEL, "id": req}):
            return
        while (event := host.read()) is not None:
            if event.get("id") == req and (
                event.get("ev") in _FINAL_EVENTS or event.get("ev") == p.EV_ERROR
            ):
                return

    def _crashed(self, host: _HostProcess, doing: str) -> NoReturn:
        reason = host.reap()
        self._host = None
        self._loaded = None
        raise EngineCrashed(
            f"The engine stopped while {doing}: {reason}. Nothing you typed was lost; try "
            f"again and a fresh engine will start. Details are in {self._log_path}.",
            reason=reason,
        )


def _error_for(event: dict[str, Any]) -> HearthError:
    kind = event.get("kind")
    message = str(event.get("message", "unknown error"))
    if kind == p.ERR_MODEL_FILE:
        return ModelFileError(message)
    if kind == p.ERR_TEMPLATE:
        return ChatTemplateError(message)
    if kind == p.ERR_TOO_LONG:
        return InputTooLong(message)
    if kind == p.ERR_BAD_REQUEST:
        return HearthError(message)
    return EngineError(f"The engine could not do that: {message}")
