"""What one request is routed with: the policy for its task, the cloud endpoint when one may
be used, a calibrated threshold, the ledger and the router (`open_routing`). The assistant
(hearth.core.assistant) runs the request under it.

The front ends keep their own wording for refusals that depend on how the user asked (a CLI
flag, a settings switch): `open_routing` reports the facts (`mode`, `endpoint`) and they decide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.core.privacy.redaction import Redactor
from hearth.core.routing.policy import CloudPolicy, RoutingPolicy
from hearth.core.routing.router import EscalationPreview, Router
from hearth.core.routing.threshold_store import ThresholdStore, threshold_key, threshold_path
from hearth.core.settings import Settings
from hearth.core.tasks.classify import calibration_mode, resolved_form
from hearth.core.tasks.labels import parse_labels
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
                mode=calibration_mode(options.get("calibrate")),
                form=resolved_form(parse_labels(labels), options.get("form")),
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
