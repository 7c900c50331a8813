"""The API's bearer token: made on first use, kept in the OS keychain, never in a file.

`HEARTH_API_TOKEN` overrides it for one process (as `HEARTH_CLOUD_API_KEY` does the cloud key),
which is also the way where no keychain works. The keyring backend is passed in; tests use a
real in-memory one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

import keyring.backend

from hearth.core.cloud.keys import SERVICE, KeyStore, key_problem
from hearth.core.errors import HearthError

TOKEN_ENV = "HEARTH_API_TOKEN"
ACCOUNT = "local-api-token"
PREFIX = "hearth-"  # tells the token apart from a cloud provider's key at a glance


class TokenStore:
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
    def from_environment(self) -> bool:
        return bool(self._environ.get(TOKEN_ENV, "").strip())

    def token(self) -> str:
        """The token: the environment's, else the keychain's, else a new one, stored."""
        value = self._environ.get(TOKEN_ENV, "").strip()
        if value:
            problem = key_problem(value)
            if problem is not None:
                raise HearthError(f"{TOKEN_ENV} is not usable: {problem}.")
            return value
        backend = self._usable_backend()
        try:
            stored = backend.get_password(self._service, ACCOUNT)
        except Exception as exc:  # noqa: BLE001 - each backend raises its own types
            raise HearthError(
                f"Could not read the API token from the keychain ({type(exc).__name__}). Unlock "
                f"the keychain and try again, or set {TOKEN_ENV} for this process."
            ) from None
        return stored if stored else self.renew()

    def renew(self) -> str:
        """A new token, replacing the stored one (apps using the old one get 401)."""
        backend = self._usable_backend()
        value = PREFIX + secrets.token_urlsafe(32)
        try:
            backend.set_password(self._service, ACCOUNT, value)
        except Exception as exc:  # noqa: BLE001 - each backend raises its own types
            raise HearthError(
                f"The keychain refused to store the API token ({type(exc).__name__}). Unlock "
                f"it and try again, or set {TOKEN_ENV} for this process."
            ) from None
        return value

    def _usable_backend(self) -> keyring.backend.KeyringBackend:
        keys = KeyStore(self._backend, environ={}, service=self._service)
        if not keys.status().usable:
            raise HearthError(
                "No system keychain is available to keep the local API's token (on Linux it "
                "needs a Secret Service such as GNOME Keyring or KWallet). Set "
                f"{TOKEN_ENV} to a token of your choice for the process that serves instead."
            )
        return keys.backend
