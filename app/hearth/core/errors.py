"""The errors Hearth shows to people.

Every error a user can meet is a `HearthError`: its message says what happened and what to
do, and its `exit_code` is the command-line contract's (design.md). Anything else reaching the
top is a bug and is reported as one.

Errors carry a kind (`error_kind`) and their facts; each front end words them. The message
is the command line's wording (it may name a command or a flag); the window words each kind
from its own table (hearth.gui.error_wording), naming a menu instead.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    USAGE = "usage"  # what was asked is wrong or incomplete (options, labels, a schema)
    INPUT = "input"  # the text itself: empty, binary, too long
    DOCUMENT = "document"  # a file that could not be read as a document
    MODEL_MISSING = "model_missing"  # no model chosen, or none by that name
    MODEL = "model"  # a model file that is damaged, changed, unsafe or does not fit
    ENGINE_CRASHED = "engine_crashed"
    ENGINE = "engine"
    CLOUD_SETUP = "cloud_setup"  # no provider, no model, a bad address
    CLOUD_KEY = "cloud_key"  # no key, a refused key, the keychain
    CLOUD = "cloud"  # the provider failed to answer
    PRIVACY = "privacy"  # air-gapped or the policy forbids it
    STORAGE = "storage"  # Hearth's own files: disk full, permissions, damage
    OTHER = "other"


class HearthError(Exception):
    """An error with a message fit for the user and the CLI's exit status for it."""

    exit_code: int = 1
    default_kind: ErrorKind = ErrorKind.OTHER

    def __init__(
        self, message: str, *, kind: ErrorKind | None = None, facts: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self._kind = kind
        self.facts: dict[str, Any] = dict(facts or {})

    def __str__(self) -> str:
        return self.message


class UsageError(HearthError):
    """The command or its options were wrong."""

    exit_code = 2
    default_kind = ErrorKind.USAGE


class InputTooLong(UsageError):
    """The text does not fit in the model's context (and the task cannot split it)."""

    default_kind = ErrorKind.INPUT


class ModelFileError(HearthError):
    """A model file is missing, unreadable, not a GGUF, damaged, or cannot fit."""

    exit_code = 3
    default_kind = ErrorKind.MODEL


class ChatTemplateError(ModelFileError):
    """The model's chat template is missing, broken or unsafe."""


class EngineCrashed(HearthError):
    """The engine host process died; the next request starts a fresh one."""

    exit_code = 4
    default_kind = ErrorKind.ENGINE_CRASHED

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, facts={"reason": reason})
        self.reason = reason


class EngineError(HearthError):
    """The engine host is alive but could not do what was asked."""

    exit_code = 1
    default_kind = ErrorKind.ENGINE


class CloudError(HearthError):
    """A cloud provider could not be reached or refused the request."""

    exit_code = 5
    default_kind = ErrorKind.CLOUD


class PrivacyRefused(HearthError):
    """The privacy settings (air-gapped mode, cloud policy) forbid this."""

    exit_code = 6
    default_kind = ErrorKind.PRIVACY


class Cancelled(Exception):
    """The user cancelled the work. Not a `HearthError`: the UI ignores it."""


def error_kind(exc: HearthError) -> ErrorKind:
    """What kind of problem `exc` is, for a front end to word it."""
    if exc._kind is not None:
        return exc._kind
    cloud_kind = getattr(exc, "kind", None)  # a CloudFailure's FailureKind
    if cloud_kind is not None:
        return cloud_failure_kind(str(cloud_kind))
    return exc.default_kind


def cloud_failure_kind(failure: str | None) -> ErrorKind:
    """The kind of a cloud failure named by its FailureKind value (as answers record it)."""
    return _CLOUD_KINDS.get(failure or "", ErrorKind.CLOUD)


_CLOUD_KINDS = {
    "bad_url": ErrorKind.CLOUD_SETUP,
    "not_configured": ErrorKind.CLOUD_SETUP,
    "unknown_model": ErrorKind.CLOUD_SETUP,
    "not_found": ErrorKind.CLOUD_SETUP,
    "no_key": ErrorKind.CLOUD_KEY,
    "bad_key": ErrorKind.CLOUD_KEY,
    "keychain": ErrorKind.CLOUD_KEY,
}
