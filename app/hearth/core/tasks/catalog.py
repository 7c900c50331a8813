"""The tasks Hearth offers, by name. Adding a task: write its module, list it here."""

from __future__ import annotations

from hearth.core.tasks.chat import Chat
from hearth.core.tasks.classify import Classify
from hearth.core.tasks.extract import Extract
from hearth.core.tasks.rewrite import Rewrite
from hearth.core.tasks.summarize import Summarize
from hearth.core.tasks.task import Task


def task_catalog() -> dict[str, Task]:
    tasks: list[Task] = [Summarize(), Rewrite(), Classify(), Extract()]
    tasks.append(Chat())  # the local API's chat completions; not shown in the window (in_window)
    return {task.name: task for task in tasks}
