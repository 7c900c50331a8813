"""Where one request is answered: the policy, as a pure function.

Policies, per task overridable:
- never (the default): always on this device;
- ask: escalate when auto would, but only after the user saw the redacted payload and agreed;
  with no one to ask (headless), ask is never;
- auto: escalate when the local confidence is below the threshold;
- always: send every request to the cloud (the local model is not run).
Air-gapped mode overrides all of them: nothing leaves the machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hearth.core.settings import Settings


class CloudPolicy(StrEnum):
    NEVER = "never"
    ASK = "ask"
    AUTO = "auto"
    ALWAYS = "always"


class Action(StrEnum):
    LOCAL = "local"  # keep the local answer (or run locally, before any answer)
    CLOUD = "cloud"  # send the redacted request without asking
    ASK = "ask"  # show the redacted payload; send only if the user agrees
    FAIL = "fail"  # the policy demands the cloud and no provider is set up


class Reason(StrEnum):
    """Why: recorded in the ledger and in `hearth run --json`."""

    POLICY_NEVER = "policy_never"
    AIR_GAPPED = "air_gapped"
    NO_PROVIDER = "no_provider"
    HEADLESS = "headless"  # ask, with no one to ask
    CONFIDENT = "confident"
    NO_SIGNAL = "no_signal"  # the task gives no confidence; auto cannot judge
    LOW_CONFIDENCE = "low_confidence"
    POLICY_ALWAYS = "policy_always"
    USER_REQUESTED = "user_requested"


@dataclass(frozen=True)
class RoutingPolicy:
    default: CloudPolicy = CloudPolicy.NEVER
    per_task: Mapping[str, CloudPolicy] = field(default_factory=dict)
    threshold: float = 0.7

    def for_task(self, task: str) -> CloudPolicy:
        return self.per_task.get(task, self.default)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, override: CloudPolicy | None = None
    ) -> RoutingPolicy:
        """The settings' policy; `override` (hearth run --cloud) replaces it for every task."""
        per_task = {task: CloudPolicy(p) for task, p in settings.cloud_task_policies.items()}
        if override is not None:
            return cls(override, {}, settings.cloud_auto_threshold)
        return cls(CloudPolicy(settings.cloud_policy), per_task, settings.cloud_auto_threshold)


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: Reason
    explanation: str  # one sentence for people
    policy: CloudPolicy

    @property
    def escalates(self) -> bool:
        return self.action in (Action.CLOUD, Action.ASK)


def decide(
    policy: RoutingPolicy,
    task: str,
    confidence: float | None,
    threshold: float | None = None,
    *,
    air_gapped: bool,
    provider_configured: bool,
    headless: bool,
    user_requested: bool = False,
) -> Decision:
    """Where the request for `task` goes, given the local answer's confidence.

    `confidence` is None when there is no signal (the task gives none, or the local model has
    not run yet: `always` does not need it, and auto and ask then keep the request local).
    A non-finite confidence (a broken local output) counts as no confidence at all: 0.
    `threshold` defaults to the policy's (pass a calibrated one for the label set).
    `user_requested`: the user pressed "ask the cloud" for this answer; still subject to
    air-gapped mode and a provider being set up, never to the policy.
    """
    mode = policy.for_task(task)
    limit = policy.threshold if threshold is None else threshold

    def decision(action: Action, reason: Reason, explanation: str) -> Decision:
        return Decision(action, reason, explanation, mode)

    if air_gapped:
        note = " (the cloud policy says always)" if mode is CloudPolicy.ALWAYS else ""
        return decision(
            Action.LOCAL, Reason.AIR_GAPPED, f"Air-gapped: answered on this device{note}."
        )
    if user_requested:
        if not provider_configured:
            return decision(Action.FAIL, Reason.NO_PROVIDER, "No cloud provider is set up to ask.")
        return decision(Action.CLOUD, Reason.USER_REQUESTED, "You asked for the cloud's answer.")
    if mode is CloudPolicy.NEVER:
        return decision(Action.LOCAL, Reason.POLICY_NEVER, "Cloud escalation is off for this task.")
    if not provider_configured:
        if mode is CloudPolicy.ALWAYS:
            return decision(
                Action.FAIL,
                Reason.NO_PROVIDER,
                "The policy says always use the cloud, but no cloud provider is set up.",
            )
        return decision(
            Action.LOCAL, Reason.NO_PROVIDER, "No cloud provider is set up: answered locally."
        )
    if mode is CloudPolicy.ALWAYS:
        return decision(
            Action.CLOUD, Reason.POLICY_ALWAYS, "The policy sends this task to the cloud."
        )
    if mode is CloudPolicy.ASK and headless:
        return decision(
            Action.LOCAL,
            Reason.HEADLESS,
            "The policy is ask, and no one is there to ask: nothing was sent.",
        )
    if confidence is None:
        return decision(
            Action.LOCAL,
            Reason.NO_SIGNAL,
            "No confidence signal for this task: the local answer is kept.",
        )
    score = confidence if math.isfinite(confidence) else 0.0
    if score >= limit:
        return decision(
            Action.LOCAL,
            Reason.CONFIDENT,
            f"Local confidence {score:.2f} reaches the threshold {limit:.2f}.",
        )
    action = Action.ASK if mode is CloudPolicy.ASK else Action.CLOUD
    return decision(
        action,
        Reason.LOW_CONFIDENCE,
        f"Local confidence {score:.2f} is below the threshold {limit:.2f}.",
    )
