"""Every task in the catalog has every part a front end relies on: "adding a task: write its
module, list it in the catalog" holds only if nothing else needs to know its name."""

from __future__ import annotations

import inspect

import pytest

from hearth.core.errors import UsageError
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.cloud_form import CloudTask
from hearth.core.tasks.task import Capabilities

SAMPLE_OPTIONS = {
    "summarize": {},
    "rewrite": {},
    "classify": {"labels": "spam,ham"},
    "extract": {"schema": "contact"},
    "chat": {},
}


@pytest.mark.parametrize("name", sorted(task_catalog()))
def test_every_task_has_every_part(name: str) -> None:
    task = task_catalog()[name]
    assert task.name == name
    assert task.title
    assert isinstance(task.capabilities, Capabilities)
    assert task.capabilities.answer_kind in ("text", "label", "object")
    for option in task.options:
        assert option.help, f"{name}.{option.name} has no help"
    assert callable(task.run)
    options = SAMPLE_OPTIONS.get(name, {})
    cloud = task.cloud_request("Ada wrote to bob@example.com.", options, structured_output=None)
    assert isinstance(cloud, CloudTask)
    assert cloud.request.messages, f"{name}'s cloud request has no messages"
    assert "Ada wrote" in cloud.request.messages[-1].content or any(
        "Ada wrote" in m.content for m in cloud.request.messages
    )
    assert len(inspect.signature(cloud.read).parameters) == 2


def test_streaming_and_batch_tasks_are_told_by_capabilities() -> None:
    caps = {name: task.capabilities for name, task in task_catalog().items()}
    assert {n for n, c in caps.items() if c.streams_text} >= {"summarize", "rewrite"}
    assert {n for n, c in caps.items() if c.in_window} == {
        "summarize",
        "rewrite",
        "classify",
        "extract",
    }
    assert {n for n, c in caps.items() if c.batchable} >= {"classify", "extract"}
    assert [n for n, c in caps.items() if c.refinable] == ["rewrite"]


def test_a_refinement_goes_to_the_cloud_with_the_previous_answer_and_the_follow_up() -> None:
    rewrite = task_catalog()["rewrite"]
    cloud = rewrite.cloud_request(
        "Dear team, the meeting moves to Friday.",
        {
            "style": "friendly",
            "previous": "Hi all! Meeting's on Friday now.",
            "follow_up": "Shorter.",
        },
        structured_output=None,
    )
    roles = [m.role for m in cloud.request.messages]
    contents = [m.content for m in cloud.request.messages]
    assert roles[-2:] == ["assistant", "user"]
    assert contents[-2] == "Hi all! Meeting's on Friday now."
    assert contents[-1].startswith("Shorter.")
    assert "Dear team" in contents[1]


def test_a_proofread_is_greedy_locally_and_in_the_cloud() -> None:
    rewrite = task_catalog()["rewrite"]
    cloud = rewrite.cloud_request("Teh text.", {"style": "proofread"}, structured_output=None)
    assert cloud.request.temperature == 0.0
    friendly = rewrite.cloud_request("Teh text.", {"style": "friendly"}, structured_output=None)
    assert (friendly.request.temperature or 0) > 0


def test_a_huge_instruction_is_named_as_what_is_too_long() -> None:
    rewrite = task_catalog()["rewrite"]
    with pytest.raises(UsageError, match=r"instruction is 100,000 characters long") as caught:
        rewrite.cloud_request(
            "A short text.", {"instruction": "x" * 100_000}, structured_output=None
        )
    assert "text is too long" not in caught.value.message
    with pytest.raises(UsageError, match=r"follow-up is"):
        rewrite.cloud_request(
            "A short text.",
            {"previous": "Short.", "follow_up": "y" * 5000},
            structured_output=None,
        )
