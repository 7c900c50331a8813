"""The errors Hearth shows to people.

Every error a user can meet is a `HearthError`: its message says what happened and what to
do, and its `exit_code` is the command-line contract's (design.md). Anything else reaching the
top is a bug and is reported as one.
"""

from __future__ import annotations


class HearthError(Exception):
    """An error with a message fit for the user and the CLI's exit status for it."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(HearthError):
    """The command or its options were wrong."""

    exit_code = 2


class InputTooLong(UsageError):
    """The text does not fit in the model's context (and the task cannot split it)."""


class ModelFileError(HearthError):
    """A model file is missing, unreadable, not a GGUF, damaged, or cannot fit."""

    exit_code = 3


class ChatTemplateError(ModelFileError):
    """The model's chat template is missing, broken or unsafe."""


class EngineCrashed(HearthError):
    """The engine host process died; the next request starts a fresh one."""

    exit_code = 4

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class EngineError(HearthError):
    """The engine host is alive but could not do what was asked."""

    exit_code = 1


class CloudError(HearthError):
    """A cloud provider could not be reached or refused the request."""

    exit_code = 5


class PrivacyRefused(HearthError):
    """The privacy settings (air-gapped mode, cloud policy) forbid this."""

    exit_code = 6


class Cancelled(Exception):
    """The user cancelled the work. Not a `HearthError`: the UI ignores it."""
