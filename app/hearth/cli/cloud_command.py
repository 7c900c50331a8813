"""`hearth cloud set|key|test|show`: the cloud provider, its key, and whether it answers.

The key is read from stdin (without echo on a terminal) straight into the OS keychain; it is
never printed, written to the settings, or put in a message.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.cli.parser import Parser
from hearth.core.cloud.client import CloudClient
from hearth.core.cloud.endpoint import (
    BASE_URL_ENV,
    MODEL_ENV,
    CloudEndpoint,
    describe_missing,
    endpoint_from,
)
from hearth.core.cloud.failure import CloudFailure, FailureKind
from hearth.core.cloud.keys import KEY_ENV, KeyStore, account_for
from hearth.core.cloud.messages import CloudRequest
from hearth.core.cloud.presets import PRESETS, find_preset, preset_named
from hearth.core.cloud.url import (
    base_url_problem,
    is_loopback_url,
    normalise_base_url,
    url_host,
)
from hearth.core.errors import PrivacyRefused, UsageError
from hearth.core.routing.router import Message
from hearth.core.settings import CLOUD_POLICIES, Settings

TEST_REQUEST = CloudRequest(
    (Message("user", "Reply with the single word OK."),), max_tokens=8, temperature=0.0
)


def add_parser(sub: Any) -> argparse.ArgumentParser:
    cloud: argparse.ArgumentParser = sub.add_parser(
        "cloud", help="set up the cloud provider used for escalation"
    )
    actions = cloud.add_subparsers(dest="cloud_command", required=True, parser_class=Parser)

    presets = ", ".join(p.name for p in PRESETS)
    set_ = actions.add_parser("set", help="choose the provider and model")
    set_.add_argument("--preset", help=f"a known provider or server: {presets}")
    set_.add_argument("--base-url", help="an OpenAI-compatible base URL (usually ends in /v1)")
    set_.add_argument("--model", help="the model name at that provider")
    set_.add_argument("--policy", choices=CLOUD_POLICIES, help="when to use the cloud")
    set_.add_argument("--threshold", type=float, help="auto: escalate below this confidence")

    key = actions.add_parser("key", help="store the provider's API key (read from stdin)")
    key.add_argument("--delete", action="store_true", help="remove the stored key instead")

    test = actions.add_parser("test", help="send one tiny request and report the latency")
    test.add_argument("--json", action="store_true")

    show = actions.add_parser("show", help="show the cloud settings and where the key is")
    show.add_argument("--json", action="store_true")

    for action in (set_, key, test, show):
        action.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return cloud


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    command = {"set": _set, "key": _key, "test": _test, "show": _show}[args.cloud_command]
    return command(args, context, KeyStore())


# -- set -----------------------------------------------------------------------------------------


def _set(args: argparse.Namespace, context: CommandContext, keys: KeyStore) -> int:
    if not any(v is not None for v in (args.preset, args.base_url, args.model, args.policy)) and (
        args.threshold is None
    ):
        raise UsageError(
            "Nothing to set: give --preset NAME or --base-url URL, and --model NAME "
            "(see 'hearth cloud set --help')."
        )
    settings = context.loaded.settings
    changes: dict[str, Any] = {}
    if args.preset is not None:
        preset = preset_named(args.preset)
        changes["cloud_preset"] = preset.name
        # A preset alone means its own address; with --base-url, the team's own host.
        changes["cloud_base_url"] = None
    if args.base_url is not None:
        problem = base_url_problem(args.base_url.strip())
        if problem is not None:
            raise CloudFailure(
                FailureKind.BAD_URL, f"The base URL {args.base_url!r} is not usable: {problem}."
            )
        changes["cloud_base_url"] = normalise_base_url(args.base_url.strip())
        if args.preset is None:
            changes["cloud_preset"] = None  # another server: the old preset's facts no longer hold
    if args.model is not None:
        changes["cloud_model"] = args.model.strip()
    if args.policy is not None:
        changes["cloud_policy"] = args.policy
    if args.threshold is not None:
        changes["cloud_auto_threshold"] = args.threshold
    try:
        updated = settings.replace(**changes)
    except ValueError as exc:
        raise UsageError(f"Not saved: {exc}.") from None
    context.store.save(updated)
    endpoint = endpoint_from(updated, {})
    if endpoint is None:
        print(describe_missing(updated, {}))
        return 0
    print(f"Cloud escalation goes to {endpoint.title} ({endpoint.base_url}).")
    print(f"Policy: {updated.cloud_policy}; auto threshold {updated.cloud_auto_threshold:g}.")
    for line in _notes(updated, endpoint, keys):
        print(line)
    return 0


def _notes(settings: Settings, endpoint: CloudEndpoint, keys: KeyStore) -> list[str]:
    notes = []
    if endpoint.base_url.startswith("http://") and not endpoint.is_local:
        notes.append(
            f"warning: {endpoint.host} is reached over plain http: the key and your redacted "
            "text travel unencrypted. Use https:// unless it is on a network you trust."
        )
    if endpoint.needs_key and keys.status().usable:
        stored = keys.load(endpoint.key_account)
        if stored is None:
            notes.append(f"No key is stored for {endpoint.host} yet: run 'hearth cloud key'.")
    elif endpoint.needs_key:
        notes.append(keys.status().detail)
    if settings.cloud_policy == "never" and not settings.cloud_task_policies:
        notes.append(
            "The cloud policy is never: nothing is sent until you choose ask, auto or always "
            "('hearth cloud set --policy auto', or 'hearth run --cloud auto')."
        )
    if settings.air_gapped:
        notes.append("Air-gapped mode is on: nothing is sent until you turn it off.")
    return notes


# -- key -------------------------------------------------------------------------------------


def _key(args: argparse.Namespace, context: CommandContext, keys: KeyStore) -> int:
    host = _provider_host(context.loaded.settings)
    account = account_for(host)
    if args.delete:
        removed = keys.delete(account)
        print(f"Removed the key for {host}." if removed else f"No key was stored for {host}.")
        return 0
    status = keys.status()
    if not status.usable:
        raise CloudFailure(FailureKind.KEYCHAIN, status.detail)
    keys.store(account, _read_key(host))
    print(f"Stored the key for {host} in the system keychain ({status.backend}).")
    if os.environ.get(KEY_ENV, "").strip():
        print(f"note: {KEY_ENV} is set and overrides the stored key in processes that have it.")
    return 0


def _read_key(host: str) -> str:
    if sys.stdin is None:
        raise UsageError("No key given: pipe it into 'hearth cloud key'.")
    if sys.stdin.isatty():
        value = getpass.getpass(f"API key for {host} (not shown): ")
    else:
        value = sys.stdin.readline()
    if not value.strip():
        raise UsageError("No key given: paste it, or pipe it into 'hearth cloud key'.")
    return value


# -- test ------------------------------------------------------------------------------------


def _test(args: argparse.Namespace, context: CommandContext, keys: KeyStore) -> int:
    settings = context.loaded.settings
    endpoint = _configured(context)
    if settings.air_gapped:
        raise PrivacyRefused(
            "Hearth is air-gapped: 'hearth cloud test' sends nothing. Turn air-gapped mode "
            "off in the settings to test the provider."
        )
    # One tiny fixed request: no user text, so it is not a request for the ledger.
    with CloudClient(endpoint, keys.load(endpoint.key_account)) as client:
        answer = client.complete(TEST_REQUEST)
    if args.json:
        print_json(
            {
                "ok": True,
                "host": endpoint.host,
                "base_url": endpoint.base_url,
                "model": answer.model,
                "latency_ms": round(answer.latency_ms, 2),
                "ttft_ms": None if answer.ttft_ms is None else round(answer.ttft_ms, 2),
                "attempts": answer.attempts,
                "answer": answer.text,
            }
        )
        return 0
    first = f", first text after {answer.ttft_ms:.0f} ms" if answer.ttft_ms is not None else ""
    said = answer.text.strip().replace("\n", " ")[:60]
    print(
        f"OK: {answer.model} at {endpoint.host} answered in {answer.latency_ms:.0f} ms{first}: "
        f"{said!r}"
    )
    return 0


# -- show ------------------------------------------------------------------------------------


def _show(args: argparse.Namespace, context: CommandContext, keys: KeyStore) -> int:
    settings = context.loaded.settings
    endpoint = endpoint_from(settings)
    status = keys.status()
    key_source: str
    if endpoint is None:
        key_source = "n/a"
    else:
        stored = keys.load(endpoint.key_account)
        if stored is not None:
            key_source = stored.source
        elif not endpoint.needs_key:
            key_source = "none (not needed)"
        else:
            key_source = "missing"
    report: dict[str, Any] = {
        "configured": endpoint is not None,
        "preset": settings.cloud_preset,
        "base_url": endpoint.base_url if endpoint else settings.cloud_base_url,
        "model": endpoint.model if endpoint else settings.cloud_model,
        "overridden_by_environment": [
            name for name in (BASE_URL_ENV, MODEL_ENV, KEY_ENV) if os.environ.get(name, "").strip()
        ],
        "key": key_source,
        "keychain": {"usable": status.usable, "backend": status.backend},
        "policy": settings.cloud_policy,
        "task_policies": settings.cloud_task_policies,
        "auto_threshold": settings.cloud_auto_threshold,
        "air_gapped": settings.air_gapped,
        "timeouts_s": {
            "connect": settings.cloud_connect_timeout_s,
            "read": settings.cloud_read_timeout_s,
        },
        "redaction_names": len(settings.redaction_names),
    }
    if args.json:
        print_json(report)
        return 0
    if endpoint is None:
        print(describe_missing(settings))
    else:
        local = " (on this machine)" if is_loopback_url(endpoint.base_url) else ""
        print(f"Provider: {endpoint.title}{local}")
        print(f"Base URL: {endpoint.base_url}")
        print(f"Key:      {key_source}")
    overridden = report["overridden_by_environment"]
    if overridden:
        print(f"From the environment: {', '.join(overridden)}")
    if not status.usable:
        print(f"Keychain: {status.detail}")
    per_task = ", ".join(f"{t}={p}" for t, p in settings.cloud_task_policies.items())
    print(f"Policy:   {settings.cloud_policy}" + (f" ({per_task})" if per_task else ""))
    print(f"Auto threshold: {settings.cloud_auto_threshold:g}")
    print(f"Air-gapped: {'on' if settings.air_gapped else 'off'}")
    print(f"Names redacted: {len(settings.redaction_names)}")
    return 0


def _provider_host(settings: Settings) -> str:
    """The server a key is for: known once a provider is chosen, even before a model is."""
    env_url = os.environ.get(BASE_URL_ENV, "").strip()
    preset = find_preset(settings.cloud_preset) if settings.cloud_preset else None
    base_url = env_url or settings.cloud_base_url or (preset.base_url if preset else None)
    if not base_url:
        raise CloudFailure(FailureKind.NOT_CONFIGURED, describe_missing(settings))
    problem = base_url_problem(base_url)
    if problem is not None:
        raise CloudFailure(
            FailureKind.BAD_URL, f"The base URL {base_url!r} is not usable: {problem}."
        )
    return url_host(normalise_base_url(base_url))


def _configured(context: CommandContext) -> CloudEndpoint:
    settings = context.loaded.settings
    endpoint = endpoint_from(settings)
    if endpoint is None:
        raise CloudFailure(FailureKind.NOT_CONFIGURED, describe_missing(settings))
    return endpoint
