"""Gemma 3 270M (base, no chat template, Gemma vocabulary): Hearth's fallback renders for it."""

from __future__ import annotations

import math

from hearth.core.engine.client import EngineClient
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.task import TaskSink


def test_a_model_without_a_chat_template_still_answers(gemma: EngineClient) -> None:
    result = task_catalog()["extract"].run(
        "Call Ravi Patel at ravi@example.net.", {"schema": "contact"}, gemma, TaskSink()
    )
    assert isinstance(result.output, dict)
    assert "name" in result.output


def test_label_probabilities_of_a_base_model_are_a_distribution(gemma: EngineClient) -> None:
    result = task_catalog()["classify"].run(
        "The food was cold and the waiter was rude.",
        {"labels": "positive,negative"},
        gemma,
        TaskSink(),
    )
    probabilities = result.details["labels"]
    assert math.isclose(sum(probabilities.values()), 1.0, abs_tol=1e-4)
    assert result.output in probabilities
