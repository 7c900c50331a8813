"""Batched classification end to end: `Classify.run_many` and `Assistant.answer_many` give what
one text at a time gives (labels, probabilities within 1e-3, the same record shape), with the
texts scored several per forward pass, on a real engine host and the generated model."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from hearth.core.assistant import Assistant
from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import LoadOptions, ScoreRequest, ScoreResult
from hearth.core.paths import Paths
from hearth.core.request import Request
from hearth.core.settings import Settings
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.task import TaskSink

TEXTS = [
    "I was charged twice for my subscription this month.",
    "The app crashes when I open the settings.",
    "I forgot my password.",
    "I was charged twice for my subscription this month.",  # the same text twice
    "Thank you, your support team was great!",
    "Do you have an office in Lisbon?",
    "Export to PDF does nothing since the update.",
]
LABELS = "billing,technical,account,feedback,other"


class CountingEngine:
    """The real engine client, counting the one-text scores and the batches it is asked."""

    def __init__(self, engine: EngineClient) -> None:
        self.engine = engine
        self.scores = 0
        self.batches = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)

    def score(self, request: ScoreRequest, *, cancel: CancelToken | None = None) -> ScoreResult:
        self.scores += 1
        return self.engine.score(request, cancel=cancel)

    def score_batch(
        self,
        requests: Sequence[ScoreRequest],
        *,
        parallel: int = 4,
        cancel: CancelToken | None = None,
    ) -> list[ScoreResult]:
        self.batches += 1
        return self.engine.score_batch(requests, parallel=parallel, cancel=cancel)


@pytest.fixture
def engine(hearth_home: Path, tiny_q4_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(host_command(), log_dir=hearth_home / "logs")
    client.load(LoadOptions(str(tiny_q4_model), context_size=1024, threads=1))
    yield client
    client.close()


@pytest.mark.parametrize(
    ("calibrate", "form"),
    [("off", "auto"), ("contextual", "auto"), ("batch", "auto"), ("off", "letters")],
)
def test_run_many_gives_what_run_gives(engine: EngineClient, calibrate: str, form: str) -> None:
    options = {"labels": LABELS, "calibrate": calibrate, "form": form}
    one = Classify()
    alone = [one.run(text, options, engine, TaskSink()) for text in TEXTS]
    counting = CountingEngine(engine)
    together = Classify().run_many(TEXTS, options, counting, parallel=3)  # type: ignore[arg-type]
    assert counting.batches == 1
    # Every text came from the batch; only contextual calibration's two content-free
    # prompts were scored alone.
    assert counting.scores == (2 if calibrate == "contextual" else 0)
    assert len(together) == len(TEXTS)
    for a, b in zip(alone, together, strict=True):
        assert b.output == a.output
        assert b.details.keys() == a.details.keys()
        assert b.details["calibration"] == a.details["calibration"]
        for name, p in a.details["labels"].items():
            assert b.details["labels"][name] == pytest.approx(p, abs=1e-3)
        assert b.confidence == pytest.approx(a.confidence, abs=2e-3)


def test_answer_many_answers_and_records_like_answer(
    hearth_home: Path, tiny_q4_model: Path, engine: EngineClient
) -> None:
    paths = Paths.under(hearth_home)
    settings = Settings(cloud_policy="never")
    counting = CountingEngine(engine)
    assistant = Assistant(paths, lambda: settings, counting)  # type: ignore[arg-type]
    base = Request(
        task="classify",
        text="",
        options={"labels": LABELS, "calibrate": "off"},
        model=str(tiny_q4_model),
    )
    requests = [dataclasses.replace(base, text=t) for t in TEXTS]
    alone = [assistant.answer(r).to_json() for r in requests]
    scores = counting.scores
    together = [a.to_json() for a in assistant.answer_many(requests, parallel=4)]
    assert counting.batches == 1
    assert counting.scores == scores  # no text was scored alone
    for a, b in zip(alone, together, strict=True):
        assert b.keys() == a.keys()
        assert b["output"] == a["output"]
        assert b["route"] == a["route"] == "local"
        for name, p in a["labels"].items():
            assert b["labels"][name] == pytest.approx(p, abs=1e-3)
    # parallel 1 is the one-text path
    counting.batches = 0
    assert [a.to_json()["output"] for a in assistant.answer_many(requests, parallel=1)] == [
        a["output"] for a in alone
    ]
    assert counting.batches == 0
