"""Run one task on the local engine: check the model, load it, run the task, time it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.preflight import check_model_header, usable_context
from hearth.core.engine.types import GenerationEvent, LoadInfo, LoadOptions, TokenText
from hearth.core.hardware import Memory, memory
from hearth.core.models.gguf_header import read_gguf_header
from hearth.core.settings import Settings
from hearth.core.tasks.task import Task, TaskResult, TaskSink


@dataclass(frozen=True)
class TaskOutcome:
    task: str
    result: TaskResult
    route: str  # "local" | "cloud"
    load: LoadInfo
    load_wall_ms: float  # starting the host and loading, as the user waited for it
    total_ms: float  # the task itself, from the request to the last token

    @property
    def output(self) -> Any:
        return self.result.output

    @property
    def confidence(self) -> float | None:
        return self.result.confidence

    def to_json(self) -> dict[str, Any]:
        usage = self.result.usage
        return {
            **self.result.details,
            "task": self.task,
            "output": self.result.output,
            "route": self.route,
            "model": self.load.model_name,
            "model_path": self.load.model_path,
            "quantization": self.load.quantization,
            "backend": self.load.backend,
            "gpu_layers": self.load.gpu_layers,
            "confidence": _round(self.result.confidence),
            "finish_reason": self.result.finish_reason,
            "timings": {
                "load_ms": round(self.load_wall_ms, 2),
                "model_load_ms": self.load.load_ms,
                "ttft_ms": round(usage.ttft_ms or 0.0, 2),
                "total_ms": round(self.total_ms, 2),
                "prompt_tokens": usage.prompt_tokens,
                "cached_prompt_tokens": usage.cached_prompt_tokens,
                "output_tokens": usage.output_tokens,
                "decode_tokens_per_s": usage.decode_tokens_per_s,
                "engine_calls": usage.calls,
                "draft_tokens": usage.draft_tokens,
                "accepted_draft_tokens": usage.accepted_draft_tokens,
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class TaskRunner:
    def __init__(
        self,
        engine: EngineClient,
        *,
        memory_probe: Callable[[], Memory] = memory,
        adapters: Callable[[str, Path], tuple[Path, float] | None] | None = None,
    ):
        self._engine = engine
        self._memory_probe = memory_probe
        # (task, model file) -> the LoRA adapter attached for that task, and its scale.
        self._adapters = adapters
        self._checked: tuple[object, ...] | None = None  # the file last found sound
        self._context = 0  # the context that file is loaded with

    def _check(self, model_path: Path, context_size: int) -> int:
        """Validate the file before llama.cpp opens it; again only if it changed. Returns the
        context to load it with: the settings', capped to what the model and memory allow,
        before llama.cpp allocates anything."""
        try:
            stat = model_path.stat()
            key: tuple[object, ...] | None = (
                str(model_path),
                stat.st_size,
                stat.st_mtime_ns,
                stat.st_ino,
                context_size,
            )
        except OSError:
            key = None  # let the check say what is wrong with the path
            loaded = self._engine.loaded
            if (
                loaded is not None
                and self._checked is not None
                and loaded.model_path == str(model_path)
                and self._engine.pid is not None
            ):
                # Removed (`hearth models remove`) while loaded: the engine's mapping of the
                # file outlives its name, so a batch in progress finishes on it; the next
                # load (a new run, or a restarted engine) says the file is gone.
                return self._context
        if key is None or key != self._checked:
            machine = self._memory_probe()
            header = read_gguf_header(model_path)  # once: it sizes the context and is checked
            self._context = usable_context(header, context_size, machine)
            check_model_header(header, self._context, machine)
            self._checked = key
        return self._context

    def start_engine(self) -> None:
        """Start the engine host ahead of need: it takes most of a second to come up."""
        self._engine.host_info()

    def load(
        self,
        model_path: Path,
        settings: Settings,
        *,
        on_progress: Callable[[float], None] | None = None,
        cancel: CancelToken | None = None,
        task: str | None = None,
    ) -> tuple[LoadInfo, float]:
        started = time.perf_counter()
        # The host takes most of a second to come up: it starts first, and the file is checked
        # meanwhile. It opens no model before the check has passed and `load` names one.
        self._engine.start()
        context_size = self._check(model_path, settings.context_size)
        adapter = self._adapters(task, model_path) if self._adapters is not None and task else None
        options = LoadOptions(
            model_path=str(model_path),
            context_size=context_size,
            threads=settings.threads,
            gpu_layers=settings.gpu_layers,
            lora_path=None if adapter is None else str(adapter[0]),
            lora_scale=1.0 if adapter is None else adapter[1],
        )
        info = self._engine.load(options, on_progress=on_progress, cancel=cancel)
        return info, (time.perf_counter() - started) * 1000

    def run(
        self,
        task: Task,
        text: str,
        options: Mapping[str, Any],
        model_path: Path,
        settings: Settings,
        *,
        on_event: Callable[[GenerationEvent], None] | None = None,
        on_load_progress: Callable[[float], None] | None = None,
        on_progress: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> TaskOutcome:
        info, load_ms = self.load(
            model_path, settings, on_progress=on_load_progress, cancel=cancel, task=task.name
        )
        sink = TaskSink(on_event=on_event, on_progress=on_progress)
        started = time.perf_counter()
        result = task.run(text, options, self._engine, sink, cancel)
        total_ms = (time.perf_counter() - started) * 1000
        return TaskOutcome(task.name, result, "local", info, load_ms, total_ms)


def text_only(callback: Callable[[str], None]) -> Callable[[GenerationEvent], None]:
    """Adapt a text sink to the event stream."""

    def on_event(event: GenerationEvent) -> None:
        if isinstance(event, TokenText):
            callback(event.text)

    return on_event
