"""Every kind of problem has a window wording that names a menu, never a command; the banner
keeps every problem until dismissed; an unexpected worker error is logged with its traceback."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.errors import ErrorKind, HearthError, ModelFileError, UsageError, error_kind
from hearth.gui.error_wording import ADVICE, log_unexpected, window_message, without_commands
from hearth.gui.problem_banner import ProblemBanner

CLI_FLAVOURED = (
    "Something failed here. Run 'hearth cloud key' to store a key, or pass --labels a,b. "
    "See `hearth models list`."
)


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_every_kind_is_worded_with_a_menu_and_no_command(kind: ErrorKind) -> None:
    assert kind in ADVICE
    text = window_message(HearthError(CLI_FLAVOURED, kind=kind))
    assert "▸" in text, text
    assert "hearth " not in text
    assert "--" not in text
    assert text.startswith("Something failed here.")


def test_cloud_failures_point_to_the_settings() -> None:
    for failure, kind in [
        (FailureKind.NO_KEY, ErrorKind.CLOUD_KEY),
        (FailureKind.NOT_CONFIGURED, ErrorKind.CLOUD_SETUP),
        (FailureKind.BAD_URL, ErrorKind.CLOUD_SETUP),
        (FailureKind.SERVER_ERROR, ErrorKind.CLOUD),
    ]:
        exc = CloudFailure(failure, "No cloud base URL: run 'hearth cloud set --base-url URL'.")
        assert error_kind(exc) is kind
        text = window_message(exc)
        assert "Tools ▸ Settings ▸ Privacy & cloud" in text
        assert "hearth cloud" not in text


def test_kinds_follow_the_error_classes() -> None:
    assert error_kind(UsageError("x")) is ErrorKind.USAGE
    assert error_kind(ModelFileError("x")) is ErrorKind.MODEL
    assert error_kind(ModelFileError("x", kind=ErrorKind.MODEL_MISSING)) is ErrorKind.MODEL_MISSING


def test_without_commands_keeps_the_facts() -> None:
    assert without_commands(CLI_FLAVOURED) == "Something failed here."
    assert without_commands("The file is damaged. Choose another.") == (
        "The file is damaged. Choose another."
    )


def test_the_banner_keeps_every_problem_until_dismissed(qtbot: QtBot) -> None:
    banner = ProblemBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.add("The cloud failed.")
    banner.add("The ledger could not be written.")
    banner.add("The cloud failed.")  # the same problem again is shown once
    assert banner.problems() == ["The cloud failed.", "The ledger could not be written."]
    assert banner.isVisible()
    assert banner.dismiss_all.isVisibleTo(banner)
    banner.dismiss("The cloud failed.")
    assert banner.text() == "The ledger could not be written."
    banner.clear()
    assert not banner.isVisible()


def test_an_unexpected_error_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        with caplog.at_level(logging.ERROR):
            log_unexpected(exc, "answering a test request")
    record = caplog.records[-1]
    assert "answering a test request" in record.getMessage()
    assert record.exc_info is not None
    assert record.exc_info[0] is ZeroDivisionError
