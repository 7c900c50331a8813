"""Redaction: what is found, what is left alone, and round trips on generated data."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.core.privacy.redaction import (
    Redaction,
    Redactor,
    StreamingRestorer,
    iban_ok,
    luhn_ok,
)

NAMES = ("Ada Lovelace", "Grace", "Zoë Åberg")


def redact(text: str, names: tuple[str, ...] = NAMES) -> Redaction:
    return Redactor(names).redact_text(text)


# --- what is found ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("ada@example.com", "[EMAIL_1]"),
        ("first.last+tag@mail.co.uk", "[EMAIL_1]"),
        ("+44 20 7946 0958", "[PHONE_1]"),
        ("+1 (555) 123-4567", "[PHONE_1]"),
        ("(030) 1234567", "[PHONE_1]"),
        ("555-123-4567", "[PHONE_1]"),
        ("06 12 34 56 78", "[PHONE_1]"),
        ("0612345678", "[PHONE_1]"),
        ("DE89 3704 0044 0532 0130 00", "[IBAN_1]"),
        ("GB82WEST12345698765432", "[IBAN_1]"),
        ("FR1420041010050500013M02606", "[IBAN_1]"),
        ("4111 1111 1111 1111", "[CARD_1]"),
        ("5500-0000-0000-0004", "[CARD_1]"),
        ("378282246310005", "[CARD_1]"),
        ("3782 822463 10005", "[CARD_1]"),
        ("192.168.1.20", "[IP_1]"),
        ("8.8.8.8", "[IP_1]"),
        ("2001:db8::ff00:42:8329", "[IP_1]"),
        ("fe80::1", "[IP_1]"),
        ("sk-proj-Abc123Def456Ghi789Jkl012Mno345", "[SECRET_1]"),
        ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "[SECRET_1]"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[SECRET_1]"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "[SECRET_1]"),
        ("AKIAIOSFODNN7EXAMPLE", "[SECRET_1]"),
        ("xoxb-123456789012-abcdefghijkl", "[SECRET_1]"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "[SECRET_1]"),
        ("hf_abcdefghijklmnopqrstuvwxyzABCDEF1234", "[SECRET_1]"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[SECRET_1]"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU",
            "[SECRET_1]",
        ),
        ("q8Zr2LmX9vT4nB7cK1pW5sY3hJ6dF0gA", "[SECRET_1]"),  # random, no known prefix
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "[SECRET_1]"),  # 40 hex
        ("Ada Lovelace", "[NAME_1]"),
        ("ada  lovelace", "[NAME_1]"),  # any case and spacing
        ("Zoë Åberg", "[NAME_1]"),
    ],
)
def test_each_kind_is_found(value: str, placeholder: str) -> None:
    text = f"Note: {value}, thanks."
    result = redact(text)
    assert result.texts[0] == f"Note: {placeholder}, thanks."
    assert result.values == {placeholder: value}
    assert result.restore(result.texts[0]) == text


def test_a_pem_private_key_is_a_secret() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----"
    result = redact(f"key:\n{key}\nend")
    assert result.texts[0] == "key:\n[SECRET_1]\nend"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # card-shaped, fails Luhn
        "4111-1111-1111-1113",
        "1234567890123456",  # an order number: fails Luhn
        "DE89 3704 0044 0532 0130 01",  # IBAN-shaped, fails mod-97
        "GB82WEST12345698765433",
        "Meet on 2024-01-15 or 15.01.2024 at 10:30:00.",
        "It costs 1,234.56 EUR; 12345678 units; zip 90210; year 2024.",
        "Scores: 10 12 15 18 20 22.",
        "Version 1.2.3 and 3.11.4.5.6 of std::vector<int>.",
        "MAC 00:1A:2B:3C:4D:5E",
        "999.999.999.999 is not an address",
        "Gracefully, Graceland and Adams.",  # names only as whole words
        "internationalization_and_localization_frameworks",  # long but not random
        "/usr/local/lib/python3.11/site-packages/hearth/core/routing",
        "See [1] and [2], and [EMAIL] without a number.",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    result = redact(text)
    assert result.texts[0] == text
    assert result.values == {}


def test_luhn_and_iban_checks() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert luhn_ok("79927398713")
    assert iban_ok("DE89370400440532013000")
    assert not iban_ok("DE89370400440532013001")
    assert not iban_ok("DE8937")


# --- placeholders ---------------------------------------------------------------------------


def test_the_same_value_gets_the_same_placeholder_across_messages() -> None:
    result = Redactor(NAMES).redact(
        ["Grace wrote to grace@x.org.", "Reply to grace@x.org; cc bob@x.org. Grace."]
    )
    assert result.texts == (
        "[NAME_1] wrote to [EMAIL_1].",
        "Reply to [EMAIL_1]; cc [EMAIL_2]. [NAME_1].",
    )
    assert result.counts() == {"NAME": 1, "EMAIL": 2}


def test_placeholder_like_text_in_the_input_is_never_restored_into_a_value() -> None:
    text = "Template: [EMAIL_1] and [email_2]; real: someone@x.org"
    result = redact(text)
    assert "[EMAIL_3]" in result.texts[0]
    assert result.restore(result.texts[0]) == text


def test_restore_accepts_what_models_do_to_placeholders() -> None:
    result = redact("Mail ada@example.com now")
    answer = "I wrote to [ email_1 ] and [EMAIL_1], not [EMAIL_9]."
    assert result.restore(answer) == (
        "I wrote to ada@example.com and ada@example.com, not [EMAIL_9]."
    )


def test_a_value_that_looks_like_a_placeholder_is_not_replaced_twice() -> None:
    result = Redaction(("x",), {"[NAME_1]": "[NAME_2]", "[NAME_2]": "Bob"})
    assert result.restore("[NAME_1] [NAME_2]") == "[NAME_2] Bob"


def test_streaming_restore_handles_placeholders_split_across_pieces() -> None:
    result = redact("ada@example.com and 10.0.0.1")
    restorer = StreamingRestorer(result)
    pieces = ["Dear [EM", "AIL_", "1], your host [", "IP_1", "] is up [1", "]. ["]
    out = "".join(restorer.feed(p) for p in pieces) + restorer.flush()
    assert out == "Dear ada@example.com, your host 10.0.0.1 is up [1]. ["


# --- round trips on generated data ----------------------------------------------------------


def _luhn_complete(prefix: str) -> str:
    for check in "0123456789":
        if luhn_ok(prefix + check):
            return prefix + check
    raise AssertionError("unreachable")


def _iban(country: str, bban: str) -> str:
    for check in range(2, 99):
        candidate = f"{country}{check:02d}{bban}"
        if iban_ok(candidate):
            return candidate
    raise AssertionError("unreachable")


emails = st.builds(
    lambda user, domain, tld: f"{user}@{domain}.{tld}",
    st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
    st.sampled_from(["com", "org", "de", "co.uk", "io"]),
)
cards = st.builds(
    lambda digits: " ".join(re.findall(".{1,4}", _luhn_complete("4" + digits))),
    st.from_regex(r"[0-9]{14}", fullmatch=True),
)
ibans = st.builds(
    _iban, st.sampled_from(["DE", "FR", "NL", "GB"]), st.from_regex(r"[0-9]{18}", fullmatch=True)
)
ips = st.ip_addresses(v=4).map(str) | st.ip_addresses(v=6).map(lambda a: a.compressed).filter(
    lambda a: a != "::"  # the unspecified address is nobody's
)
secrets = st.from_regex(r"sk-[A-Za-z0-9]{32}", fullmatch=True) | st.from_regex(
    r"ghp_[A-Za-z0-9]{36}", fullmatch=True
)
names = st.sampled_from(NAMES)
sensitive = st.one_of(emails, cards, ibans, ips, secrets, names)
filler = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N", "P", "Zs", "S"), exclude_characters="[]"
    ),
    max_size=30,
)


@given(st.lists(st.tuples(filler, sensitive), min_size=1, max_size=6), filler)
def test_round_trip_and_nothing_sensitive_is_left(parts: list[tuple[str, str]], tail: str) -> None:
    # Values between plain words, as they sit in real text.
    text = "".join(f"{before} {value} " for before, value in parts) + tail
    result = redact(text)

    assert result.restore(result.texts[0]) == text
    for _, value in parts:
        assert value not in result.texts[0]


@given(st.lists(st.text(max_size=60), min_size=1, max_size=4))
def test_round_trip_on_any_text(texts: list[str]) -> None:
    result = Redactor(NAMES).redact(texts)
    assert tuple(result.restore(t) for t in result.texts) == tuple(texts)


@given(st.lists(st.tuples(filler, sensitive), min_size=1, max_size=4), st.integers(1, 7))
def test_streamed_restore_equals_whole_restore(parts: list[tuple[str, str]], size: int) -> None:
    text = "".join(f"{before} {value} " for before, value in parts)
    result = redact(text)
    redacted = result.texts[0]
    restorer = StreamingRestorer(result)
    pieces = [redacted[i : i + size] for i in range(0, len(redacted), size)]
    assert "".join(restorer.feed(p) for p in pieces) + restorer.flush() == text


def test_structured_answers_are_restored_after_parsing() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----"
    result = redact(f'Contact "Ada Lovelace" <ada@example.com>; key {pem}')
    answer = {
        "name": "[NAME_1]",
        "emails": ["[EMAIL_1]"],
        "[SECRET_1]": {"n": 1, "ok": True, "key": "[SECRET_1]"},
    }
    assert result.restore_data(answer) == {
        "name": "Ada Lovelace",
        "emails": ["ada@example.com"],
        pem: {"n": 1, "ok": True, "key": pem},
    }
