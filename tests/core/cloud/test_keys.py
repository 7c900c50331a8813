"""API keys: in the keychain (a real keyring backend), from the environment when there is no
keychain, and never shown."""

from __future__ import annotations

import keyring.backends.fail
import keyring.backends.null
import pytest

from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import KEY_ENV, SERVICE, ApiKey, KeyStore, account_for, key_problem
from tests.core.cloud.memory_keyring import InMemoryKeyring

SECRET = "sk-live-abcdefghijklmnopqrstuvwxyz0123"
ACCOUNT = account_for("api.openai.com")


def test_store_then_load_through_the_keychain(memory_keyring: InMemoryKeyring) -> None:
    keys = KeyStore(memory_keyring, environ={})

    keys.store(ACCOUNT, f"  {SECRET}\n")  # pasted with a line break

    assert memory_keyring.entries == {(SERVICE, "api-key@api.openai.com"): SECRET}
    loaded = keys.load(ACCOUNT)
    assert loaded is not None
    assert loaded.reveal() == SECRET
    assert loaded.source == "keychain"


def test_keys_are_kept_per_server(memory_keyring: InMemoryKeyring) -> None:
    keys = KeyStore(memory_keyring, environ={})
    keys.store(account_for("api.openai.com"), "sk-one-aaaaaaaaaaaaaaaa")
    keys.store(account_for("api.groq.com"), "gsk_two-bbbbbbbbbbbbbbbb")

    assert keys.load(account_for("api.openai.com")) == ApiKey("sk-one-aaaaaaaaaaaaaaaa", "x")
    assert keys.load(account_for("localhost:8000")) is None


def test_the_environment_overrides_the_keychain_for_this_process(
    memory_keyring: InMemoryKeyring,
) -> None:
    KeyStore(memory_keyring, environ={}).store(ACCOUNT, SECRET)
    keys = KeyStore(memory_keyring, environ={KEY_ENV: "sk-from-env-123456789"})

    loaded = keys.load(ACCOUNT)

    assert loaded is not None
    assert loaded.reveal() == "sk-from-env-123456789"
    assert loaded.source == "environment"
    assert memory_keyring.entries[(SERVICE, ACCOUNT)] == SECRET  # not written anywhere


def test_a_key_never_shows_in_its_repr() -> None:
    key = ApiKey(SECRET, "keychain")
    assert SECRET not in repr(key)
    assert SECRET not in str(key)
    assert SECRET not in f"{key}"


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()]
)
def test_no_working_keychain_says_so_and_points_at_the_variable(
    backend: keyring.backend.KeyringBackend,
) -> None:
    keys = KeyStore(backend, environ={})

    status = keys.status()
    assert not status.usable
    assert KEY_ENV in status.detail
    assert "does not store keys in files" in status.detail

    with pytest.raises(CloudFailure) as caught:
        keys.store(ACCOUNT, SECRET)
    assert caught.value.kind is FailureKind.KEYCHAIN
    assert KEY_ENV in caught.value.message
    assert SECRET not in caught.value.message
    assert keys.load(ACCOUNT) is None


def test_without_a_keychain_the_environment_key_works() -> None:
    keys = KeyStore(keyring.backends.fail.Keyring(), environ={KEY_ENV: SECRET})
    loaded = keys.load(ACCOUNT)
    assert loaded is not None
    assert loaded.reveal() == SECRET


class BrokenKeyring(InMemoryKeyring):
    """A keychain that is there but locked: it refuses every use."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked(f"locked while asked for {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"refused {password}")


def test_a_locked_keychain_is_explained_without_quoting_the_key() -> None:
    keys = KeyStore(BrokenKeyring(), environ={})

    with pytest.raises(CloudFailure) as stored:
        keys.store(ACCOUNT, SECRET)
    with pytest.raises(CloudFailure) as loaded:
        keys.load(ACCOUNT)

    for failure in (stored.value, loaded.value):
        assert failure.kind is FailureKind.KEYCHAIN
        assert SECRET not in failure.message
        assert failure.__cause__ is None


@pytest.mark.parametrize(
    "bad", ["", "has space inside", "line\nbreak", "ключ-non-ascii", "x" * 5000]
)
def test_unusable_keys_are_refused_without_being_quoted(
    memory_keyring: InMemoryKeyring, bad: str
) -> None:
    keys = KeyStore(memory_keyring, environ={})
    assert key_problem(bad.strip()) is not None
    with pytest.raises(CloudFailure) as caught:
        keys.store(ACCOUNT, bad)
    assert bad.strip() == "" or bad.strip() not in caught.value.message
    assert memory_keyring.entries == {}


def test_an_unusable_environment_key_is_explained() -> None:
    keys = KeyStore(InMemoryKeyring(), environ={KEY_ENV: "two words"})
    with pytest.raises(CloudFailure, match=KEY_ENV):
        keys.load(ACCOUNT)


def test_delete(memory_keyring: InMemoryKeyring) -> None:
    keys = KeyStore(memory_keyring, environ={})
    keys.store(ACCOUNT, SECRET)
    assert keys.delete(ACCOUNT)
    assert not keys.delete(ACCOUNT)
    assert keys.load(ACCOUNT) is None
