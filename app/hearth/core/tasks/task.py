"""What every task declares: its options and how it turns user text into an engine request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from hearth.core.engine.types import GenerateRequest


@dataclass(frozen=True)
class TaskOption:
    name: str
    choices: tuple[str, ...]
    default: str
    help: str


class Task(Protocol):
    name: str
    title: str
    options: tuple[TaskOption, ...]

    def build_request(self, text: str, options: Mapping[str, str]) -> GenerateRequest:
        """Instructions first, user text last: the instructions form a prefix the engine's
        KV cache reuses from one request to the next."""
        ...


def option_value(task: Task, options: Mapping[str, str], name: str) -> str:
    """The chosen value of an option, checked against its choices."""
    from hearth.core.errors import UsageError

    for option in task.options:
        if option.name == name:
            value = options.get(name, option.default)
            if value not in option.choices:
                raise UsageError(
                    f"{task.name}: '{value}' is not a {name}; choose one of: "
                    + ", ".join(option.choices)
                )
            return value
    raise KeyError(name)
