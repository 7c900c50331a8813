"""Answers scored ahead, in one batch, served to a task as if it asked for each one alone.

`Classify.run_many` scores all its texts with one `score_batch` (several sequences per forward
pass) and then runs the ordinary one-text path for each, on this engine: a `score` call for a
request that was scored ahead returns that result, anything else (the content-free prompts of
calibration) goes to the real engine. So the batched answers go through exactly the code of
one-at-a-time answers: the same calibration, confidence and details.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from hearth.core.cancel import CancelToken
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationEvent,
    LoadInfo,
    ScoreRequest,
    ScoreResult,
)
from hearth.core.tasks.task import EnginePort, TaskResult


class BatchScoringEngine(EnginePort, Protocol):
    """An engine that can also score many prompts per forward pass (`EngineClient` is one)."""

    def score_batch(
        self,
        requests: Sequence[ScoreRequest],
        *,
        parallel: int = 4,
        cancel: CancelToken | None = None,
    ) -> list[ScoreResult]: ...


@runtime_checkable
class BatchTask(Protocol):
    """A task that can answer many texts with batched scoring (`Classify`)."""

    def run_many(
        self,
        texts: Sequence[str],
        options: Mapping[str, Any],
        engine: BatchScoringEngine,
        parallel: int,
        cancel: CancelToken | None = None,
    ) -> list[TaskResult]: ...


class Prescored:
    """`engine`, except that `score` of a request scored ahead returns its result (each
    result once: the same text twice in a batch was scored twice)."""

    def __init__(
        self, engine: EnginePort, scored: Iterable[tuple[ScoreRequest, ScoreResult]]
    ) -> None:
        self._engine = engine
        self._results: dict[ScoreRequest, list[ScoreResult]] = {}
        for request, result in scored:
            self._results.setdefault(request, []).append(result)
        self.served = 0  # results answered from the batch: tests check the batch was used

    @property
    def loaded(self) -> LoadInfo | None:
        return self._engine.loaded

    def generate(
        self, request: GenerateRequest, *, cancel: CancelToken | None = None
    ) -> Iterator[GenerationEvent]:
        return self._engine.generate(request, cancel=cancel)

    def score(self, request: ScoreRequest, *, cancel: CancelToken | None = None) -> ScoreResult:
        ahead = self._results.get(request)
        if ahead:
            self.served += 1
            return ahead.pop(0)
        return self._engine.score(request, cancel=cancel)

    def count_tokens(self, texts: Sequence[str], *, cancel: CancelToken | None = None) -> list[int]:
        return self._engine.count_tokens(texts, cancel=cancel)


__all__ = ["BatchScoringEngine", "BatchTask", "Prescored"]
