"""The one request path: `Assistant.answer(request, sink, ask) -> Answer`.

Fast request-path tests use a recording fake engine (it answers what the test scripts and
records what it was asked); the cloud is a real OpenAI-compatible server on 127.0.0.1 that
records what it received; the ledger and the history are real files. The adapter test runs the
real engine on a generated model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from hearth.core.assistant import Assistant
from hearth.core.cancel import CancelToken
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.engine.types import (
    GenerateRequest,
    GenerationEvent,
    GenerationResult,
    GenerationStats,
    LoadInfo,
    LoadOptions,
    ScoreRequest,
    ScoreResult,
    TokenText,
)
from hearth.core.errors import Cancelled, ErrorKind, HearthError, error_kind
from hearth.core.history import HistoryStore
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.models.library import ModelLibrary
from hearth.core.paths import Paths
from hearth.core.request import AnswerSink, InputInfo, Request
from hearth.core.routing.policy import CloudPolicy
from hearth.core.settings import Settings
from tests.core.cloud.fake_provider import FakeProvider, completion
from tests.core.models.conftest import write_lora

TICKET = "Hi, my order 4471 has not arrived. Please help. Ana"


class RecordingEngine:
    """An engine that answers from a script and records every request it gets."""

    def __init__(
        self,
        texts: Sequence[str] = ("A fine answer.",),
        logprobs: Sequence[float] = (-0.01, -0.02),
    ) -> None:
        self.texts = list(texts)
        self.logprobs = tuple(logprobs)
        self.generated: list[GenerateRequest] = []
        self.scored: list[ScoreRequest] = []
        self.loads: list[LoadOptions] = []
        self._loaded: LoadInfo | None = None
        self.closed = False

    @property
    def loaded(self) -> LoadInfo | None:
        return self._loaded

    def host_info(self) -> None:
        return None

    def start(self) -> None:
        """The real engine starts its host here, while the runner checks the model file."""

    def load(
        self,
        options: LoadOptions,
        *,
        on_progress: Callable[[float], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> LoadInfo:
        if cancel is not None:
            cancel.raise_if_cancelled()
        self.loads.append(options)
        self._loaded = LoadInfo(
            model_path=options.model_path,
            load_ms=1.0,
            context_size=options.context_size,
            threads=1,
            gpu_layers=0,
            backend="CPU",
            gpu_note="",
            chat_format="model",
            n_layers=2,
            architecture="llama",
            model_name="Recording",
            quantization="F16",
            lora_path=options.lora_path,
        )
        return self._loaded

    def count_tokens(self, texts: Sequence[str], *, cancel: CancelToken | None = None) -> list[int]:
        return [max(1, len(t) // 4) for t in texts]

    def generate(
        self, request: GenerateRequest, *, cancel: CancelToken | None = None
    ) -> Iterator[GenerationEvent]:
        self.generated.append(request)
        text = self.texts.pop(0) if len(self.texts) > 1 else self.texts[0]
        yield TokenText(text)
        yield GenerationResult(
            text,
            "stop",
            GenerationStats(prompt_tokens=10, output_tokens=5, decode_tokens_per_s=50.0),
            token_logprobs=self.logprobs,
        )

    def score(self, request: ScoreRequest, *, cancel: CancelToken | None = None) -> ScoreResult:
        self.scored.append(request)
        # The first label is far more likely than the rest, whatever the text.
        values = tuple(-0.1 if i == 0 else -6.0 for i in range(len(request.candidates)))
        return ScoreResult(values, GenerationStats(prompt_tokens=20))

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def paths(hearth_home: Path) -> Paths:
    return Paths.from_environment()


def assistant_for(
    paths: Paths, engine: RecordingEngine | EngineClient, settings: Settings
) -> Assistant:
    return Assistant(
        paths,
        lambda: settings,
        cast(EngineClient, engine),
        history=HistoryStore.in_folder(paths.data_dir),
    )


def ledger_rows(paths: Paths) -> list[dict[str, Any]]:
    with Ledger(ledger_path(paths), keep_history=True, prices=PriceTable({})) as ledger:
        return [entry.to_json() for entry in reversed(ledger.entries())]


def test_a_local_answer_is_one_answer_recorded_in_the_ledger_and_history(
    paths: Paths, tiny_model: Path
) -> None:
    engine = RecordingEngine(["Your order 4471 is on its way."])
    settings = Settings(model=str(tiny_model), keep_history=True)
    streamed: list[str] = []
    answer = assistant_for(paths, engine, settings).answer(
        Request("rewrite", TICKET, {"style": "friendly"}, source="popup"),
        AnswerSink(on_text=streamed.append),
    )
    assert answer.route == "local"
    assert answer.output == "Your order 4471 is on its way."
    assert "".join(streamed) == answer.output
    assert answer.model == "Recording"
    assert answer.confidence is not None
    assert answer.flags.added_facts == ()
    data = answer.to_json()
    assert data["source"] == "popup"
    assert data["added_facts"] == []
    assert data["timings"]["output_tokens"] == 5
    rows = ledger_rows(paths)
    assert [(r["task"], r["route"], r["source"]) for r in rows] == [("rewrite", "local", "popup")]
    history = HistoryStore.in_folder(paths.data_dir).recent()
    assert [(h.task, h.output) for h in history] == [("rewrite", answer.output)]


def test_an_added_fact_is_flagged_and_lowers_the_confidence(paths: Paths, tiny_model: Path) -> None:
    plain = assistant_for(
        paths, RecordingEngine(["Your order has not arrived."]), Settings(model=str(tiny_model))
    ).answer(Request("rewrite", TICKET, {"style": "concise"}))
    invented = assistant_for(
        paths,
        RecordingEngine(["Order 4471 missing. Call 415-555-0134."]),
        Settings(model=str(tiny_model)),
    ).answer(Request("rewrite", TICKET, {"style": "concise"}))
    assert invented.flags.added_facts
    assert any("555" in fact for fact in invented.flags.added_facts)
    assert invented.to_json()["added_facts"] == list(invented.flags.added_facts)
    assert plain.confidence is not None
    assert invented.confidence is not None
    assert invented.confidence < plain.confidence


def test_a_proofread_is_greedy(paths: Paths, tiny_model: Path) -> None:
    engine = RecordingEngine([TICKET])
    assistant_for(paths, engine, Settings(model=str(tiny_model))).answer(
        Request("rewrite", TICKET, {"style": "proofread"})
    )
    assert engine.generated[-1].temperature == 0.0


def test_the_input_file_is_described_in_the_answer(paths: Paths, tiny_model: Path) -> None:
    info = InputInfo(path="/tmp/report.pdf", format="pdf", chars=len(TICKET), pages=3)
    answer = assistant_for(paths, RecordingEngine(), Settings(model=str(tiny_model))).answer(
        Request("summarize", TICKET, {}, input=info)
    )
    assert answer.to_json()["input"] == {
        "path": "/tmp/report.pdf",
        "format": "pdf",
        "chars": len(TICKET),
        "pages": 3,
    }


def test_no_model_is_a_model_missing_error(paths: Paths) -> None:
    with pytest.raises(HearthError) as caught:
        assistant_for(paths, RecordingEngine(), Settings(model=None)).answer(
            Request("summarize", TICKET)
        )
    assert error_kind(caught.value) is ErrorKind.MODEL_MISSING


def test_an_unknown_task_is_a_usage_error(paths: Paths, tiny_model: Path) -> None:
    with pytest.raises(HearthError, match="no task 'translate'"):
        assistant_for(paths, RecordingEngine(), Settings(model=str(tiny_model))).answer(
            Request("translate", TICKET)
        )


def test_a_cancelled_warm_up_returns_at_once(paths: Paths, tiny_model: Path) -> None:
    engine = RecordingEngine()
    cancel = CancelToken()
    cancel.cancel()
    assistant = assistant_for(paths, engine, Settings(model=str(tiny_model)))
    assert assistant.warm_up(cancel) is None
    assert engine.loads == []


def test_a_cancelled_request_raises_cancelled_and_keeps_nothing(
    paths: Paths, tiny_model: Path
) -> None:
    request = Request("summarize", TICKET)
    request.cancel.cancel()
    with pytest.raises(Cancelled):
        assistant_for(paths, RecordingEngine(), Settings(model=str(tiny_model))).answer(request)


# -- the cloud, on a loopback server that records what it received -----------------------------


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


def cloud_settings(tiny_model: Path, provider: FakeProvider, **changes: Any) -> Settings:
    return Settings(
        model=str(tiny_model),
        cloud_base_url=provider.base_url,
        cloud_model="fake-model",
        **changes,
    )


@pytest.mark.usefixtures("keychain")
def test_a_refinement_sent_to_the_cloud_carries_the_previous_answer_and_the_follow_up(
    paths: Paths, tiny_model: Path, provider: FakeProvider
) -> None:
    provider.reply(completion("Order 4471: not here yet. Help?"))
    previous = "Hello! My order 4471 still hasn't arrived, could you help? Thanks, Ana"
    options = {"style": "friendly", "previous": previous, "follow_up": "Make it shorter."}
    answer = assistant_for(paths, RecordingEngine(), cloud_settings(tiny_model, provider)).answer(
        Request("rewrite", TICKET, options, cloud=CloudPolicy.ALWAYS)
    )
    assert answer.route == "cloud"
    assert answer.output == "Order 4471: not here yet. Help?"
    sent = provider.seen[0].json["messages"]
    assert [m["role"] for m in sent][-2:] == ["assistant", "user"]
    assert sent[-2]["content"] == previous
    assert sent[-1]["content"].startswith("Make it shorter.")
    assert "order 4471 has not arrived" in json.dumps(sent)


@pytest.mark.usefixtures("keychain")
def test_an_escalated_classification_agrees_with_itself(
    paths: Paths, tiny_model: Path, provider: FakeProvider
) -> None:
    provider.reply(completion('{"label": "spam"}'))
    settings = cloud_settings(tiny_model, provider, cloud_auto_threshold=1.0)
    answer = assistant_for(paths, RecordingEngine(), settings).answer(
        Request(
            "classify",
            "WIN a FREE cruise, reply now",
            {"labels": "invoice,spam"},
            cloud=CloudPolicy.AUTO,
        )
    )
    assert answer.route == "cloud"
    assert answer.output == answer.label == "spam"
    assert answer.labels == {"invoice": 0.0, "spam": 1.0}
    assert answer.confidence is None  # the cloud gives none; the device's is not this answer's
    assert answer.local_output == "invoice"
    data = answer.to_json()
    assert (data["output"], data["label"], data["labels"]) == ("spam", "spam", answer.labels)
    assert data["local"]["output"] == "invoice"
    assert data["local"]["confidence"] is not None
    assert "raw_labels" not in data


@pytest.mark.usefixtures("keychain")
def test_air_gapped_requests_never_reach_the_cloud(
    paths: Paths, tiny_model: Path, provider: FakeProvider
) -> None:
    provider.reply(completion("from the cloud"))
    settings = cloud_settings(tiny_model, provider, cloud_policy="always")
    answer = assistant_for(paths, RecordingEngine(["from here"]), settings).answer(
        Request("summarize", TICKET, offline=True)
    )
    assert answer.route == "local"
    assert answer.output == "from here"
    assert provider.seen == []


# -- adapters, on the real engine ----------------------------------------------------------------


def test_an_attached_adapter_applies_to_requests_and_to_threshold_keys(
    paths: Paths, tiny_model: Path, tmp_path: Path
) -> None:
    library = ModelLibrary.for_paths(paths)
    base = library.import_file(tiny_model, copy=False).entry
    adapter = library.import_file(write_lora(tmp_path / "style.gguf"), copy=False).entry
    library.attach("rewrite", base.id, adapter.id, scale=0.5)
    settings = Settings(model=str(base.file), context_size=512, threads=1)
    with EngineClient(host_command(), log_dir=paths.log_dir) as engine:
        assistant = Assistant(paths, lambda: settings, engine, library=library)
        assistant.answer(Request("rewrite", "Fix this sentense.", {"style": "friendly"}))
        assert assistant.loaded is not None
        assert assistant.loaded.lora_path == str(adapter.file)
        assistant.answer(Request("summarize", "A short note about nothing much."))
        assert assistant.loaded.lora_path is None
        assert assistant.adapter_name("rewrite", base.file) == f"{adapter.file}@0.5"
        assert assistant.adapter_name("classify", base.file) is None


def test_a_long_summary_is_announced_before_it_starts(paths: Paths, tiny_model: Path) -> None:
    assistant = assistant_for(paths, RecordingEngine(), Settings(model=str(tiny_model)))
    long_text = "The committee met again and discussed the budget at length. " * 20_000
    estimate = assistant.estimate(Request("summarize", long_text))
    assert estimate is not None
    assert estimate.long
    assert estimate.parts > 10
    assert assistant.estimate(Request("rewrite", long_text)) is None
    said: list[str] = []
    cancel_after_first = Request("summarize", long_text)

    def progress(message: str) -> None:
        said.append(message)
        cancel_after_first.cancel.cancel()  # the user reads it and stops

    with pytest.raises(Cancelled):
        assistant.answer(cancel_after_first, AnswerSink(on_progress=progress))
    assert said[0].startswith("This is a long text:")
    assert f"{estimate.parts} parts" in said[0]


def test_a_classification_uses_the_calibration_chosen_for_its_labels_and_model(
    paths: Paths, tiny_model: Path
) -> None:
    from hearth.core.routing.threshold_store import (
        StoredThreshold,
        ThresholdStore,
        threshold_key,
        threshold_path,
    )
    from hearth.core.tasks.labels import parse_labels

    labels = parse_labels("invoice,spam")
    settings = Settings(model=str(tiny_model))
    engine = RecordingEngine()
    assistant = assistant_for(paths, engine, settings)
    assistant.answer(Request("classify", "WIN a cruise", {"labels": "invoice,spam"}))
    assert engine.scored[-1].candidates[0][0] == "invoice"  # the default: names, distinct

    chosen = StoredThreshold(
        threshold=0.4, target=0.9, reached=True, share_on_device=0.8, examples=40,
        accuracy=0.9, labels=("invoice", "spam"), model=str(tiny_model.resolve()),
        contextual=False, time="2026-12-06T10:00:00+00:00", mode="none", form="letters",
        reason="letters measured better on your examples",
    )  # fmt: skip
    key = threshold_key(labels, tiny_model.resolve(), mode="none", form="letters")
    ThresholdStore(threshold_path(paths)).put(key, chosen)
    answer = assistant.answer(Request("classify", "WIN a cruise", {"labels": "invoice,spam"}))
    assert engine.scored[-1].candidates[0][0] == "A"  # what calibrating chose: letters
    assert answer.label in ("invoice", "spam")
    # An explicit choice in the request wins over the stored one.
    assistant.answer(
        Request("classify", "WIN a cruise", {"labels": "invoice,spam", "form": "names"})
    )
    assert engine.scored[-1].candidates[0][0] == "invoice"
