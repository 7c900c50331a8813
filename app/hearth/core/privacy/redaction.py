"""Redaction before anything leaves the machine, and restoring the answer after.

Personal and secret values are replaced by stable placeholders: the same value gets the same
placeholder everywhere in one request ([EMAIL_1] each time alice@example.com appears), so the
large model can still refer to it, and `restore()` puts the values back into its answer.

What is found, and how each is told from look-alikes:
- e-mail addresses;
- payment card numbers: 13 to 19 digits (spaces or dashes between groups) passing the Luhn
  check; a card-shaped number failing it is left alone;
- IBANs: country code, check digits and 11 to 30 letters or digits, passing the ISO 13616
  mod-97 check;
- phone numbers: an international number (+ and 8 to 15 digits), or a grouped national one
  (7 to 15 digits in groups) that starts with 0 or an area code in brackets, or has the
  North-American 3-3-4 or 3-4 shape; dates are not phone numbers;
- IPv4 and IPv6 addresses (checked by `ipaddress`);
- secrets: API keys and tokens by their known prefixes (sk-, ghp_, github_pat_, AKIA, xox.-,
  AIza, hf_, sk_live_...), JSON Web Tokens, PEM private keys, and long high-entropy strings;
- names from the user's list, as whole words.

Redaction is exact about what it touches: `restore(redact(text)) == text` for every text, also
one that already contains placeholder-like strings (numbering skips them).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SECRET = "SECRET"
    EMAIL = "EMAIL"
    IBAN = "IBAN"
    CARD = "CARD"
    IP = "IP"
    PHONE = "PHONE"
    NAME = "NAME"


# When two findings overlap, the one starting first wins; at the same start the longer; at the
# same span, the earlier kind here.
_PRIORITY = {kind: rank for rank, kind in enumerate(Kind)}

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_KNOWN_SECRETS = re.compile(
    r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z]+ )*PRIVATE KEY-----"
    r"|(?<![\w-])(?:"
    r"sk-(?:proj-|ant-|or-v1-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic, ...
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{22,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|hf_[A-Za-z0-9]{30,}"  # Hugging Face
    r"|gsk_[A-Za-z0-9]{20,}"  # Groq
    r"|(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}"  # Stripe
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JSON Web Tokens
    r")(?![\w-])"
)
# Candidates for "looks random": long runs of token characters.
_TOKEN_RUN = re.compile(r"(?<![\w+/=.-])[A-Za-z0-9+/=_-]{32,}(?![\w+/=-])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
# Digit groups separated by one space, dash, dot or slash, optionally "+" or "(area)" first.
_NUMBER_RUN = re.compile(
    r"(?<![\w+.,/-])(?:\+|\(\d{1,5}\)[ .-]?)?\d+(?:(?:[ .\-/]|\)[ .-]?| ?\(\d{1,5}\) ?)\d+)*"
    r"(?![\w]|[.,]\d)"
)
_DATE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}",
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![\w:])")
# Placeholders as models may write them back: any case, spaces inside the brackets.
_PLACEHOLDER = re.compile(r"\[\s*(" + "|".join(Kind) + r")_(\d+)\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: Kind


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(compact: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _iban_end(candidate: str) -> int | None:
    """Where the valid IBAN at the start of `candidate` ends: the whole, or before a space
    (the pattern also takes in a number that follows it: "DE89 ... 00 5 times")."""
    ends = [len(candidate)] + [i for i in range(len(candidate) - 1, 0, -1) if candidate[i] == " "]
    for end in ends:
        if iban_ok(candidate[:end].replace(" ", "")):
            return end
    return None


def _entropy(text: str) -> float:
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(token: str) -> bool:
    """A long token that is probably a secret: mixed character classes and high entropy.

    Hex of 32+ characters counts too (API keys, session ids); words, paths and numbers do not.
    """
    core = token.strip("=")
    if len(core) < 32:
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", core):
        return (
            any(c.isdigit() for c in core)
            and any(c.isalpha() for c in core)
            and (_entropy(core) >= 3.0)
        )
    classes = sum(
        (
            any(c.islower() for c in core),
            any(c.isupper() for c in core),
            any(c.isdigit() for c in core),
        )
    )
    return classes == 3 and _entropy(core) >= 4.0


def _phone_shaped(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if _DATE.fullmatch(run):
        return False
    if run.startswith("+"):
        return 8 <= len(digits) <= 15
    if not 7 <= len(digits) <= 15:
        return False
    groups = re.findall(r"\d+", run)
    if len(groups) < 2:
        # A plain number is an amount or an id, unless it has a trunk prefix: 0612345678.
        return run.startswith("0") and len(digits) >= 10
    if run.startswith("(") or run.startswith("0"):
        return True
    sizes = [len(g) for g in groups]
    return sizes in ([3, 3, 4], [3, 4])


_CARD_GROUPS = ([4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 4, 4, 1], [4, 6, 5], [4, 6, 4])
# One group of digits in a number run, with the "+", "(" or ")" around it.
_ATOM = re.compile(r"\+?\(?\d+\)?")


def _card_shaped(run: str, digits: str) -> bool:
    """13 to 19 digits written as cards are: in one piece, or in the usual groups."""
    if not 13 <= len(digits) <= 19 or not set(re.sub(r"\d", "", run)) <= {" ", "-"}:
        return False
    sizes = [len(g) for g in re.findall(r"\d+", run)]
    return len(sizes) == 1 or sizes in _CARD_GROUPS


def _classify_number(run: str) -> Kind | None:
    """CARD, PHONE, None (nothing), or SECRET as a marker for "card-shaped but fails Luhn"."""
    digits = re.sub(r"\D", "", run)
    if _card_shaped(run, digits):
        return Kind.CARD if luhn_ok(digits) else Kind.SECRET
    return Kind.PHONE if _phone_shaped(run) else None


def _number_findings(text: str, blockers: list[Finding]) -> Iterator[Finding]:
    """Cards and phone numbers; card-shaped numbers failing Luhn go to `blockers`.

    A run of digit groups may hold more than one number, or a number and a stray digit
    ("call 555-123-4567 2 times"): the longest group sequence that is a card or a phone wins,
    from the left.
    """
    for match in _NUMBER_RUN.finditer(text):
        atoms = [(m.start(), m.end()) for m in _ATOM.finditer(match.group())]
        base = match.start()
        i = 0
        while i < len(atoms):
            for j in range(len(atoms), i, -1):
                start, end = base + atoms[i][0], base + atoms[j - 1][1]
                kind = _classify_number(text[start:end])
                if kind is None:
                    continue
                if kind is Kind.SECRET:
                    # Card-shaped and failing Luhn: left alone, and no part of it is taken for
                    # anything else either.
                    blockers.append(Finding(start, end, Kind.CARD))
                else:
                    yield Finding(start, end, kind)
                i = j
                break
            else:
                i += 1


def _ip_findings(text: str) -> Iterator[Finding]:
    for match in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        yield Finding(match.start(), match.end(), Kind.IP)
    for match in _IPV6.finditer(text):
        candidate = match.group()
        if not any(c not in ":." for c in candidate):
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        yield Finding(match.start(), match.end(), Kind.IP)


def _name_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    parts = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    if not parts:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in parts)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@dataclass
class Redaction:
    """The texts as sent, and how to put the values back into an answer."""

    texts: tuple[str, ...]
    # placeholder -> original value
    values: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.values)

    def counts(self) -> dict[str, int]:
        """How many distinct values of each kind were replaced (for the preview and ledger)."""
        tally: Counter[str] = Counter()
        for placeholder in self.values:
            tally[placeholder[1:].rsplit("_", 1)[0]] += 1
        return dict(tally)

    def restore(self, answer: str) -> str:
        """`answer` with each placeholder replaced by its value, in one pass (a value that
        itself looks like a placeholder is not replaced again). Models sometimes change the
        case or add spaces inside the brackets; those are recognised too."""
        if not self.values:
            return answer
        lookup = {p.upper(): v for p, v in self.values.items()}

        def put_back(match: re.Match[str]) -> str:
            key = f"[{match.group(1).upper()}_{match.group(2)}]"
            return lookup.get(key, match.group())

        return _PLACEHOLDER.sub(put_back, answer)

    def restore_data(self, value: Any) -> Any:
        """Restore inside parsed JSON (an extract answer): every string, keys included.

        Restoring the JSON text instead could break it: a value may hold a quote, a backslash
        or a line break (a PEM key) that a JSON string must escape.
        """
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_data(item) for item in value]
        if isinstance(value, dict):
            return {self.restore(str(k)): self.restore_data(v) for k, v in value.items()}
        return value


class Redactor:
    def __init__(self, names: Sequence[str] = ()) -> None:
        self._names = _name_pattern(names)

    def find(self, text: str) -> list[Finding]:
        """Non-overlapping findings in `text`, in order."""
        found: list[Finding] = []
        for match in _KNOWN_SECRETS.finditer(text):
            found.append(Finding(match.start(), match.end(), Kind.SECRET))
        for match in _TOKEN_RUN.finditer(text):
            if _looks_random(match.group()):
                found.append(Finding(match.start(), match.end(), Kind.SECRET))
        for match in _EMAIL.finditer(text):
            found.append(Finding(match.start(), match.end(), Kind.EMAIL))
        # Look-alikes that failed their check: nothing inside them is a card, phone or IP.
        blockers: list[Finding] = []
        for match in _IBAN.finditer(text):
            end = _iban_end(match.group())
            if end is not None:
                found.append(Finding(match.start(), match.start() + end, Kind.IBAN))
            else:
                blockers.append(Finding(match.start(), match.end(), Kind.IBAN))
        numeric = [*_number_findings(text, blockers), *_ip_findings(text)]
        found.extend(
            f for f in numeric if not any(b.start < f.end and f.start < b.end for b in blockers)
        )
        if self._names is not None:
            for match in self._names.finditer(text):
                found.append(Finding(match.start(), match.end(), Kind.NAME))
        found.sort(key=lambda f: (f.start, -(f.end - f.start), _PRIORITY[f.kind]))
        chosen: list[Finding] = []
        end = -1
        for finding in found:
            if finding.start >= end:
                chosen.append(finding)
                end = finding.end
        return chosen

    def redact(self, texts: Sequence[str]) -> Redaction:
        """Redact several texts (the messages of one request) with one shared numbering."""
        # Placeholder-like strings already in the texts keep their numbers for themselves, so
        # that restoring cannot turn them into a value.
        taken = {
            f"[{m.group(1).upper()}_{m.group(2)}]" for t in texts for m in _PLACEHOLDER.finditer(t)
        }
        by_value: dict[tuple[Kind, str], str] = {}
        values: dict[str, str] = {}
        next_number: Counter[Kind] = Counter()

        def placeholder_for(kind: Kind, value: str) -> str:
            existing = by_value.get((kind, value))
            if existing is not None:
                return existing
            while True:
                next_number[kind] += 1
                candidate = f"[{kind}_{next_number[kind]}]"
                if candidate not in taken:
                    break
            by_value[(kind, value)] = candidate
            values[candidate] = value
            return candidate

        out: list[str] = []
        for text in texts:
            pieces: list[str] = []
            cursor = 0
            for finding in self.find(text):
                pieces.append(text[cursor : finding.start])
                pieces.append(placeholder_for(finding.kind, text[finding.start : finding.end]))
                cursor = finding.end
            pieces.append(text[cursor:])
            out.append("".join(pieces))
        return Redaction(tuple(out), values)

    def redact_text(self, text: str) -> Redaction:
        return self.redact([text])


# What a placeholder can look like before its closing bracket has arrived.
_PLACEHOLDER_PREFIX = re.compile(r"\[\s*[A-Za-z]{0,6}(?:_\d{0,6})?\s*", re.IGNORECASE)


class StreamingRestorer:
    """Restores placeholders in an answer that arrives in pieces, which may split one
    ("[EMA" + "IL_1]"): a piece's tail that could still become a placeholder is held back
    until the next piece shows whether it does."""

    def __init__(self, redaction: Redaction) -> None:
        self._redaction = redaction
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        self._held = ""
        start = text.rfind("[")
        if start != -1 and _PLACEHOLDER_PREFIX.fullmatch(text, start):
            self._held = text[start:]
            text = text[:start]
        return self._redaction.restore(text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return self._redaction.restore(text)
