"""Cloud API keys: in the OS keychain through keyring, and nowhere else.

A key never goes into the settings file, a log, the ledger or a message. Where no keychain
works (keyring falls back to its "fail" backend on a headless Linux box without a Secret
Service), Hearth says so plainly and takes the key from `HEARTH_CLOUD_API_KEY` for that process
only; it never falls back to writing the key to a file.

The keyring backend is passed in (tests use a real in-memory backend); by default it is the one
keyring chooses for this system, which honours `PYTHON_KEYRING_BACKEND`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hearth.core.cloud.failure import CloudFailure, FailureKind

if TYPE_CHECKING:
    import keyring.backend

# keyring itself is imported where a keychain is first used: importing it takes a tenth of a
# second (its backends, importlib_metadata, jaraco), and the window builds a KeyStore at start
# though most sessions never touch a key.

KEY_ENV = "HEARTH_CLOUD_API_KEY"
SERVICE = "Hearth"
_LONGEST_KEY = 4096


class ApiKey:
    """A key whose repr and str never show it: only `reveal()` does, at the HTTP header."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str) -> None:
        self._value = value
        self.source = source  # "keychain" | "environment"

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"ApiKey(<hidden>, from {self.source})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def key_problem(value: str) -> str | None:
    """Why `value` cannot be an API key (without quoting it), or None."""
    if not value:
        return "the key is empty"
    if len(value) > _LONGEST_KEY:
        return f"the key is longer than {_LONGEST_KEY} characters"
    # It goes into an HTTP header: printable ASCII only. Checked here so that encoding it later
    # cannot fail with an error message that quotes it.
    if not all(33 <= ord(ch) <= 126 for ch in value):
        return "the key contains spaces, line breaks or characters outside printable ASCII"
    return None


@dataclass(frozen=True)
class KeychainStatus:
    usable: bool
    backend: str  # keyring's name for it
    detail: str  # for the user: why it cannot be used, and what to do instead


def account_for(host: str) -> str:
    """The keychain entry of the key for one server: keys differ per provider."""
    return f"api-key@{host}"


class KeyStore:
    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        service: str = SERVICE,
    ) -> None:
        self._backend = backend
        self._environ = os.environ if environ is None else environ
        self._service = service

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def status(self) -> KeychainStatus:
        backend = self.backend
        name = _backend_name(backend)
        if _is_unusable(backend):
            return KeychainStatus(
                False,
                name,
                "No system keychain is available here (keyring found no working backend; on "
                "Linux it needs a Secret Service such as GNOME Keyring or KWallet). Hearth does "
                f"not store keys in files: set {KEY_ENV} in the environment of the process "
                "that runs Hearth instead; it is used for that process only.",
            )
        return KeychainStatus(True, name, f"keys are kept in {name}")

    def environment_key(self) -> ApiKey | None:
        value = self._environ.get(KEY_ENV, "").strip()
        if not value:
            return None
        problem = key_problem(value)
        if problem is not None:
            raise CloudFailure(FailureKind.NO_KEY, f"{KEY_ENV} is not usable: {problem}.")
        return ApiKey(value, "environment")

    def load(self, account: str) -> ApiKey | None:
        """The key for `account`: the environment's for this process, else the keychain's."""
        from_env = self.environment_key()
        if from_env is not None:
            return from_env
        status = self.status()
        if not status.usable:
            return None
        try:
            value = self.backend.get_password(self._service, account)
        except Exception as exc:  # noqa: BLE001 - each backend raises its own types
            raise CloudFailure(
                FailureKind.KEYCHAIN,
                f"Could not read the key from the keychain ({status.backend}: "
                f"{type(exc).__name__}). Unlock the keychain and try again, or set {KEY_ENV} "
                "for this process.",
            ) from None
        return ApiKey(value, "keychain") if value else None

    def store(self, account: str, value: str) -> None:
        value = value.strip()
        problem = key_problem(value)
        if problem is not None:
            raise CloudFailure(FailureKind.NO_KEY, f"Not stored: {problem}.")
        status = self.status()
        if not status.usable:
            raise CloudFailure(FailureKind.KEYCHAIN, f"Not stored. {status.detail}")
        try:
            self.backend.set_password(self._service, account, value)
        except Exception as exc:  # noqa: BLE001 - each backend raises its own types
            # from None: a backend's exception could carry what it was given.
            raise CloudFailure(
                FailureKind.KEYCHAIN,
                f"The keychain ({status.backend}) refused to store the key "
                f"({type(exc).__name__}). Unlock it and try again, or set {KEY_ENV} for this "
                "process instead.",
            ) from None

    def delete(self, account: str) -> bool:
        """Remove the stored key; False when there was none (or no keychain)."""
        if not self.status().usable:
            return False
        import keyring.errors

        try:
            self.backend.delete_password(self._service, account)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:  # noqa: BLE001 - each backend raises its own types
            raise CloudFailure(
                FailureKind.KEYCHAIN,
                f"The keychain refused to delete the key ({type(exc).__name__}).",
            ) from None
        return True


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _is_unusable(backend: keyring.backend.KeyringBackend) -> bool:
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null

    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return True
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return not backend.backends
    return False
