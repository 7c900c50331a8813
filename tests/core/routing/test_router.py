"""The router end to end: local answers, escalations through a loopback server, the ask
preview, failures that fall back, and the ledger row of each."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hearth.core.cancel import CancelToken
from hearth.core.cloud.client import CloudClient, open_client
from hearth.core.cloud.endpoint import CloudEndpoint
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import KeyStore
from hearth.core.cloud.messages import CloudRequest
from hearth.core.cloud.presets import find_preset
from hearth.core.errors import Cancelled
from hearth.core.ledger.prices import Price, PriceTable
from hearth.core.ledger.store import Ledger
from hearth.core.privacy.network_guard import NetworkGuard
from hearth.core.privacy.redaction import Redactor
from hearth.core.routing.policy import Action, CloudPolicy, Reason, RoutingPolicy
from hearth.core.routing.router import (
    PLACEHOLDER_NOTE,
    EscalationPreview,
    LocalAnswer,
    Message,
    RoutedAnswer,
    Router,
)
from tests.core.cloud.fake_provider import FakeProvider, Reply, sse_events, stream
from tests.core.cloud.memory_keyring import InMemoryKeyring

TEXT = "Please answer Ada Lovelace at ada@example.com about invoice 4111 1111 1111 1111."
REQUEST = CloudRequest(
    (Message("system", "Classify the text."), Message("user", TEXT)), max_tokens=32
)
PRICES = PriceTable({"fake-model": Price(1.0, 2.0)})


class LocalModel:
    """Stands in for the engine: the router only needs the answer and its confidence."""

    def __init__(self, confidence: float | None) -> None:
        self.confidence = confidence
        self.runs = 0

    def __call__(self) -> LocalAnswer:
        self.runs += 1
        return LocalAnswer("local answer", "Tiny", self.confidence, tokens_in=40, tokens_out=3)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite3", keep_history=True, prices=PRICES) as opened:
        yield opened


def make_router(
    provider: FakeProvider | None,
    ledger: Ledger | None,
    mode: CloudPolicy,
    *,
    ask: Callable[[EscalationPreview], bool] | None = None,
    air_gapped: bool = False,
    connect: Callable[[CloudEndpoint], CloudClient] | None = None,
) -> Router:
    endpoint = CloudEndpoint(provider.base_url, "fake-model") if provider else None
    return Router(
        policy=RoutingPolicy(mode, threshold=0.7),
        air_gapped=air_gapped,
        headless=ask is None,
        endpoint=endpoint,
        connect=connect or (lambda e: CloudClient(e, None)),
        redactor=Redactor(["Ada Lovelace"]),
        ledger=ledger,
        ask=ask,
    )


def run(router: Router, local: LocalModel, **kwargs: object) -> RoutedAnswer:
    return router.run("classify", REQUEST, local, request_text=TEXT, **kwargs)  # type: ignore[arg-type]


def test_a_confident_local_answer_stays_local(provider: FakeProvider, ledger: Ledger) -> None:
    answer = run(make_router(provider, ledger, CloudPolicy.AUTO), LocalModel(0.9))

    assert answer.route == "local"
    assert answer.text == "local answer"
    assert answer.decision.reason is Reason.CONFIDENT
    assert provider.seen == []
    row = ledger.entries()[0]
    assert (row.route, row.escalation_reason, row.sent_to_cloud) == ("local", "confident", False)
    assert (row.local_tokens_in, row.local_tokens_out, row.confidence) == (40, 3, 0.9)


def test_low_confidence_escalates_redacted_and_restores_the_answer(
    provider: FakeProvider, ledger: Ledger
) -> None:
    provider.reply(stream(["Reply to [NAME_1] at [EMA", "IL_1] about [CARD_1]."]))
    pieces: list[str] = []

    answer = run(
        make_router(provider, ledger, CloudPolicy.AUTO),
        LocalModel(0.3),
        on_cloud_text=pieces.append,
    )

    assert answer.route == "cloud"
    assert answer.text == "Reply to Ada Lovelace at ada@example.com about 4111 1111 1111 1111."
    assert "".join(pieces) == answer.text
    sent = provider.seen[0].body.decode()
    for secret in ("Ada Lovelace", "ada@example.com", "4111 1111 1111 1111"):
        assert secret not in sent
    messages = json.loads(sent)["messages"]
    assert messages[0]["content"].endswith(PLACEHOLDER_NOTE)
    assert "[NAME_1]" in messages[1]["content"]
    assert answer.redactions == {"NAME": 1, "EMAIL": 1, "CARD": 1}
    row = ledger.entries()[0]
    assert (row.route, row.cloud_status, row.sent_to_cloud) == ("cloud", "ok", True)
    assert row.escalation_reason == "low_confidence"
    assert row.redactions == 3
    assert row.cloud_host == f"127.0.0.1:{provider.port}"
    assert row.cloud_cost_usd is not None
    assert answer.to_json()["escalation"]["reason"] == "low_confidence"


def test_ask_shows_the_exact_payload_and_sends_it_when_approved(
    provider: FakeProvider, ledger: Ledger
) -> None:
    provider.reply(stream(["ok"]))
    previews: list[EscalationPreview] = []

    def approve(preview: EscalationPreview) -> bool:
        previews.append(preview)
        return True

    answer = run(make_router(provider, ledger, CloudPolicy.ASK, ask=approve), LocalModel(0.2))

    assert answer.route == "cloud"
    (preview,) = previews
    assert preview.payload.body == provider.seen[0].body
    assert "ada@example.com" not in preview.payload.preview()
    assert "[EMAIL_1]" in preview.payload.preview()
    assert preview.decision.action is Action.ASK
    assert preview.local_answer is not None
    assert preview.destination == f"fake-model at 127.0.0.1:{provider.port}"


def test_ask_declined_sends_nothing_and_keeps_the_local_answer(
    provider: FakeProvider, ledger: Ledger
) -> None:
    answer = run(
        make_router(provider, ledger, CloudPolicy.ASK, ask=lambda preview: False), LocalModel(0.2)
    )

    assert answer.route == "local"
    assert answer.declined
    assert provider.seen == []
    row = ledger.entries()[0]
    assert (row.cloud_status, row.sent_to_cloud) == ("declined", False)


def test_ask_headless_is_never(provider: FakeProvider, ledger: Ledger) -> None:
    answer = run(make_router(provider, ledger, CloudPolicy.ASK), LocalModel(0.2))
    assert answer.route == "local"
    assert answer.decision.reason is Reason.HEADLESS
    assert provider.seen == []


def test_always_skips_the_local_model(provider: FakeProvider, ledger: Ledger) -> None:
    provider.reply(stream(["cloud only"]))
    local = LocalModel(0.99)

    answer = run(make_router(provider, ledger, CloudPolicy.ALWAYS), local)

    assert answer.route == "cloud"
    assert answer.text == "cloud only"
    assert local.runs == 0
    assert answer.local is None


def test_a_cut_stream_keeps_its_partial_text_and_falls_back_to_local(
    provider: FakeProvider, ledger: Ledger
) -> None:
    events = sse_events(["Dear [NAME_1], the"], done=False, finish=False)
    provider.reply(Reply(200, {"Content-Type": "text/event-stream"}, events=events, cut=True))
    local = LocalModel(0.99)

    answer = run(make_router(provider, ledger, CloudPolicy.ALWAYS), local)

    assert answer.route == "local"
    assert answer.text == "local answer"
    assert local.runs == 1  # run as the fallback: nothing is lost
    assert isinstance(answer.cloud_error, CloudFailure)
    assert answer.cloud_error.kind is FailureKind.STREAM_CUT
    assert answer.cloud_partial_text == "Dear Ada Lovelace, the"
    row = ledger.entries()[0]
    assert (row.route, row.cloud_status, row.sent_to_cloud) == ("local", "stream_cut", True)
    data = answer.to_json()["escalation"]
    assert data["error_kind"] == "stream_cut"
    assert data["partial_text"] == "Dear Ada Lovelace, the"


def test_a_missing_key_falls_back_and_counts_nothing_as_sent(
    provider: FakeProvider, ledger: Ledger
) -> None:
    keys = KeyStore(InMemoryKeyring(), environ={})

    def connect(endpoint: CloudEndpoint) -> CloudClient:
        hosted = CloudEndpoint("https://192.0.2.1/v1", endpoint.model, preset=find_preset("openai"))
        return open_client(hosted, keys)

    with NetworkGuard() as guard:
        answer = run(
            make_router(provider, ledger, CloudPolicy.AUTO, connect=connect), LocalModel(0.1)
        )

    assert answer.route == "local"
    assert isinstance(answer.cloud_error, CloudFailure)
    assert answer.cloud_error.kind is FailureKind.NO_KEY
    assert guard.attempts == ()
    row = ledger.entries()[0]
    assert (row.cloud_status, row.sent_to_cloud) == ("no_key", False)


def test_air_gapped_with_always_stays_local_and_connects_nowhere(
    provider: FakeProvider, ledger: Ledger
) -> None:
    local = LocalModel(None)
    with NetworkGuard() as guard:
        answer = run(make_router(provider, ledger, CloudPolicy.ALWAYS, air_gapped=True), local)

    assert answer.route == "local"
    assert answer.decision.reason is Reason.AIR_GAPPED
    assert "always" in answer.decision.explanation
    assert local.runs == 1
    assert provider.seen == []
    assert guard.attempts == ()


def test_always_without_a_provider_fails_before_running_anything(ledger: Ledger) -> None:
    local = LocalModel(0.5)
    with pytest.raises(CloudFailure) as caught:
        run(make_router(None, ledger, CloudPolicy.ALWAYS), local)
    assert caught.value.kind is FailureKind.NOT_CONFIGURED
    assert "hearth cloud set" in caught.value.message
    assert local.runs == 0


def test_a_ledger_that_cannot_record_does_not_cost_the_answer(
    provider: FakeProvider, tmp_path: Path
) -> None:
    (tmp_path / "blocked").write_text("a file, not a folder")
    broken = Ledger(tmp_path / "blocked" / "ledger.sqlite3", keep_history=True, prices=PRICES)

    answer = run(make_router(provider, broken, CloudPolicy.NEVER), LocalModel(0.5))

    assert answer.text == "local answer"
    assert answer.ledger_problem is not None
    assert "ledger" in answer.ledger_problem


def test_cancel_during_escalation_is_recorded_as_sent(
    provider: FakeProvider, ledger: Ledger
) -> None:
    provider.reply(Reply(hang=True))
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()

    with pytest.raises(Cancelled):
        run(make_router(provider, ledger, CloudPolicy.AUTO), LocalModel(0.1), cancel=cancel)

    row = ledger.entries()[0]
    assert (row.cloud_status, row.sent_to_cloud) == ("cancelled", True)


def test_the_user_can_ask_for_the_cloud_answer(provider: FakeProvider, ledger: Ledger) -> None:
    provider.reply(stream(["second opinion"]))
    router = make_router(provider, ledger, CloudPolicy.NEVER)

    answer = run(router, LocalModel(0.99), user_requested=True)

    assert answer.route == "cloud"
    assert answer.decision.reason is Reason.USER_REQUESTED
