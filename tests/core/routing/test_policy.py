"""The routing decision, as a pure function."""

from __future__ import annotations

import math

import pytest

from hearth.core.routing.policy import Action, CloudPolicy, Reason, RoutingPolicy, decide
from hearth.core.settings import Settings


def run(
    mode: str,
    confidence: float | None = 0.5,
    *,
    threshold: float | None = None,
    air_gapped: bool = False,
    provider: bool = True,
    headless: bool = False,
    task: str = "classify",
    per_task: dict[str, CloudPolicy] | None = None,
    user_requested: bool = False,
) -> tuple[Action, Reason]:
    policy = RoutingPolicy(CloudPolicy(mode), per_task or {}, threshold=0.7)
    decision = decide(
        policy,
        task,
        confidence,
        threshold,
        air_gapped=air_gapped,
        provider_configured=provider,
        headless=headless,
        user_requested=user_requested,
    )
    assert decision.explanation
    assert decision.policy is policy.for_task(task)
    return decision.action, decision.reason


def test_never_is_local() -> None:
    assert run("never", 0.0) == (Action.LOCAL, Reason.POLICY_NEVER)


@pytest.mark.parametrize("mode", ["never", "ask", "auto", "always"])
@pytest.mark.parametrize("confidence", [None, 0.0, 0.99])
def test_air_gapped_overrides_everything(mode: str, confidence: float | None) -> None:
    assert run(mode, confidence, air_gapped=True) == (Action.LOCAL, Reason.AIR_GAPPED)
    assert run(mode, confidence, air_gapped=True, user_requested=True)[0] is Action.LOCAL


def test_air_gapped_while_always_says_so() -> None:
    policy = RoutingPolicy(CloudPolicy.ALWAYS)
    decision = decide(policy, "x", None, air_gapped=True, provider_configured=True, headless=True)
    assert "always" in decision.explanation


def test_auto_escalates_below_the_threshold_only() -> None:
    assert run("auto", 0.69) == (Action.CLOUD, Reason.LOW_CONFIDENCE)
    assert run("auto", 0.70) == (Action.LOCAL, Reason.CONFIDENT)
    assert run("auto", 0.95) == (Action.LOCAL, Reason.CONFIDENT)


def test_a_calibrated_threshold_replaces_the_policys() -> None:
    assert run("auto", 0.6, threshold=0.5) == (Action.LOCAL, Reason.CONFIDENT)
    assert run("auto", 0.6, threshold=0.65) == (Action.CLOUD, Reason.LOW_CONFIDENCE)


def test_auto_without_a_signal_keeps_the_local_answer() -> None:
    assert run("auto", None) == (Action.LOCAL, Reason.NO_SIGNAL)


@pytest.mark.parametrize("broken", [math.nan, math.inf, -math.inf])
def test_a_broken_confidence_counts_as_none_at_all(broken: float) -> None:
    assert run("auto", broken) == (Action.CLOUD, Reason.LOW_CONFIDENCE)


def test_ask_asks_where_auto_would_send() -> None:
    assert run("ask", 0.2) == (Action.ASK, Reason.LOW_CONFIDENCE)
    assert run("ask", 0.9) == (Action.LOCAL, Reason.CONFIDENT)


def test_ask_is_never_when_headless() -> None:
    assert run("ask", 0.2, headless=True) == (Action.LOCAL, Reason.HEADLESS)
    assert run("auto", 0.2, headless=True) == (Action.CLOUD, Reason.LOW_CONFIDENCE)


def test_always_sends_without_looking_at_confidence() -> None:
    assert run("always", None) == (Action.CLOUD, Reason.POLICY_ALWAYS)
    assert run("always", 1.0) == (Action.CLOUD, Reason.POLICY_ALWAYS)


def test_no_provider() -> None:
    assert run("auto", 0.1, provider=False) == (Action.LOCAL, Reason.NO_PROVIDER)
    assert run("ask", 0.1, provider=False) == (Action.LOCAL, Reason.NO_PROVIDER)
    assert run("always", None, provider=False) == (Action.FAIL, Reason.NO_PROVIDER)


def test_per_task_overrides() -> None:
    per_task = {"rewrite": CloudPolicy.NEVER, "extract": CloudPolicy.ALWAYS}
    assert run("auto", 0.1, task="rewrite", per_task=per_task)[0] is Action.LOCAL
    assert run("never", 0.9, task="extract", per_task=per_task)[0] is Action.CLOUD
    assert run("auto", 0.1, task="classify", per_task=per_task)[0] is Action.CLOUD


def test_the_user_may_ask_for_the_cloud_despite_the_policy() -> None:
    assert run("never", 0.99, user_requested=True) == (Action.CLOUD, Reason.USER_REQUESTED)
    assert run("never", 0.99, user_requested=True, provider=False)[0] is Action.FAIL


def test_policy_from_settings() -> None:
    settings = Settings(
        cloud_policy="auto", cloud_task_policies={"rewrite": "never"}, cloud_auto_threshold=0.4
    )
    policy = RoutingPolicy.from_settings(settings)
    assert policy.for_task("rewrite") is CloudPolicy.NEVER
    assert policy.for_task("classify") is CloudPolicy.AUTO
    assert policy.threshold == 0.4
    forced = RoutingPolicy.from_settings(settings, override=CloudPolicy.NEVER)
    assert forced.for_task("classify") is CloudPolicy.NEVER
    assert forced.for_task("rewrite") is CloudPolicy.NEVER
