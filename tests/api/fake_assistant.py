"""A small stand-in for `hearth.core.assistant.Assistant` for the server's own tests: it
answers by echoing, streams its answer in pieces, can be held mid-answer (until cancelled or
released), and records every request. The real assistant is tested in test_real_engine.py."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth.core.answer import Answer, Timings
from hearth.core.cancel import CancelToken
from hearth.core.engine.types import LoadInfo
from hearth.core.errors import Cancelled, UsageError
from hearth.core.request import AnswerSink, Request

PIECES = ("Hello", " from", " Hearth", ".")


@dataclass
class FakeAssistant:
    route: str = "local"
    hold: bool = False  # stop after the first piece until released or cancelled
    warm_gate: threading.Event | None = None  # warm_up waits for it
    requests: list[Request] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    closed: bool = False

    def answer(self, request: Request, sink: AnswerSink | None = None, ask: Any = None) -> Answer:
        assert ask is None, "the API never asks"
        self.requests.append(request)
        if request.text == "bad option":
            raise UsageError("rewrite: 'loud' is not a style")
        pieces = list(PIECES)
        if request.options.get("json_schema") is not None or request.task == "extract":
            pieces = ['{"name": ', '"Ada"}']
        for i, piece in enumerate(pieces):
            if sink is not None and sink.on_text is not None:
                sink.on_text(piece)
            if i == 0:
                self.started.set()
                if self.hold:
                    self._wait(request.cancel)
        output: Any = "".join(pieces)
        data: dict[str, Any] = {
            "task": request.task,
            "output": output,
            "route": self.route,
            "model": "fake-model",
            "confidence": 0.9,
            "escalation_reason": "policy_never",
        }
        if request.task == "classify":
            data.update(label="spam", labels={"spam": 0.8, "ham": 0.2}, output="spam")
            output = "spam"
        return Answer(
            task=request.task,
            output=output,
            route=self.route,
            model="fake-model",
            confidence=0.9,
            timings=Timings(prompt_tokens=12, output_tokens=len(pieces)),
            data=data,
        )

    def _wait(self, cancel: CancelToken) -> None:
        cancel.on_cancel(self.release.set)
        self.release.wait(30)
        if cancel.cancelled:
            self.cancelled.set()
            raise Cancelled()

    def warm_up(
        self, cancel: CancelToken | None = None, model: Path | None = None
    ) -> LoadInfo | None:
        if self.warm_gate is not None:
            self.warm_gate.wait(30)
        return None

    def close(self) -> None:
        self.closed = True
