"""Problems in the window's words: what happened, and where in the app to fix it.

The core's messages are the command line's wording and may name a command or a flag ("run
'hearth cloud key'", "--labels"). The window keeps the core's account of what happened, drops
the sentences that tell the user to run something, and adds its own advice for the kind of
problem, naming a menu. Every `ErrorKind` has an entry (tests/gui/test_error_wording.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from hearth import crash_log
from hearth.core.errors import ErrorKind, HearthError, error_kind

log = logging.getLogger(__name__)

# A sentence that tells the user to type something: a hearth command, or a flag.
_COMMAND = re.compile(r"[`'\"]hearth\s|\bhearth\s+(models|cloud|run|calibrate|ledger)\b|\s--[a-z]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`'\"])")


# One function per kind: each returns the advice, naming where in the app to go.
ADVICE: dict[ErrorKind, Callable[[], str]] = {
    ErrorKind.USAGE: lambda: QCoreApplication.translate(
        "ErrorWording", "Check the task's options above the text, then Task ▸ Run."
    ),
    ErrorKind.INPUT: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Shorten or change the text on the left, or open another file with File ▸ Open text…",
    ),
    ErrorKind.DOCUMENT: lambda: QCoreApplication.translate(
        "ErrorWording", "Open another file with File ▸ Open text…, or paste the text."
    ),
    ErrorKind.MODEL_MISSING: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Choose a model in Models ▸ Manage models…, or get one with Models ▸ Get started…",
    ),
    ErrorKind.MODEL: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Check the model in Models ▸ Manage models… (Verify, or remove it and add it again), "
        "or choose another.",
    ),
    ErrorKind.ENGINE_CRASHED: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Your text is kept. Run it again with Task ▸ Run; if it happens again, choose a smaller "
        "model in Models ▸ Manage models…",
    ),
    ErrorKind.ENGINE: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Your text is kept. Try again with Task ▸ Run, or choose another model in "
        "Models ▸ Manage models…",
    ),
    ErrorKind.CLOUD_SETUP: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Choose a cloud provider and its model in Tools ▸ Settings ▸ Privacy & cloud, or set the "
        "cloud policy to never there.",
    ),
    ErrorKind.CLOUD_KEY: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Enter the provider's API key in Tools ▸ Settings ▸ Privacy & cloud; it is kept in the "
        "system keychain.",
    ),
    ErrorKind.CLOUD: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Try again later with Task ▸ Run, or change the cloud policy in "
        "Tools ▸ Settings ▸ Privacy & cloud.",
    ),
    ErrorKind.PRIVACY: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Air-gapped mode and the cloud policy are in Tools ▸ Settings ▸ Privacy & cloud.",
    ),
    ErrorKind.STORAGE: lambda: QCoreApplication.translate(
        "ErrorWording",
        "Free some disk space or fix the folder's permissions, then try again; "
        "Help ▸ About Hearth shows where Hearth keeps its files.",
    ),
    ErrorKind.OTHER: lambda: QCoreApplication.translate(
        "ErrorWording", "Try again with Task ▸ Run."
    ),
}


def without_commands(message: str) -> str:
    """The message without its sentences that tell the user to run a command."""
    kept = [s for s in _SENTENCE.split(message.strip()) if not _COMMAND.search(s)]
    return " ".join(kept).strip()


def window_message(exc: HearthError) -> str:
    """`exc` as the window says it: what happened, and where to fix it."""
    return worded(error_kind(exc), exc.message)


def worded(kind: ErrorKind, message: str) -> str:
    """A core message of `kind` in the window's words."""
    what = without_commands(message)
    advice = ADVICE[kind]()
    return f"{what} {advice}".strip() if what else advice


def unexpected_message(exc: BaseException) -> str:
    """A bug, reported as one, naming the app's log (where its traceback was written)."""
    log_file = crash_log.log_path()
    where = (
        QCoreApplication.translate("ErrorWording", "The details are in {0}.").format(log_file)
        if log_file is not None
        else QCoreApplication.translate("ErrorWording", "The details are in Hearth's log.")
    )
    return QCoreApplication.translate(
        "ErrorWording",
        "Something went wrong inside Hearth ({0}: {1}). Your text is kept. {2} Please report it "
        "(Help ▸ About Hearth names the version).",
    ).format(type(exc).__name__, exc, where)


def reported_unexpected(exc: BaseException, during: str) -> str:
    """Log the traceback of an unexpected exception, then word it for the user."""
    log_unexpected(exc, during)
    return unexpected_message(exc)


def log_unexpected(exc: BaseException, during: str) -> None:
    """Write the traceback of an unexpected exception to the log before it is reported."""
    log.error("Unexpected error while %s", during, exc_info=(type(exc), exc, exc.__traceback__))
