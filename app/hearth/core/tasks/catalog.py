"""The tasks Hearth offers, by name."""

from __future__ import annotations

from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import Task


def task_catalog() -> dict[str, Task]:
    tasks: list[Task] = [Summarize()]
    return {task.name: task for task in tasks}
