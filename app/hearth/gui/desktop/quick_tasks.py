"""The popup's tasks: each button is a core task with its options (no Qt here, so the command
line parses `hearth quick --task` without loading it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hearth.core.errors import UsageError


@dataclass(frozen=True)
class QuickTask:
    key: str  # what `hearth quick --task` and the settings' popup_tasks name it
    task: str  # the core task
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shows_changes(self) -> bool:
        return self.task == "rewrite" and self.options.get("style") == "proofread"


QUICK_TASKS: dict[str, QuickTask] = {
    t.key: t
    for t in (
        QuickTask("proofread", "rewrite", {"style": "proofread"}),
        QuickTask("friendly", "rewrite", {"style": "friendly"}),
        QuickTask("professional", "rewrite", {"style": "professional"}),
        QuickTask("concise", "rewrite", {"style": "concise"}),
        QuickTask("summarize", "summarize", {"style": "summary"}),
        QuickTask("key-points", "summarize", {"style": "key-points"}),
    )
}
DEFAULT_ORDER = tuple(QUICK_TASKS)


def custom_task(instruction: str) -> QuickTask:
    return QuickTask("custom", "rewrite", {"style": "custom", "instruction": instruction})


def ordered(first: Sequence[str]) -> list[QuickTask]:
    """Every quick task, those the user put first in front (unknown names are skipped)."""
    keys = [k for k in first if k in QUICK_TASKS]
    keys += [k for k in DEFAULT_ORDER if k not in keys]
    return [QUICK_TASKS[k] for k in keys]


def resolve(task: str, style: str | None, instruction: str | None) -> QuickTask:
    """`hearth quick --task T [--style S] [--instruction TEXT]` as a quick task: T is a
    popup task (proofread, friendly, …) or a core task (rewrite, summarize) with its style."""
    if task in QUICK_TASKS and style is None:
        quick = QUICK_TASKS[task]
    elif task in ("rewrite", "summarize"):
        default = "proofread" if task == "rewrite" else "summary"
        quick = QuickTask(task, task, {"style": style or default})
    elif task == "custom" or (task in QUICK_TASKS and style is not None):
        raise UsageError(f"--style goes with --task rewrite or summarize, not {task}.")
    else:
        raise UsageError(
            f"'{task}' is not a quick task; choose one of: "
            + ", ".join([*QUICK_TASKS, "rewrite", "summarize"])
        )
    if instruction:
        if quick.task != "rewrite":
            raise UsageError("--instruction goes with a rewrite task (proofread, friendly, …).")
        return QuickTask(quick.key, "rewrite", {**quick.options, "instruction": instruction})
    return quick
