"""One task request through the router: the piece the command line and the desktop app share.

`open_routing` assembles what a request is routed with (the policy for the task, the cloud
endpoint when one may be used, a calibrated threshold for the label set, the ledger, the
router); `route_one` runs the task's local model under it and turns the cloud's answer, when
there is one, back into the task's shape; `result_json` is the `--json` contract object that
both front ends show (and the history records), whichever route answered.

The front ends keep their own wording for refusals that depend on how the user asked (a CLI
flag, a settings switch): `open_routing` reports the facts (`mode`, `endpoint`) and they decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hearth.core.cancel import CancelToken
from hearth.core.engine.types import GenerationEvent
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.core.privacy.redaction import Redactor
from hearth.core.routing.policy import CloudPolicy, Decision, RoutingPolicy
from hearth.core.routing.router import EscalationPreview, LocalAnswer, RoutedAnswer, Router
from hearth.core.routing.threshold_store import ThresholdStore, threshold_key, threshold_path
from hearth.core.settings import Settings
from hearth.core.tasks.cloud_form import CloudReading, CloudTask
from hearth.core.tasks.labels import parse_labels
from hearth.core.tasks.runner import TaskOutcome, TaskRunner, text_only
from hearth.core.tasks.task import Task

if TYPE_CHECKING:
    from hearth.core.cloud.client import CloudClient
    from hearth.core.cloud.endpoint import CloudEndpoint


@dataclass
class Routing:
    """What one request (or one command's requests) is routed with; close the ledger after."""

    router: Router
    ledger: Ledger
    policy: RoutingPolicy
    mode: CloudPolicy
    air_gapped: bool
    endpoint: CloudEndpoint | None
    threshold: float | None  # None: the policy's (the settings')
    threshold_source: str  # "calibrated" | "settings"
    settings: Settings  # as the request is answered (air-gapped for an --offline run)
    problems: list[str] = field(default_factory=list)  # to show the user; nothing failed

    @property
    def may_escalate(self) -> bool:
        """Whether an answer may still come from the cloud without asking anyone."""
        return (
            not self.air_gapped
            and self.endpoint is not None
            and self.mode in (CloudPolicy.AUTO, CloudPolicy.ALWAYS)
        )

    @property
    def structured_output(self) -> str | None:
        return self.endpoint.structured_output if self.endpoint is not None else None


def connect_with_keychain(endpoint: CloudEndpoint) -> CloudClient:
    """The client for `endpoint`, its key read from the OS keychain (on the calling thread)."""
    # Imported here: a request that stays on the device never needs httpx or keyring.
    from hearth.core.cloud.client import open_client
    from hearth.core.cloud.keys import KeyStore

    return open_client(endpoint, KeyStore())


def open_routing(
    settings: Settings,
    paths: Paths,
    task: Task,
    options: Mapping[str, Any],
    model_path: Callable[[], Path],
    *,
    override: CloudPolicy | None = None,
    ask: Callable[[EscalationPreview], bool] | None = None,
    connect: Callable[[CloudEndpoint], CloudClient] = connect_with_keychain,
    source: str | None = None,
    adapter: Callable[[str, Path], str | None] | None = None,
) -> Routing:
    """The routing of `task_name` under `settings` (air-gapped wins over every policy).

    `ask` shows an escalation preview and returns the user's choice; without it the router is
    headless and the ask policy never sends anything. `model_path` is called only to look up a
    calibrated threshold (a task with `calibrated_threshold`, under auto or ask); `adapter`
    names the LoRA adapter that loads with the model for the task, which is part of what a
    threshold was calibrated with. `source` is recorded in the ledger (window, cli, api...)."""
    task_name = task.name
    policy = RoutingPolicy.from_settings(settings, override=override)
    mode = policy.for_task(task_name)
    air_gapped = settings.air_gapped
    endpoint: CloudEndpoint | None = None
    if not air_gapped and mode is not CloudPolicy.NEVER:
        from hearth.core.cloud.endpoint import endpoint_from

        endpoint = endpoint_from(settings)
    problems: list[str] = []
    threshold, threshold_source = None, "settings"
    calibrated = task.capabilities.calibrated_threshold
    if calibrated and mode in (CloudPolicy.AUTO, CloudPolicy.ASK) and not air_gapped:
        labels = options.get("labels")
        if labels is not None:
            store = ThresholdStore(threshold_path(paths))
            model = model_path().resolve()
            key = threshold_key(
                parse_labels(labels),
                model,
                contextual=options.get("calibrate", "on") != "off",
                adapter=None if adapter is None else adapter(task_name, model),
            )
            stored = store.get(key)
            problems.extend(store.problems)
            if stored is not None:
                threshold, threshold_source = stored.threshold, "calibrated"
    ledger = Ledger(
        ledger_path(paths),
        keep_history=settings.keep_history,
        prices=PriceTable.from_settings(settings),
    )
    router = Router(
        policy=policy,
        air_gapped=air_gapped,
        headless=ask is None,
        endpoint=endpoint,
        connect=connect,
        redactor=Redactor(settings.redaction_names),
        ledger=ledger,
        ask=ask,
        source=source,
    )
    return Routing(
        router,
        ledger,
        policy,
        mode,
        air_gapped,
        endpoint,
        threshold,
        threshold_source,
        settings,
        problems,
    )


def local_answer(outcome: TaskOutcome) -> LocalAnswer:
    output = outcome.output
    if isinstance(output, str):
        text = output
    else:
        text = str(outcome.result.details.get("json") or json.dumps(output, ensure_ascii=False))
    usage = outcome.result.usage
    return LocalAnswer(
        text=text,
        model=outcome.load.model_name,
        confidence=outcome.confidence,
        tokens_in=usage.prompt_tokens,
        tokens_out=usage.output_tokens,
    )


@dataclass
class Routed:
    """One answered request: where from, and the local run when there was one."""

    answer: RoutedAnswer
    local: TaskOutcome | None

    @property
    def reading(self) -> CloudReading | None:
        value = self.answer.cloud_value
        return value if self.answer.route == "cloud" and isinstance(value, CloudReading) else None

    @property
    def output(self) -> Any:
        reading = self.reading
        if reading is not None:
            return reading.output
        assert self.local is not None  # the router answers locally when the cloud did not
        return self.local.output


@dataclass(frozen=True)
class RoutedResult:
    """One answered request as the front ends show it: the `--json` object, and how it came."""

    data: dict[str, Any]  # result_json
    routed: Routed

    @property
    def task(self) -> str:
        return str(self.data["task"])

    @property
    def output(self) -> Any:
        return self.data["output"]

    @property
    def route(self) -> str:
        return str(self.data["route"])

    @property
    def confidence(self) -> float | None:
        value = self.data.get("confidence")
        return None if value is None else float(value)

    @property
    def local(self) -> TaskOutcome | None:
        """The local model's run, when it ran (not when `always` was answered by the cloud)."""
        return self.routed.local

    @property
    def answer(self) -> RoutedAnswer:
        return self.routed.answer


def route_one(
    routing: Routing,
    runner: TaskRunner,
    task: Task,
    text: str,
    options: Mapping[str, Any],
    model_path: Callable[[], Path],
    settings: Settings,
    *,
    on_text: Callable[[str], None] | None = None,
    on_cloud_text: Callable[[str], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
    on_escalate: Callable[[Decision], None] | None = None,
    on_event: Callable[[GenerationEvent], None] | None = None,
    on_load_progress: Callable[[float], None] | None = None,
    cancel: CancelToken | None = None,
) -> Routed:
    """Run `task` on `text` under `routing`. `on_text` gets the local model's text as it is
    generated (or `on_event` every engine event), `on_cloud_text` the cloud's, placeholders
    restored."""
    cloud: CloudTask = task.cloud_request(
        text, options, structured_output=routing.structured_output
    )
    ran: list[TaskOutcome] = []
    events = on_event if on_event is not None else (text_only(on_text) if on_text else None)

    def local() -> LocalAnswer:
        outcome = runner.run(
            task,
            text,
            options,
            model_path(),
            settings,
            on_event=events,
            on_progress=on_progress,
            on_load_progress=on_load_progress,
            cancel=cancel,
        )
        ran.append(outcome)
        return local_answer(outcome)

    answer = routing.router.run(
        task.name,
        cloud.request,
        local,
        threshold=routing.threshold,
        request_text=text,
        on_cloud_text=on_cloud_text,
        on_escalate=on_escalate,
        cancel=cancel,
        read_cloud=cloud.read,
    )
    return Routed(answer, ran[-1] if ran else None)


def label_names(task_name: str, options: Mapping[str, Any]) -> list[str] | None:
    if task_name != "classify" or options.get("labels") is None:
        return None
    return [label.name for label in parse_labels(options["labels"])]


def result_json(
    task_name: str, routed: Routed, routing: Routing, labels: list[str] | None
) -> dict[str, Any]:
    """The answer as one JSON object (`hearth run --json`): the local run's fields, the route
    and escalation, and the cloud's answer in the task's shape when it answered."""
    answer, outcome = routed.answer, routed.local
    data = outcome.to_json() if outcome is not None else _cloud_only_json(task_name, answer)
    data.update(answer.to_json())
    data["threshold"] = (
        routing.threshold if routing.threshold is not None else routing.policy.threshold
    )
    data["threshold_source"] = routing.threshold_source
    data["air_gapped"] = routing.air_gapped
    reading = routed.reading
    if reading is not None and answer.cloud is not None:
        if outcome is not None:
            data["local"] = {
                "output": outcome.output,
                "model": outcome.load.model_name,
                "confidence": data.get("confidence"),
            }
        data.update(reading.details)
        data["output"] = reading.output
        data["model"] = answer.cloud.model
        if outcome is None and labels is not None:
            # The cloud names one label and gives no probabilities: all its weight is there.
            data["labels"] = {name: float(name == reading.output) for name in labels}
    return data


def _cloud_only_json(task_name: str, answer: RoutedAnswer) -> dict[str, Any]:
    """The contract's fields for an answer the local model never worked on (always)."""
    cloud = answer.cloud
    assert cloud is not None
    decode_s = (cloud.latency_ms - (cloud.ttft_ms or 0.0)) / 1000
    return {
        "task": task_name,
        "output": cloud.text,
        "route": "cloud",
        "model": cloud.model,
        "confidence": None,
        "finish_reason": cloud.finish_reason,
        "timings": {
            "load_ms": 0.0,
            "ttft_ms": round(cloud.ttft_ms if cloud.ttft_ms is not None else cloud.latency_ms, 2),
            "total_ms": round(cloud.latency_ms, 2),
            "prompt_tokens": cloud.prompt_tokens,
            "output_tokens": cloud.completion_tokens,
            "decode_tokens_per_s": (
                round(cloud.completion_tokens / decode_s, 3) if decode_s > 0 else 0.0
            ),
        },
    }
