"""The window routes through the router: ask shows the redacted payload first; the cloud's
answer replaces the local one; a failing cloud keeps the local answer; air-gapped sends nothing.

A real OpenAI-compatible server on 127.0.0.1 (scripted), the real engine on a generated model,
a real ledger file, the real dialog.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hearth.core.answer import Answer
from hearth.core.cloud.endpoint import BASE_URL_ENV, MODEL_ENV
from hearth.core.cloud.keys import KEY_ENV
from hearth.core.ledger.prices import PriceTable
from hearth.core.ledger.store import Ledger, ledger_path
from hearth.core.paths import Paths
from hearth.gui.app import HearthApp
from hearth.gui.escalation_dialog import EscalationDialog
from tests.core.cloud.fake_provider import FakeProvider, Reply, error, stream

EMAIL = "ana.lopez@example.com"
TEXT = f"Please write to {EMAIL} about the invoice before Friday."
WAIT_MS = 180_000


@pytest.fixture(autouse=True)
def _no_cloud_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV):
        monkeypatch.delenv(name, raising=False)


pytestmark = pytest.mark.usefixtures("keychain")  # the user's keychain stays out of it


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as fake:
        yield fake


def use_cloud(app: HearthApp, provider: FakeProvider, tiny_model: Path, policy: str) -> None:
    """A provider on loopback, the given policy, and a threshold no local answer reaches."""
    window = app.window
    window.apply_settings(
        dataclasses.replace(
            window.current_settings(),
            model=str(tiny_model),
            threads=1,
            context_size=1024,
            cloud_policy=policy,
            cloud_base_url=provider.base_url,
            cloud_model="fake-model",
            cloud_auto_threshold=1.0,
        )
    )
    window.set_task("rewrite")
    window.input.setPlainText(TEXT)


def ledger_entries(app: HearthApp) -> list:  # type: ignore[type-arg]
    with Ledger(
        ledger_path(Paths.from_environment()), keep_history=False, prices=PriceTable({})
    ) as ledger:
        return ledger.entries()


def asked_dialog(app: HearthApp, qtbot: QtBot) -> EscalationDialog:
    with qtbot.waitSignal(app.asker.asked, timeout=WAIT_MS) as asked:
        app.window.run_task()
    dialog = asked.args[0]
    assert isinstance(dialog, EscalationDialog)
    return dialog


def test_ask_shows_the_redacted_payload_and_sends_it_when_agreed(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "ask")
    provider.reply(stream(["Dear [EMAIL_1], ", "the invoice is attached."]))
    dialog = asked_dialog(app, qtbot)
    shown = dialog.payload.toPlainText()
    assert "[EMAIL_1]" in shown
    assert EMAIL not in shown
    assert "1 e-mail address" in dialog.redactions.text()
    assert provider.seen == []  # nothing left before the user agreed
    assert dialog.keep_button.isDefault()

    with qtbot.waitSignal(app.window.answer_ready, timeout=WAIT_MS) as done:
        dialog.send_button.click()
    result: Answer = done.args[0]
    assert result.route == "cloud"
    assert result.output == f"Dear {EMAIL}, the invoice is attached."
    assert app.window.result.answer_text == result.output
    status = app.window.status
    assert "Cloud" in status.route_label.text()
    assert "confidence" not in status.route_label.text()  # the local model's says nothing here
    assert status.speed_label.text().startswith("Cloud answer in")
    sent = provider.seen[0].body
    assert json.loads(sent) == json.loads(shown)  # what was shown is what went out
    assert EMAIL.encode() not in sent
    assert app.window.input.toPlainText() == TEXT
    [entry] = ledger_entries(app)
    assert entry.route == "cloud"


def test_keeping_the_local_answer_sends_nothing(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "ask")
    dialog = asked_dialog(app, qtbot)
    local_text = app.window.output.toPlainText()
    with qtbot.waitSignal(app.window.answer_ready, timeout=WAIT_MS) as done:
        dialog.keep_button.click()
    result: Answer = done.args[0]
    assert result.route == "local"
    assert result.escalation is not None
    assert result.escalation.declined
    assert provider.seen == []
    assert "you kept it" in app.window.status.route_label.text()
    assert local_text  # the local answer was on screen while the question was asked
    [entry] = ledger_entries(app)
    assert entry.route == "local"


def test_stop_while_asking_cancels_and_closes_the_question(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "ask")
    dialog = asked_dialog(app, qtbot)
    with qtbot.waitSignal(app.window.job_cancelled, timeout=WAIT_MS):
        app.window.stop()
    qtbot.waitUntil(lambda: app.asker.dialog is None, timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert provider.seen == []
    assert app.window.run_button.isEnabled()
    assert app.window.input.toPlainText() == TEXT


def test_a_failing_cloud_keeps_the_local_answer_and_says_why(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "auto")
    provider.reply(error(500, "the server fell over"))
    with qtbot.waitSignal(app.window.answer_ready, timeout=WAIT_MS) as done:
        app.window.run_task()
    result: Answer = done.args[0]
    assert result.route == "local"
    assert result.escalation is not None
    assert result.escalation.error is not None
    assert provider.seen  # it was tried
    assert app.window.result.answer_text == result.output
    qtbot.waitUntil(app.window.banner.isVisible, timeout=WAIT_MS)
    assert "this device" in app.window.banner.text()
    assert "the cloud failed" in app.window.status.route_label.text()
    assert app.window.input.toPlainText() == TEXT


def test_air_gapped_never_asks_and_sends_nothing(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "ask")
    window = app.window
    window.apply_settings(window.current_settings().replace(air_gapped=True))
    asked: list[object] = []
    app.asker.asked.connect(asked.append)
    with qtbot.waitSignal(window.answer_ready, timeout=WAIT_MS) as done:
        window.run_task()
    assert done.args[0].route == "local"
    assert asked == []
    assert provider.seen == []
    assert "On this device" in window.status.route_label.text()


def test_stopping_the_cloud_answer_keeps_the_local_one(
    app: HearthApp, qtbot: QtBot, provider: FakeProvider, tiny_model: Path
) -> None:
    use_cloud(app, provider, tiny_model, "auto")
    provider.reply(Reply(hang=True))
    local: list[str] = []
    app.worker.text_arrived.connect(local.append, Qt.ConnectionType.DirectConnection)
    window = app.window
    window.run_task()
    qtbot.waitUntil(lambda: bool(provider.seen), timeout=WAIT_MS)  # the cloud is answering
    with qtbot.waitSignal(window.job_cancelled, timeout=WAIT_MS):
        window.stop()
    assert local
    assert window.result.answer_text == "".join(local)
    assert window.answer_actions.copy_button.isEnabled()
    assert window.input.toPlainText() == TEXT


def test_cloud_set_up_problems_point_to_the_settings_not_the_command_line(
    app: HearthApp, qtbot: QtBot, tiny_model: Path
) -> None:
    window = app.window
    window.apply_settings(
        window.current_settings().replace(model=str(tiny_model), cloud_policy="always")
    )  # always, and no provider
    window.set_task("rewrite")
    window.input.setPlainText(TEXT)
    with qtbot.waitSignal(window.job_failed, timeout=WAIT_MS) as failed:
        window.run_task()
    message = failed.args[0]
    assert "Settings" in message
    assert "hearth cloud" not in message
    assert window.banner.text() == message
    assert window.input.toPlainText() == TEXT
