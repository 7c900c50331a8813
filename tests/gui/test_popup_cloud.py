"""The popup asks before a request leaves, as the window does: the question opens over the popup
and shows the redacted payload; keeping the local answer sends nothing; sending sends exactly
what was shown; Stop and closing the popup withdraw the question.

A real OpenAI-compatible server on 127.0.0.1 (scripted), the real engine on a generated model,
the real session, popup, worker and dialog (offscreen).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hearth.core.answer import Answer
from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV
from hearth.core.cloud.keys import KEY_ENV
from hearth.core.paths import Paths
from hearth.core.settings import SettingsStore
from hearth.gui.desktop.paste import PasteTarget
from hearth.gui.desktop.popup import QuickPopup
from hearth.gui.desktop.quick_session import QuickSession
from hearth.gui.desktop.quick_tasks import QUICK_TASKS
from hearth.gui.desktop.selection import Selection
from hearth.gui.escalation_dialog import EscalationDialog
from tests.core.cloud.fake_provider import FakeProvider, stream

EMAIL = "ana.lopez@example.com"
TEXT = f"Please write to {EMAIL} about the invoice before Friday."
WAIT_MS = 180_000

pytestmark = [
    pytest.mark.usefixtures("keychain"),  # the user's keychain stays out of it
    # The popup raises itself near the pointer; the offscreen platform cannot.
    pytest.mark.qt_log_ignore("This plugin does not support raise"),
]


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def session(hearth_home: Path, tiny_model: Path, provider: FakeProvider) -> Iterator[QuickSession]:
    """The ask policy, a provider on loopback and a threshold no local answer reaches."""
    paths = Paths.from_environment()
    store = SettingsStore(paths.settings_file)
    store.save(
        store.load().settings.replace(
            model=str(tiny_model),
            threads=1,
            context_size=1024,
            cloud_policy="ask",
            cloud_base_url=provider.base_url,
            cloud_model="fake-model",
            cloud_auto_threshold=1.0,
        )
    )
    quick = QuickSession(paths)
    yield quick
    quick.shutdown()


@pytest.fixture
def popup(session: QuickSession, qtbot: QtBot) -> Iterator[QuickPopup]:
    shown = session.popup(Selection(TEXT, "primary"), PasteTarget())
    qtbot.addWidget(shown)
    shown.show_near()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def asked(session: QuickSession, popup: QuickPopup, qtbot: QtBot) -> EscalationDialog:
    with qtbot.waitSignal(session.asker.asked, timeout=WAIT_MS) as question:
        popup.run(QUICK_TASKS["friendly"])
    dialog = question.args[0]
    assert isinstance(dialog, EscalationDialog)
    return dialog


def test_the_question_opens_over_the_popup_with_the_redacted_payload_and_sends_it_when_agreed(
    session: QuickSession, popup: QuickPopup, qtbot: QtBot, provider: FakeProvider
) -> None:
    provider.reply(stream(["Dear [EMAIL_1], ", "the invoice is attached."]))
    dialog = asked(session, popup, qtbot)
    assert dialog.parentWidget() is popup
    assert dialog.isVisible()
    assert dialog.windowFlags() & Qt.WindowType.WindowStaysOnTopHint  # not behind the popup
    assert "send the request to the cloud" in popup.status.text()  # not a stale status
    shown = dialog.payload.toPlainText()
    assert "[EMAIL_1]" in shown
    assert EMAIL not in shown
    assert provider.seen == []  # nothing left before the user agreed
    assert dialog.keep_button.isDefault()

    with qtbot.waitSignal(popup.finished, timeout=WAIT_MS) as done:
        dialog.send_button.click()
    answer: Answer = done.args[0]
    assert answer.route == "cloud"
    assert answer.text == f"Dear {EMAIL}, the invoice is attached."
    assert popup.answer_view.toPlainText() == as_viewed(answer.text)
    assert popup.replace_button.isEnabled()
    sent = provider.seen[0].body
    assert json.loads(sent) == json.loads(shown)  # what was shown is what went out
    assert EMAIL.encode() not in sent


def test_keeping_the_local_answer_sends_nothing(
    session: QuickSession, popup: QuickPopup, qtbot: QtBot, provider: FakeProvider
) -> None:
    dialog = asked(session, popup, qtbot)
    with qtbot.waitSignal(popup.finished, timeout=WAIT_MS) as done:
        dialog.keep_button.click()
    answer: Answer = done.args[0]
    assert answer.route == "local"
    assert answer.escalation is not None
    assert answer.escalation.declined
    assert provider.seen == []
    assert popup.answer_view.toPlainText() == as_viewed(answer.text)
    assert session.asker.dialog is None


def test_stop_withdraws_the_question_and_sends_nothing(
    session: QuickSession, popup: QuickPopup, qtbot: QtBot, provider: FakeProvider
) -> None:
    dialog = asked(session, popup, qtbot)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    assert popup.stop_button.isVisible()
    popup.stop()
    qtbot.waitUntil(lambda: not popup.working, timeout=WAIT_MS)  # the worker said: cancelled
    qtbot.waitUntil(lambda: session.asker.dialog is None, timeout=WAIT_MS)
    assert closed == [0]  # rejected: nothing sent
    assert provider.seen == []
    assert not popup.working
    assert not popup.stop_button.isVisible()
    assert popup.status.text() == "Stopped."


def test_closing_the_popup_closes_the_question_and_esc_in_the_next_one_keeps_the_local_answer(
    session: QuickSession, popup: QuickPopup, qtbot: QtBot, provider: FakeProvider
) -> None:
    dialog = asked(session, popup, qtbot)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    popup.close()  # the hotkey pressed again, or the window manager
    assert closed == [0]  # closed with the popup, not left behind it
    assert session.asker.dialog is None
    # The worker's thread is free again: a new popup asks again, over itself.
    again = session.popup(Selection(TEXT, "primary"), PasteTarget())
    qtbot.addWidget(again)
    again.show_near()
    second = asked(session, again, qtbot)
    assert second.parentWidget() is again
    with qtbot.waitSignal(again.finished, timeout=WAIT_MS) as done:
        qtbot.keyClick(second, Qt.Key.Key_Escape)  # the question has the keyboard: Esc keeps
    answer: Answer = done.args[0]
    assert answer.route == "local"
    assert again.answer_view.toPlainText() == as_viewed(answer.text)
    assert provider.seen == []
    again.close()


def as_viewed(text: str) -> str:
    """A text as a text view holds it: a random model's carriage returns are line breaks."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")
