"""Checking and normalising the base URL of an OpenAI-compatible API.

Pure string work with no settings or network import, so that the settings module can use it to
validate what it loads.
"""

from __future__ import annotations

import ipaddress
import urllib.parse

_ENDPOINT_SUFFIXES = ("/chat/completions", "/completions")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be a base URL, or None when it can."""
    if not url or url != url.strip():
        return "it is empty or has spaces around it"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"it is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it has no host name"
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would end up in the settings file; keys go to the keychain.
        return "it must not contain a user name or password (store the key with 'hearth cloud key')"
    if parts.query or parts.fragment:
        return "it must not have a query (?...) or fragment (#...)"
    if port == 0:
        return "port 0 is not a port a server listens on"
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "it contains spaces or control characters"
    return None


def normalise_base_url(url: str) -> str:
    """The base URL without a trailing slash or a pasted endpoint path.

    People often paste the full endpoint (".../v1/chat/completions") from a provider's docs;
    Hearth appends that path itself.
    """
    url = url.rstrip("/")
    for suffix in _ENDPOINT_SUFFIXES:
        if url.endswith(suffix):
            url = url[: -len(suffix)].rstrip("/")
            break
    return url


def url_host(url: str) -> str:
    """host[:port] of `url`, as people recognise a server."""
    return urllib.parse.urlsplit(url).netloc.rpartition("@")[2]


def is_loopback_url(url: str) -> bool:
    """Whether `url` points at this machine (a local server: no key needed, no proxy)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host.lower() in _LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
