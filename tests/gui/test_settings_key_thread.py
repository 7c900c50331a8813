"""The settings dialog talks to the keychain on its own thread: a locked keychain never freezes it.

The keychain here is a real keyring backend installed with `keyring.set_keyring`, whose calls
block on an event until the test releases them, the way a locked Secret Service or macOS
keychain blocks until the user unlocks it. Were the call made on the GUI thread, it would block
the test itself until `BLOCK_LIMIT_S` runs out and then fail, so every check below fails rather
than hangs if the work moves back to the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
import shiboken6
from keyring.backend import KeyringBackend
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from hearth.core.cloud.keys import KEY_ENV, SERVICE, KeyStore, account_for
from hearth.core.settings import Settings
from hearth.gui.settings_dialog import SettingsDialog

KEY = "sk-test-blocking-0123456789"
ACCOUNT = account_for("api.openai.com")
BLOCK_LIMIT_S = 5.0  # a call nobody releases gives up after this, instead of hanging the test


class BlockingKeyring(KeyringBackend):
    """A keychain that holds every call until `release` is set; then stores, or raises `fail`."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.release = threading.Event()
        self.entered = threading.Event()
        self.blocked = False
        self.callers: list[int] = []  # threading.get_ident() of each call
        self.fail: Exception | None = None

    def _wait(self) -> None:
        self.callers.append(threading.get_ident())
        self.blocked = True
        self.entered.set()
        try:
            if not self.release.wait(BLOCK_LIMIT_S):
                raise RuntimeError("the keychain call was never released")
        finally:
            self.blocked = False
        if self.fail is not None:
            raise self.fail

    def get_password(self, service: str, username: str) -> str | None:
        self._wait()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._wait()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._wait()
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


@pytest.fixture
def keychain() -> Iterator[BlockingKeyring]:
    """The process's keyring backend, as the OS keychain would be; the previous one comes back."""
    before = keyring.get_keyring()
    backend = BlockingKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()  # never leave a call waiting
    keyring.set_keyring(before)


def dialog_with_key(qtbot: QtBot) -> SettingsDialog:
    # No backend passed: the store asks keyring for the installed one, on the keychain thread.
    dialog = SettingsDialog(Settings(), KeyStore(environ={}))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.provider.setCurrentIndex(dialog.provider.findData("openai"))
    dialog.api_key.setText(KEY)
    return dialog


def assert_off_the_gui_thread(keychain: BlockingKeyring) -> None:
    assert keychain.callers, "the keychain was never called"
    assert threading.get_ident() not in keychain.callers


def assert_gui_runs_while_blocked(qtbot: QtBot, keychain: BlockingKeyring) -> None:
    """The GUI thread runs a timer while the keychain call is still blocked."""
    seen_blocked: list[bool] = []
    QTimer.singleShot(0, lambda: seen_blocked.append(keychain.blocked))
    qtbot.waitUntil(lambda: bool(seen_blocked))
    assert seen_blocked == [True]


def assert_thread_gone(dialog: SettingsDialog) -> None:
    worker = dialog.key_worker
    assert worker is not None, "no keychain thread was ever started"
    assert worker.worker_thread.isFinished()
    assert not worker.worker_thread.isRunning()


def test_the_window_keeps_working_while_the_keychain_blocks(
    qtbot: QtBot, keychain: BlockingKeyring
) -> None:
    dialog = dialog_with_key(qtbot)
    dialog.save_key()
    qtbot.waitUntil(keychain.entered.is_set)
    assert_off_the_gui_thread(keychain)
    assert_gui_runs_while_blocked(qtbot, keychain)
    # ...and the dialog says what it is waiting for, with the save button off.
    assert dialog.saving_key
    assert not dialog.store_key.isEnabled()
    assert "Saving the key to the keychain" in dialog.key_status.text()
    assert dialog.api_key.text() == KEY

    keychain.release.set()
    qtbot.waitUntil(lambda: not dialog.saving_key)
    assert keychain.entries == {(SERVICE, ACCOUNT): KEY}
    assert dialog.api_key.text() == ""
    assert dialog.store_key.isEnabled()
    assert "Stored the key for api.openai.com" in dialog.key_status.text()
    dialog.reject()
    assert_thread_gone(dialog)


