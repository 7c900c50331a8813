"""How one `Answer` is assembled from the local run and the router's outcome, once.

The `--json` contract (design.md) is built here and nowhere else: the local run's fields, the
route and escalation, the cloud's reading in the task's shape when it answered, the flags, and
the input file's facts. When the cloud's answer replaced the local one, every top-level field
describes the cloud's answer (output, label, labels, model, no local confidence); the local
run is kept under `local`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth.core.answer import Answer, Escalation, Flags, Timings
from hearth.core.request import Request
from hearth.core.routing.router import RoutedAnswer
from hearth.core.routing.task_routing import Routing
from hearth.core.tasks.cloud_form import CloudReading
from hearth.core.tasks.runner import TaskOutcome


def assemble(
    request: Request,
    routing: Routing,
    routed: RoutedAnswer,
    local: TaskOutcome | None,
    flags: Flags,
    problems: tuple[str, ...],
) -> Answer:
    data = local.to_json() if local is not None else _cloud_only_json(request.task, routed)
    data.update(routed.to_json())
    data["threshold"] = (
        routing.threshold if routing.threshold is not None else routing.policy.threshold
    )
    data["threshold_source"] = routing.threshold_source
    data["air_gapped"] = routing.air_gapped
    data["source"] = request.source
    data.update(_flags_json(flags, data))
    reading = routed.cloud_value if isinstance(routed.cloud_value, CloudReading) else None
    local_output = local_confidence = None
    if routed.route == "cloud" and reading is not None and routed.cloud is not None:
        if local is not None:
            local_output, local_confidence = local.output, local.confidence
            data["local"] = {
                "output": local.output,
                "model": local.load.model_name,
                "confidence": data.get("confidence"),
                "timings": data.get("timings"),
                **({"labels": data["labels"]} if "labels" in data else {}),
            }
            # The cloud's own time: the local run's figures belong to the answer it replaced.
            data["timings"] = _cloud_only_json(request.task, routed)["timings"]
        data.update(reading.details)
        data["output"] = reading.output
        data["model"] = routed.cloud.model
        # The cloud gives no confidence: the device's is not the shown answer's.
        data["confidence"] = None
        for key in ("raw_labels", "margin", "label_mass", "calibrated"):
            data.pop(key, None)
    if request.input is not None:
        data["input"] = request.input.to_json()
    if problems:
        data["problems"] = list(problems)
    labels = data.get("labels")
    return Answer(
        task=request.task,
        output=data["output"],
        route=str(data["route"]),
        model=data.get("model"),
        confidence=data.get("confidence"),
        timings=Timings.from_json(data.get("timings") or {}),
        label=data.get("label"),
        labels=dict(labels) if isinstance(labels, Mapping) else None,
        flags=flags,
        escalation=_escalation(routed),
        routing_explanation=routed.decision.explanation,
        finish_reason=str(data.get("finish_reason") or "stop"),
        local_output=local_output,
        local_confidence=local_confidence,
        input=request.input,
        problems=problems,
        data=data,
    )


def _flags_json(flags: Flags, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data.get("output"), str):
        out["added_facts"] = list(flags.added_facts)
    else:
        out["ungrounded"] = list(flags.ungrounded)
    if flags.echo_removed:
        out["echo_removed"] = flags.echo_removed
    if flags.rewrote:
        out["rewrote"] = True
    return out


def _escalation(routed: RoutedAnswer) -> Escalation | None:
    decision = routed.decision
    if not (decision.escalates or routed.cloud_error is not None or routed.declined):
        return None
    error = routed.cloud_error
    return Escalation(
        reason=str(decision.reason),
        explanation=decision.explanation,
        declined=routed.declined,
        redactions=dict(routed.redactions),
        error=None if error is None else error.message,
        error_kind=None if error is None else str(getattr(error, "kind", "") or "") or None,
        partial_text=routed.cloud_partial_text or None,
    )


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
