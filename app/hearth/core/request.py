"""One request to the assistant, as every front end builds it, and where its progress goes.

The window, the command line, the popup and the local API differ only in how they fill a
`Request` and how they show what arrives at the `AnswerSink`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hearth.core.cancel import CancelToken
from hearth.core.engine.types import GenerationEvent, PrefillProgress, TokenText

if TYPE_CHECKING:
    # A request is built below the routing layer (documents describe their input with it).
    from hearth.core.routing.policy import CloudPolicy

# Where a request came from, as the ledger records it.
SOURCES = ("window", "cli", "popup", "api")


@dataclass(frozen=True)
class InputInfo:
    """What was read when the text came from a file (the `input` object of `--json`)."""

    path: str
    format: str  # "pdf" | "docx" | "html" | "text" | "markdown" | "eml"
    chars: int
    pages: int | None = None  # where the format has pages
    dropped: tuple[str, ...] = ()  # what the reader left out, in words

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "format": self.format, "chars": self.chars}
        if self.pages is not None:
            data["pages"] = self.pages
        if self.dropped:
            data["dropped"] = list(self.dropped)
        return data


@dataclass(frozen=True)
class Request:
    """What the user asked: a task, the text, the task's options, and how it may be routed.

    `options` are the task's raw options (style, instruction, labels, calibrate, schema,
    previous, follow_up, strict, ...); the task parses and checks them once.
    """

    task: str  # a name in the task catalog
    text: str
    options: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None  # a .gguf path or a model id; None: the model in the settings
    cloud: CloudPolicy | None = None  # overrides the settings' policy for this request
    offline: bool = False  # air-gapped for this request, whatever the settings say
    source: str = "cli"  # one of SOURCES
    input: InputInfo | None = None
    cancel: CancelToken = field(default_factory=CancelToken, compare=False)


@dataclass
class AnswerSink:
    """Where a request reports while it runs; every callback is optional and is called on the
    thread that runs `Assistant.answer` (a front end hands it to its own thread itself)."""

    on_text: Callable[[str], None] | None = None  # the local model's text as it is generated
    on_event: Callable[[GenerationEvent], None] | None = None  # every engine event
    on_progress: Callable[[str], None] | None = None  # "part 2 of 5", in words
    on_load_progress: Callable[[float], None] | None = None  # 0..1 while the model loads
    on_prefill: Callable[[int, int], None] | None = None  # tokens read of the prompt, total
    # The answer is about to come from the cloud instead: the reason, in the core's words.
    on_escalate: Callable[[str], None] | None = None
    on_cloud_text: Callable[[str], None] | None = None  # the cloud's text, placeholders restored

    def engine_event(self, event: GenerationEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)
        if isinstance(event, TokenText) and self.on_text is not None:
            self.on_text(event.text)
        elif isinstance(event, PrefillProgress) and self.on_prefill is not None and event.total:
            self.on_prefill(event.done, event.total)
