"""Run one task on the local engine: check the model, load it, stream the answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.preflight import check_model_file
from hearth.core.engine.types import (
    GenerationEvent,
    GenerationResult,
    LoadInfo,
    LoadOptions,
    TokenText,
)
from hearth.core.errors import UsageError
from hearth.core.hardware import Memory, memory
from hearth.core.settings import Settings
from hearth.core.tasks.task import Task


@dataclass(frozen=True)
class TaskOutcome:
    task: str
    output: str
    route: str  # "local" | "cloud"
    load: LoadInfo
    load_wall_ms: float  # starting the host and loading, as the user waited for it
    result: GenerationResult
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        stats = self.result.stats
        return {
            "task": self.task,
            "output": self.output,
            "route": self.route,
            "model": self.load.model_name,
            "model_path": self.load.model_path,
            "quantization": self.load.quantization,
            "backend": self.load.backend,
            "gpu_layers": self.load.gpu_layers,
            "confidence": self.confidence,
            "finish_reason": self.result.finish_reason,
            "timings": {
                "load_ms": round(self.load_wall_ms, 2),
                "model_load_ms": self.load.load_ms,
                "ttft_ms": round(self.result.wall_ttft_ms, 2),
                "total_ms": round(self.result.wall_total_ms, 2),
                "prompt_tokens": stats.prompt_tokens,
                "cached_prompt_tokens": stats.cached_prompt_tokens,
                "output_tokens": stats.output_tokens,
                "prefill_tokens_per_s": stats.prefill_tokens_per_s,
                "decode_tokens_per_s": stats.decode_tokens_per_s,
            },
        }


class TaskRunner:
    def __init__(self, engine: EngineClient, *, memory_probe: Callable[[], Memory] = memory):
        self._engine = engine
        self._memory_probe = memory_probe

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
    ) -> tuple[LoadInfo, float]:
        check_model_file(model_path, settings.context_size, memory_probe=self._memory_probe)
        options = LoadOptions(
            model_path=str(model_path),
            context_size=settings.context_size,
            threads=settings.threads,
            gpu_layers=settings.gpu_layers,
        )
        started = time.perf_counter()
        info = self._engine.load(options, on_progress=on_progress, cancel=cancel)
        return info, (time.perf_counter() - started) * 1000

    def run(
        self,
        task: Task,
        text: str,
        options: Mapping[str, str],
        model_path: Path,
        settings: Settings,
        *,
        on_event: Callable[[GenerationEvent], None] | None = None,
        on_load_progress: Callable[[float], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> TaskOutcome:
        if not text.strip():
            raise UsageError("The text is empty: give the task something to work on.")
        request = task.build_request(text, options)
        info, load_ms = self.load(model_path, settings, on_progress=on_load_progress, cancel=cancel)
        result: GenerationResult | None = None
        for event in self._engine.generate(request, cancel=cancel):
            if on_event is not None:
                on_event(event)
            if isinstance(event, GenerationResult):
                result = event
        assert result is not None
        return TaskOutcome(task.name, result.text.strip(), "local", info, load_ms, result)


def text_only(callback: Callable[[str], None]) -> Callable[[GenerationEvent], None]:
    """Adapt a text sink to the event stream."""

    def on_event(event: GenerationEvent) -> None:
        if isinstance(event, TokenText):
            callback(event.text)

    return on_event