def test_ok_with_a_typed_key_closes_once_the_keychain_has_it(
    qtbot: QtBot, keychain: BlockingKeyring
) -> None:
    dialog = dialog_with_key(qtbot)
    dialog.accept()  # the key was typed, never saved with "Save key"
    qtbot.waitUntil(keychain.entered.is_set)
    assert_off_the_gui_thread(keychain)
    assert_gui_runs_while_blocked(qtbot, keychain)
    assert dialog.isVisible()
    assert dialog.saving_key
    assert not dialog.ok_button.isEnabled()
    assert "close once it is stored" in dialog.key_status.text()
    assert keychain.entries == {}

    with qtbot.waitSignal(dialog.accepted):
        keychain.release.set()
    assert keychain.entries == {(SERVICE, ACCOUNT): KEY}
    assert not dialog.isVisible()
    assert_thread_gone(dialog)


def test_a_refusing_keychain_is_shown_and_the_key_stays_typed(
    qtbot: QtBot, keychain: BlockingKeyring
) -> None:
    keychain.fail = keyring.errors.KeyringLocked("the collection is locked")
    dialog = dialog_with_key(qtbot)
    dialog.save_key()
    dialog.accept()  # OK during the save: it must not close over the failure
    qtbot.waitUntil(keychain.entered.is_set)
    assert_off_the_gui_thread(keychain)
    assert_gui_runs_while_blocked(qtbot, keychain)
    assert dialog.saving_key

    keychain.release.set()
    qtbot.waitUntil(dialog.problem.isVisible)
    message = dialog.problem.text()
    assert "refused to store the key" in message
    assert "Unlock it and try again" in message
    assert KEY_ENV in message
    assert KEY not in message
    assert dialog.isVisible()
    assert dialog.api_key.text() == KEY
    assert not dialog.api_key.isReadOnly()
    assert dialog.store_key.isEnabled()
    assert dialog.ok_button.isEnabled()
    assert "not stored" in dialog.key_status.text()
    assert keychain.entries == {}
    dialog.reject()
    assert not dialog.isVisible()
    assert_thread_gone(dialog)


def test_no_keychain_at_all_says_what_to_do_instead(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), KeyStore(keyring.backends.fail.Keyring(), environ={}))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.provider.setCurrentIndex(dialog.provider.findData("openai"))
    dialog.api_key.setText(KEY)
    dialog.save_key()
    assert dialog.saving_key  # the answer comes back by a queued signal
    qtbot.waitUntil(dialog.problem.isVisible)
    assert "No system keychain is available" in dialog.problem.text()
    assert KEY_ENV in dialog.problem.text()
    assert dialog.api_key.text() == KEY
    dialog.reject()
    assert_thread_gone(dialog)


def test_closing_during_a_save_finishes_it_and_leaves_no_thread(
    qtbot: QtBot, keychain: BlockingKeyring
) -> None:
    dialog = dialog_with_key(qtbot)
    dialog.save_key()
    qtbot.waitUntil(keychain.entered.is_set)
    assert_off_the_gui_thread(keychain)
    assert_gui_runs_while_blocked(qtbot, keychain)
    dialog.close()  # the window's close button, Escape or Cancel: all reject()
    assert dialog.isVisible()
    worker = dialog.key_worker
    assert worker is not None
    assert worker.worker_thread.isRunning()

    with qtbot.waitSignal(dialog.finished):
        keychain.release.set()
    assert keychain.entries == {(SERVICE, ACCOUNT): KEY}  # the save asked for still happened
    assert dialog.result() == SettingsDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    assert_thread_gone(dialog)


def test_ok_with_a_key_but_no_provider_keeps_the_dialog_open(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), KeyStore(keyring.backends.fail.Keyring(), environ={}))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.api_key.setText(KEY)
    dialog.accept()
    assert dialog.isVisible()
    assert "choose a provider or a base URL" in dialog.problem.text()
    assert dialog.api_key.text() == KEY
    assert dialog.key_worker is None
    dialog.reject()
    assert not dialog.isVisible()


def test_a_dialog_deleted_without_closing_stops_its_thread(
    qtbot: QtBot, keychain: BlockingKeyring
) -> None:
    keychain.release.set()  # answers at once
    dialog = SettingsDialog(Settings(), KeyStore(environ={}))  # not qtbot's: it is deleted here
    dialog.provider.setCurrentIndex(dialog.provider.findData("openai"))
    dialog.api_key.setText(KEY)
    dialog.save_key()
    qtbot.waitUntil(lambda: not dialog.saving_key)
    worker = dialog.key_worker
    assert worker is not None
    assert worker.worker_thread.isRunning()
    shiboken6.delete(dialog)  # as when its parent window goes, with no done() first
    assert worker.worker_thread.isFinished()
