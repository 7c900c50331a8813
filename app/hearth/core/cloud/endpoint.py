"""Which server and model to send escalated requests to, from the settings and environment.

`HEARTH_CLOUD_BASE_URL` and `HEARTH_CLOUD_MODEL` override the settings for the process that
reads them (headless use: CI, a server), and are never written back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import account_for
from hearth.core.cloud.presets import Preset, find_preset
from hearth.core.cloud.url import base_url_problem, is_loopback_url, normalise_base_url, url_host
from hearth.core.settings import Settings

BASE_URL_ENV = "HEARTH_CLOUD_BASE_URL"
MODEL_ENV = "HEARTH_CLOUD_MODEL"


@dataclass(frozen=True)
class CloudEndpoint:
    base_url: str  # normalised: no trailing slash, no endpoint path
    model: str
    preset: Preset | None = None
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0

    def __post_init__(self) -> None:
        problem = base_url_problem(self.base_url)
        if problem is not None:
            raise CloudFailure(
                FailureKind.BAD_URL,
                f"The cloud base URL {self.base_url!r} is not usable: {problem}.",
            )
        if not self.model.strip():
            raise CloudFailure(FailureKind.NOT_CONFIGURED, "No cloud model is set.")

    @property
    def chat_url(self) -> str:
        return f"{self.base_url}/chat/completions"

    @property
    def host(self) -> str:
        return url_host(self.base_url)

    @property
    def is_local(self) -> bool:
        """A server on this machine: no key required, no proxy in between."""
        return is_loopback_url(self.base_url)

    @property
    def key_account(self) -> str:
        return account_for(self.host)

    @property
    def needs_key(self) -> bool:
        # Hosted presets always do; a server of the user's own may or may not (a key is sent
        # when one is stored, and a 401 says when it was needed).
        return self.preset is not None and self.preset.needs_key and not self.is_local

    @property
    def stream_usage(self) -> bool:
        return self.preset is not None and self.preset.stream_usage

    @property
    def structured_output(self) -> str | None:
        """How this server takes a JSON Schema for the answer; None: only in the prompt."""
        return self.preset.structured_output if self.preset is not None else None

    @property
    def title(self) -> str:
        who = self.preset.title if self.preset is not None else self.host
        return f"{self.model} at {who}"


def endpoint_from(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> CloudEndpoint | None:
    """The configured endpoint, or None when no provider or model is set.

    Raises CloudFailure(BAD_URL) for an unusable base URL in the environment (the settings
    file's are validated when it is loaded).
    """
    env = os.environ if environ is None else environ
    preset = find_preset(settings.cloud_preset) if settings.cloud_preset else None
    env_url = env.get(BASE_URL_ENV, "").strip()
    base_url = env_url or settings.cloud_base_url or (preset.base_url if preset else None)
    model = env.get(MODEL_ENV, "").strip() or settings.cloud_model
    if not base_url or not model:
        return None
    if env_url:
        problem = base_url_problem(env_url)
        if problem is not None:
            raise CloudFailure(
                FailureKind.BAD_URL, f"{BASE_URL_ENV} is not a usable base URL: {problem}."
            )
    return CloudEndpoint(
        base_url=normalise_base_url(base_url),
        model=model,
        preset=preset,
        connect_timeout_s=settings.cloud_connect_timeout_s,
        read_timeout_s=settings.cloud_read_timeout_s,
    )


def describe_missing(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """What to do when `endpoint_from` gave None."""
    env = os.environ if environ is None else environ
    has_url = bool(
        env.get(BASE_URL_ENV, "").strip() or settings.cloud_base_url or settings.cloud_preset
    )
    if not has_url:
        return (
            "No cloud provider is set up: run 'hearth cloud set --preset NAME --model MODEL' "
            f"(or set {BASE_URL_ENV} and {MODEL_ENV})."
        )
    return f"No cloud model is set: run 'hearth cloud set --model MODEL' (or set {MODEL_ENV})."
