"""`Router`: answer on the device, and escalate only when the policy allows.

One request: decide before running anything (`always` skips the local model), run the local
model, decide again with its confidence, and, when escalating, redact the messages, show the
exact payload when the policy is ask, send it, restore the placeholders in the answer, and
record everything in the ledger.

Nothing is lost on the way: when the cloud fails (or the user declines), the local answer is
the answer, and a failure's partial text is kept, restored, with the error. When no local
answer exists yet (`always`), the local model is run as the fallback.

The router does not know the task suite: a task hands it the chat messages and a function that
runs the local model and returns a `LocalAnswer`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hearth.core.cancel import CancelToken
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.messages import CloudAnswer, CloudPayload, CloudRequest, estimate_tokens
from hearth.core.errors import Cancelled, CloudError, HearthError
from hearth.core.ledger.entry import LedgerEntry
from hearth.core.ledger.store import Ledger
from hearth.core.privacy.redaction import Redaction, Redactor, StreamingRestorer
from hearth.core.routing.policy import Action, Decision, RoutingPolicy, decide

if TYPE_CHECKING:
    # Annotations only: httpx and keyring take a third of a second to import, and a request
    # that stays on the device needs neither.
    from hearth.core.cloud.client import CloudClient
    from hearth.core.cloud.endpoint import CloudEndpoint

PLACEHOLDER_NOTE = (
    "Some values in this conversation were replaced by placeholders such as [EMAIL_1] or "
    "[NAME_1]. Keep each placeholder exactly as written wherever its value belongs."
)


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True)
class LocalAnswer:
    text: str
    model: str | None
    confidence: float | None  # 0..1, None when the task gives no signal
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True)
class EscalationPreview:
    """What the ask dialog shows: exactly what would leave the machine, and why."""

    task: str
    destination: str  # "gpt-4o-mini at OpenAI"
    host: str
    decision: Decision
    payload: CloudPayload  # sent as is, byte for byte, if the user agrees
    redactions: dict[str, int]  # kind -> distinct values replaced
    local_answer: LocalAnswer | None


@dataclass(frozen=True)
class RoutedAnswer:
    text: str
    route: str  # "local" | "cloud"
    decision: Decision
    local: LocalAnswer | None
    cloud: CloudAnswer | None
    # The cloud attempt's failure (the answer then is the local one); its partial text, with
    # the placeholders restored, is `cloud_partial_text`.
    cloud_error: CloudError | None = None
    cloud_partial_text: str = ""
    declined: bool = False  # ask: the user said no
    redactions: dict[str, int] = dataclasses.field(default_factory=dict)
    latency_ms: float = 0.0
    ledger_problem: str | None = None  # the request could not be recorded: tell the user
    sent_bytes: int = 0  # size of the payload sent (0: nothing was sent)
    # For structured answers (extract): the cloud's text with the placeholders still in, and
    # the redaction, to parse first and restore with `redaction.restore_data` after.
    cloud_raw_text: str | None = None
    redaction: Redaction | None = None
    # What `read_cloud` made of the cloud's answer (None without one, or without an answer).
    cloud_value: Any = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "route": self.route,
            "policy": str(self.decision.policy),
            # Always there, escalated or not: why the request was answered where it was.
            "escalation_reason": str(self.decision.reason),
            "routing_explanation": self.decision.explanation,
            "escalation": None,
        }
        if self.decision.escalates or self.cloud_error is not None or self.declined:
            data["escalation"] = {
                "reason": str(self.decision.reason),
                "explanation": self.decision.explanation,
                "declined": self.declined,
                "redactions": self.redactions,
                "error": None if self.cloud_error is None else self.cloud_error.message,
                "error_kind": getattr(self.cloud_error, "kind", None),
                "partial_text": self.cloud_partial_text or None,
            }
        if self.cloud is not None:
            data["cloud"] = {
                "model": self.cloud.model,
                "prompt_tokens": self.cloud.prompt_tokens,
                "completion_tokens": self.cloud.completion_tokens,
                "usage_estimated": self.cloud.usage_estimated,
                "latency_ms": round(self.cloud.latency_ms, 2),
                "ttft_ms": None if self.cloud.ttft_ms is None else round(self.cloud.ttft_ms, 2),
                "attempts": self.cloud.attempts,
            }
        return data


class Router:
    def __init__(
        self,
        *,
        policy: RoutingPolicy,
        air_gapped: bool,
        headless: bool,
        endpoint: CloudEndpoint | None,
        connect: Callable[[CloudEndpoint], CloudClient],
        redactor: Redactor,
        ledger: Ledger | None,
        ask: Callable[[EscalationPreview], bool] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        source: str | None = None,
    ) -> None:
        """`connect` makes the client for the endpoint when the first escalation needs it
        (reading the key from the keychain); `ask` shows the preview and returns the user's
        choice (None: no one to ask, as when headless)."""
        self._policy = policy
        self._air_gapped = air_gapped
        self._headless = headless or ask is None
        self._endpoint = endpoint
        self._connect = connect
        self._redactor = redactor
        self._ledger = ledger
        self._ask = ask
        self._clock = clock
        self._source = source  # the front end that asked, for the ledger

    def decide(
        self,
        task: str,
        confidence: float | None,
        threshold: float | None = None,
        *,
        user_requested: bool = False,
    ) -> Decision:
        return decide(
            self._policy,
            task,
            confidence,
            threshold,
            air_gapped=self._air_gapped,
            provider_configured=self._endpoint is not None,
            headless=self._headless,
            user_requested=user_requested,
        )

    def run(
        self,
        task: str,
        request: CloudRequest,
        local: Callable[[], LocalAnswer],
        *,
        threshold: float | None = None,
        request_text: str | None = None,
        on_cloud_text: Callable[[str], None] | None = None,
        on_escalate: Callable[[Decision], None] | None = None,
        cancel: CancelToken | None = None,
        user_requested: bool = False,
        read_cloud: Callable[[str, Redaction], Any] | None = None,
    ) -> RoutedAnswer:
        """Answer one request.

        `request`: the messages (and limits) as the task built them, before redaction.
        `local`: runs the local model (streaming to the UI itself) and returns its answer.
        `threshold`: a calibrated threshold for this label set; default the policy's.
        `request_text`: the user's text, for the ledger (kept only with history on).
        `on_cloud_text`: the cloud answer's pieces, placeholders already restored.
        `on_escalate`: called when the request is about to leave (the UI says so).
        `read_cloud`: turns the cloud's text (placeholders still in) into the task's answer
        (a label, a parsed object), restoring the placeholders itself; it raises CloudFailure
        when the text is no usable answer, which then counts as a failed escalation: the local
        answer is the answer, and the ledger says so. Its result is `cloud_value`.
        """
        started = self._clock()
        before = self.decide(task, None, threshold, user_requested=user_requested)
        if before.action is Action.FAIL:
            raise CloudFailure(FailureKind.NOT_CONFIGURED, before.explanation + _SET_UP)
        local_answer = None if before.action is Action.CLOUD else local()
        decision = before
        if local_answer is not None:
            decision = self.decide(
                task, local_answer.confidence, threshold, user_requested=user_requested
            )
        outcome = _Outcome(decision=decision, local=local_answer)
        if decision.escalates:
            self._escalate(task, request, outcome, on_cloud_text, on_escalate, cancel, read_cloud)
            if outcome.cloud is None and outcome.local is None:
                # The cloud gave no answer and the local model has not run: it is the answer.
                if cancel is not None:
                    cancel.raise_if_cancelled()
                outcome.local = local()
        answer = outcome.finish(self._clock() - started)
        return self._record(task, answer, request_text, threshold)

    # -- escalation ----------------------------------------------------------------------------

    def _escalate(
        self,
        task: str,
        request: CloudRequest,
        outcome: _Outcome,
        on_cloud_text: Callable[[str], None] | None,
        on_escalate: Callable[[Decision], None] | None,
        cancel: CancelToken | None,
        read_cloud: Callable[[str, Redaction], Any] | None,
    ) -> None:
        assert self._endpoint is not None  # decide() escalates only with a provider
        contents = [m.content for m in request.messages]
        # The strings of a response format (a schema's enum values, descriptions) leave the
        # machine too: redacted with the messages, under the same numbering.
        leaves = _string_leaves(request.response_format)
        redaction = self._redactor.redact([*contents, *leaves])
        outcome.redaction = redaction
        redacted = dataclasses.replace(
            request,
            messages=redacted_messages(
                request.messages, redaction, redaction.texts[: len(contents)]
            ),
            response_format=_with_leaves(
                request.response_format, iter(redaction.texts[len(contents) :])
            ),
        )
        try:
            client = self._connect(self._endpoint)
        except CloudError as exc:
            outcome.cloud_error = exc
            return
        with client:
            payload = client.prepare(redacted)
            if outcome.decision.action is Action.ASK:
                preview = EscalationPreview(
                    task=task,
                    destination=self._endpoint.title,
                    host=self._endpoint.host,
                    decision=outcome.decision,
                    payload=payload,
                    redactions=redaction.counts(),
                    local_answer=outcome.local,
                )
                assert self._ask is not None  # headless (no ask) never decides ASK
                if not self._ask(preview):
                    outcome.declined = True
                    return
            if on_escalate is not None:
                on_escalate(outcome.decision)
            restorer = StreamingRestorer(redaction)

            def restored(piece: str) -> None:
                text = restorer.feed(piece)
                if text and on_cloud_text is not None:
                    on_cloud_text(text)

            outcome.sent_bytes = len(payload.body)
            try:
                answer = client.send(payload, on_text=restored, cancel=cancel)
            except CloudFailure as exc:
                outcome.cloud_error = exc
                outcome.cloud_partial = redaction.restore(exc.partial_text)
                return
            except CloudError as exc:  # PrivacyRefused is not a CloudError: it propagates
                outcome.cloud_error = exc
                return
            except Cancelled:
                self._record_cancelled(task, outcome)
                raise
            tail = restorer.flush()
            if tail and on_cloud_text is not None:
                on_cloud_text(tail)
            if read_cloud is not None:
                try:
                    outcome.cloud_value = read_cloud(answer.text, redaction)
                except CloudFailure as exc:
                    # Delivered and answered, but not with an answer: the text is kept, as a
                    # cut stream's is, and the local answer stands.
                    outcome.cloud_error = exc
                    outcome.cloud_partial = redaction.restore(answer.text)
                    return
            outcome.cloud_raw_text = answer.text
            outcome.cloud = dataclasses.replace(answer, text=redaction.restore(answer.text))

    # -- the ledger ----------------------------------------------------------------------------

    def _entry(
        self, task: str, answer: RoutedAnswer, request_text: str | None, threshold: float | None
    ) -> LedgerEntry:
        local, cloud, decision = answer.local, answer.cloud, answer.decision
        escalated = decision.escalates
        status: str | None = None
        if cloud is not None:
            status = "ok"
        elif answer.declined:
            status = "declined"
        elif isinstance(answer.cloud_error, CloudFailure):
            status = str(answer.cloud_error.kind)
        elif answer.cloud_error is not None:
            status = "error"
        sent = answer.cloud is not None or (
            isinstance(answer.cloud_error, CloudFailure) and answer.cloud_error.request_delivered
        )
        failed_in = answer.sent_bytes // 4 if sent and cloud is None else 0
        return LedgerEntry(
            task=task,
            route=answer.route,
            policy=str(decision.policy),
            local_model=local.model if local else None,
            cloud_model=(cloud.model if cloud else None)
            or (self._endpoint.model if escalated and self._endpoint else None),
            cloud_host=self._endpoint.host if escalated and self._endpoint else None,
            confidence=local.confidence if local else None,
            threshold=self._threshold(threshold),
            escalation_reason=str(decision.reason),
            cloud_status=status,
            sent_to_cloud=sent,
            local_tokens_in=local.tokens_in if local else 0,
            local_tokens_out=local.tokens_out if local else 0,
            cloud_tokens_in=cloud.prompt_tokens if cloud else failed_in,
            cloud_tokens_out=cloud.completion_tokens
            if cloud
            else estimate_tokens(answer.cloud_partial_text),
            cloud_tokens_estimated=cloud.usage_estimated if cloud else sent,
            latency_ms=round(answer.latency_ms, 2),
            redactions=sum(answer.redactions.values()),
            request_text=request_text,
            source=self._source,
        )

    def _threshold(self, threshold: float | None) -> float:
        return self._policy.threshold if threshold is None else threshold

    def _record(
        self, task: str, answer: RoutedAnswer, request_text: str | None, threshold: float | None
    ) -> RoutedAnswer:
        if self._ledger is None:
            return answer
        try:
            self._ledger.record(self._entry(task, answer, request_text, threshold))
        except HearthError as exc:
            return dataclasses.replace(answer, ledger_problem=exc.message)
        return answer

    def _record_cancelled(self, task: str, outcome: _Outcome) -> None:
        """A cancelled escalation still left the machine: the ledger says so."""
        if self._ledger is None:
            return
        entry = LedgerEntry(
            task=task,
            route="local",
            policy=str(outcome.decision.policy),
            local_model=outcome.local.model if outcome.local else None,
            cloud_model=self._endpoint.model if self._endpoint else None,
            cloud_host=self._endpoint.host if self._endpoint else None,
            confidence=outcome.local.confidence if outcome.local else None,
            escalation_reason=str(outcome.decision.reason),
            cloud_status="cancelled",
            sent_to_cloud=True,
            source=self._source,
        )
        # The cancel goes on either way; there is no answer to attach a problem to.
        with contextlib.suppress(HearthError):
            self._ledger.record(entry)


_SET_UP = " Run 'hearth cloud set' to choose one, or change the cloud policy."


@dataclass
class _Outcome:
    decision: Decision
    local: LocalAnswer | None
    cloud: CloudAnswer | None = None
    cloud_error: CloudError | None = None
    cloud_partial: str = ""
    declined: bool = False
    sent_bytes: int = 0
    redaction: Redaction | None = None
    cloud_raw_text: str | None = None
    cloud_value: Any = None

    def finish(self, seconds: float) -> RoutedAnswer:
        redactions = self.redaction.counts() if self.redaction is not None else {}
        if self.cloud is not None:
            text, route = self.cloud.text, "cloud"
        else:
            assert self.local is not None
            text, route = self.local.text, "local"
        return RoutedAnswer(
            text=text,
            route=route,
            decision=self.decision,
            local=self.local,
            cloud=self.cloud,
            cloud_error=self.cloud_error,
            cloud_partial_text=self.cloud_partial,
            declined=self.declined,
            redactions=redactions,
            latency_ms=seconds * 1000,
            sent_bytes=self.sent_bytes,
            cloud_raw_text=self.cloud_raw_text,
            redaction=self.redaction,
            cloud_value=self.cloud_value,
        )


def redacted_messages(
    messages: Sequence[Any], redaction: Redaction, texts: Sequence[str] | None = None
) -> tuple[Message, ...]:
    """The messages with their redacted contents (`texts`, default the redaction's); when
    anything was replaced, the model is told to keep the placeholders (in the first system
    message, or a new one: some servers accept only one system message, and only first)."""
    contents = redaction.texts if texts is None else texts
    out = [Message(m.role, text) for m, text in zip(messages, contents, strict=True)]
    if redaction.count:
        if out and out[0].role == "system":
            out[0] = Message("system", f"{out[0].content}\n\n{PLACEHOLDER_NOTE}")
        else:
            out.insert(0, Message("system", PLACEHOLDER_NOTE))
    return tuple(out)


def _string_leaves(value: Any) -> list[str]:
    """Every string in a JSON value (object keys included), depth first."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    if isinstance(value, dict):
        out: list[str] = []
        for key, item in value.items():
            out.append(str(key))
            out.extend(_string_leaves(item))
        return out
    return []


def _with_leaves(value: Any, leaves: Iterator[str]) -> Any:
    """`value` with its strings replaced, in `_string_leaves` order, from `leaves`."""
    if isinstance(value, str):
        return next(leaves)
    if isinstance(value, list):
        return [_with_leaves(item, leaves) for item in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for item in value.values():
            new_key = next(leaves)  # the key comes first, as `_string_leaves` lists them
            out[new_key] = _with_leaves(item, leaves)
        return out
    return value
