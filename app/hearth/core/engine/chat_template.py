"""Render chat messages into a prompt with the model's own chat template, safely.

A GGUF's `tokenizer.chat_template` is Jinja code from an untrusted file, so it runs in
Jinja's immutable sandbox (as llama-cpp-python does since CVE-2024-34359), with a cap on the
size of what it may produce. Models without a template get a known format only when their
vocabulary proves which one they were trained on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeGuard

import jinja2
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hearth.core.engine.messages import Message
from hearth.core.errors import ChatTemplateError

__all__ = ["ChatTemplate", "FallbackFormat", "Message", "choose_template", "fold_system_into_user"]

# A rendered prompt larger than this plus the messages it carries (twice over, for templates
# that repeat a turn) is a template gone wrong, not a conversation. Relative to the messages:
# a long text is the text's size to report (the engine does, in tokens), not the template's.
MAX_RENDERED_CHARS = 4_000_000
# Integers past this size are not counters or lengths but an attempt to exhaust the CPU.
_MAX_INT_BITS = 4096


@dataclass(frozen=True)
class FallbackFormat:
    """A prompt format recognised by a control token the model's vocabulary must have."""

    name: str
    marker: str
    template: str


FALLBACKS: tuple[FallbackFormat, ...] = (
    FallbackFormat(
        "chatml",
        "<|im_start|>",
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
    ),
    FallbackFormat(
        "llama-3",
        "<|start_header_id|>",
        "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}"
        "<|end_header_id|>\n\n{{ m.content | trim }}<|eot_id|>{% endfor %}"
        "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n"
        "{% endif %}",
    ),
    FallbackFormat(
        "gemma",
        "<start_of_turn>",
        "{{ bos_token }}{% for m in messages %}<start_of_turn>"
        "{{ 'model' if m.role == 'assistant' else m.role }}\n{{ m.content | trim }}"
        "<end_of_turn>\n{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n"
        "{% endif %}",
    ),
)


def _raise_exception(message: str) -> NoReturn:
    raise jinja2.exceptions.TemplateError(message)


def _strftime_now(fmt: str) -> str:
    return datetime.datetime.now().strftime(fmt)


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus a stop for the operators that build a huge value in one step.

    The cap in `ChatTemplate._render` sees output only after it is built; `'x' * 10**10` or
    `9**9**9` would exhaust memory or the CPU before it got the chance.
    """

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if _oversized(operator, left, right):
            raise _too_long()
        return super().call_binop(context, operator, left, right)


def _oversized(operator: str, left: object, right: object) -> bool:
    """Whether `left operator right` would be too large to be part of a sane prompt."""
    if not _is_int(right):
        left, right = right, left  # `3 * 'x'` repeats like `'x' * 3`
    if not _is_int(right):
        return False
    if operator == "**":
        return (
            _is_int(left)
            and right > 0
            and abs(left) > 1
            and right * abs(left).bit_length() > _MAX_INT_BITS
        )
    if isinstance(left, str | list | tuple):
        return len(left) * right > MAX_RENDERED_CHARS
    return _is_int(left) and left.bit_length() + right.bit_length() > _MAX_INT_BITS


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_long() -> ChatTemplateError:
    return ChatTemplateError(
        "The model's chat template produced an absurdly long prompt and was stopped. The "
        "template in this model file is faulty or malicious; use a copy of the model from a "
        "trusted source."
    )


def _environment() -> ImmutableSandboxedEnvironment:
    env = _BoundedSandbox(trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


class ChatTemplate:
    """A compiled chat template plus the special-token strings it refers to."""

    def __init__(self, source: str, *, bos_token: str, eos_token: str, origin: str) -> None:
        self.origin = origin  # "model" or the fallback's name, for reports
        self._bos = bos_token
        self._eos = eos_token
        try:
            self._template = _environment().from_string(source)
        except jinja2.exceptions.TemplateSyntaxError as exc:
            raise ChatTemplateError(
                f"The model's chat template is broken (line {exc.lineno}: {exc.message}). "
                "Use a different copy of the model, or one converted with a current llama.cpp."
            ) from exc

    def render(self, messages: Sequence[Message], *, add_generation_prompt: bool = True) -> str:
        """The prompt text. A template that rejects a system turn gets it folded into the
        first user turn (Gemma-style templates demand strict user/assistant alternation)."""
        try:
            return self._render(messages, add_generation_prompt)
        except _TemplateRejected:
            # Only a template that refused the conversation gets a second try; an unsafe or
            # runaway template is not run again.
            folded = fold_system_into_user(messages)
            if folded == list(messages):
                raise
            return self._render(folded, add_generation_prompt)

    def _render(self, messages: Sequence[Message], add_generation_prompt: bool) -> str:
        context = {
            "messages": [m.as_dict() for m in messages],
            "add_generation_prompt": add_generation_prompt,
            "bos_token": self._bos,
            "eos_token": self._eos,
            # Templates with a hidden reasoning mode (Qwen3) read this: Hearth's tasks want
            # the answer itself, at once, on a laptop.
            "enable_thinking": False,
        }
        parts: list[str] = []
        size = 0
        allowed = MAX_RENDERED_CHARS + 2 * sum(len(m.content) for m in messages)
        try:
            for chunk in self._template.generate(context):
                size += len(chunk)
                if size > allowed:
                    raise _too_long()
                parts.append(chunk)
        except jinja2.exceptions.SecurityError as exc:
            raise ChatTemplateError(
                "The model's chat template tried to do something unsafe and was blocked "
                f"({exc}). Do not use this model file; get the model from a trusted source."
            ) from exc
        except (
            jinja2.exceptions.TemplateError,
            TypeError,
            ValueError,
            ArithmeticError,  # the sandbox's range() cap is an OverflowError; 1/0
            RecursionError,
        ) as exc:
            raise _TemplateRejected(
                f"The model's chat template failed: {exc}. Use a different copy of the model, "
                "or one converted with a current llama.cpp."
            ) from exc
        return "".join(parts)


class _TemplateRejected(ChatTemplateError):
    """The template ran but refused the messages (or failed on them)."""


def fold_system_into_user(messages: Sequence[Message]) -> list[Message]:
    """Move system text to the start of the first user turn."""
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    rest = [m for m in messages if m.role != "system"]
    if not system:
        return rest
    for i, message in enumerate(rest):
        if message.role == "user":
            rest[i] = Message("user", f"{system}\n\n{message.content}")
            return rest
    return [Message("user", system), *rest]


def choose_template(
    source: str | None,
    *,
    bos_token: str,
    eos_token: str,
    has_control_token: Callable[[str], bool],
    model_name: str,
) -> ChatTemplate:
    """The model's own template, else a fallback its vocabulary proves, else a clear error."""
    if source and source.strip():
        return ChatTemplate(source, bos_token=bos_token, eos_token=eos_token, origin="model")
    for fallback in FALLBACKS:
        if has_control_token(fallback.marker):
            return ChatTemplate(
                fallback.template, bos_token=bos_token, eos_token=eos_token, origin=fallback.name
            )
    raise ChatTemplateError(
        f"{model_name} has no chat template, and Hearth cannot tell which prompt format it was "
        "trained on. Use an instruct (chat) model in GGUF format whose file includes its chat "
        "template, such as one from Hearth's model catalog."
    )
