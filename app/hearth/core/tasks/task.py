"""What every task declares, and what it may use of the engine.

A task is one module: its options, how it builds prompts (instructions first, user text last,
so the instructions form a prefix the engine's KV cache reuses), how it constrains and
post-processes the output, how it computes its confidence, its cloud request (how the same
request is put to a chat-completions endpoint and its answer read back), and its capabilities.
Front ends know tasks only through this protocol: they read capabilities, never task names.
Adding a task: write its module, list it in `catalog.py` (tests/core/tasks/test_catalog.py
checks that every task has every part).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hearth.core.cancel import CancelToken
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationEvent,
    GenerationResult,
    LoadInfo,
    ScoreRequest,
    ScoreResult,
    TokenText,
)
from hearth.core.errors import UsageError

if TYPE_CHECKING:
    from hearth.core.tasks.cloud_form import CloudTask


@dataclass(frozen=True)
class Capabilities:
    """What front ends may rely on, so none of them tests a task's name."""

    # The answer is text that arrives token by token (and can replace the input).
    streams_text: bool
    # `--batch`: many texts, one answer each, in one engine session.
    batchable: bool
    # Auto mode compares the confidence with a threshold calibrated for the task's options.
    calibrated_threshold: bool
    # "text" | "label" (with probabilities) | "object" (JSON): how an answer is shown.
    answer_kind: str
    # A finished answer can be refined with a follow-up ("make it shorter").
    refinable: bool = False
    # Offered in the window's task tabs (a task only the API uses is not).
    in_window: bool = True
    # A text longer than the context is split and summarized in parts (map-reduce): a long
    # text is a long job, said up front.
    splits_long_texts: bool = False


@dataclass(frozen=True)
class TaskOption:
    name: str
    choices: tuple[str, ...]  # empty: free-form
    default: str | None
    help: str


class EnginePort(Protocol):
    """The engine as tasks see it (`EngineClient` is one)."""

    @property
    def loaded(self) -> LoadInfo | None: ...

    def generate(
        self, request: GenerateRequest, *, cancel: CancelToken | None = None
    ) -> Iterator[GenerationEvent]: ...

    def score(self, request: ScoreRequest, *, cancel: CancelToken | None = None) -> ScoreResult: ...

    def count_tokens(
        self, texts: Sequence[str], *, cancel: CancelToken | None = None
    ) -> list[int]: ...


@dataclass
class TaskSink:
    """Where a running task reports: streamed text, engine events, and progress in words."""

    on_text: Callable[[str], None] | None = None
    on_event: Callable[[GenerationEvent], None] | None = None
    on_progress: Callable[[str], None] | None = None

    def event(self, event: GenerationEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)
        if isinstance(event, TokenText) and self.on_text is not None:
            self.on_text(event.text)

    def progress(self, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(message)


@dataclass
class Usage:
    """Engine work a task did, added up over its calls."""

    calls: int = 0
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0
    output_tokens: int = 0
    ttft_ms: float | None = None  # of the first call that produced output
    decode_tokens_per_s: float = 0.0  # of the longest generation
    draft_tokens: int = 0  # prompt-lookup drafts verified (speculative decoding), and kept
    accepted_draft_tokens: int = 0
    _longest: int = 0

    def add_generation(self, result: GenerationResult) -> None:
        self._add(result.stats.prompt_tokens, result.stats.cached_prompt_tokens)
        self.output_tokens += result.stats.output_tokens
        self.draft_tokens += result.stats.draft_tokens
        self.accepted_draft_tokens += result.stats.accepted_draft_tokens
        if self.ttft_ms is None:
            self.ttft_ms = result.wall_ttft_ms
        if result.stats.output_tokens >= self._longest:
            self._longest = result.stats.output_tokens
            self.decode_tokens_per_s = result.stats.decode_tokens_per_s

    def add_score(self, result: ScoreResult) -> None:
        self._add(result.stats.prompt_tokens, result.stats.cached_prompt_tokens)
        if self.ttft_ms is None:
            self.ttft_ms = result.stats.total_ms

    def _add(self, prompt: int, cached: int) -> None:
        self.calls += 1
        self.prompt_tokens += prompt
        self.cached_prompt_tokens += cached


@dataclass
class TaskResult:
    output: Any  # text, or the extracted JSON value
    confidence: float | None
    finish_reason: str = "stop"
    details: dict[str, Any] = field(default_factory=dict)  # task-specific, JSON-ready
    usage: Usage = field(default_factory=Usage)


class Task(Protocol):
    name: str
    title: str
    options: tuple[TaskOption, ...]
    capabilities: Capabilities

    def run(
        self,
        text: str,
        options: Mapping[str, Any],
        engine: EnginePort,
        sink: TaskSink,
        cancel: CancelToken | None = None,
    ) -> TaskResult: ...

    def cloud_request(
        self, text: str, options: Mapping[str, Any], *, structured_output: str | None
    ) -> CloudTask:
        """The same request for a chat-completions endpoint, and how its answer is read.
        Raises UsageError for bad options, as `run` would: with the always policy this runs
        before (or instead of) the local model."""
        ...


def choice(task: Task, options: Mapping[str, Any], name: str) -> str:
    """The chosen value of a choice option, checked against its choices."""
    for option in task.options:
        if option.name == name:
            value = options.get(name) or option.default
            if value not in option.choices:
                raise UsageError(
                    f"{task.name}: '{value}' is not a {name}; choose one of: "
                    + ", ".join(option.choices)
                )
            return str(value)
    raise KeyError(name)


def run_generation(
    engine: EnginePort,
    request: GenerateRequest,
    sink: TaskSink,
    usage: Usage,
    cancel: CancelToken | None,
) -> GenerationResult:
    """One streamed generation, its events passed to the sink and its work counted."""
    result: GenerationResult | None = None
    for event in engine.generate(request, cancel=cancel):
        sink.event(event)
        if isinstance(event, GenerationResult):
            result = event
    assert result is not None
    usage.add_generation(result)
    return result


def clean_input(text: str) -> str:
    """The user's text, refused when there is nothing to work on."""
    if "\x00" in text or _mostly_binary(text):
        raise UsageError(
            "The input looks like binary data, not text. Give a plain text file (.txt, .md) "
            "or paste the text itself."
        )
    stripped = text.strip()
    if not stripped:
        raise UsageError("The text is empty: give the task something to work on.")
    return stripped


def _mostly_binary(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    return len(sample) > 0 and bad / len(sample) > 0.1
