"""A chat message: what tasks build and the engine renders with the model's template.

Kept apart from the template code so that what only passes messages around does not import
jinja2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}
