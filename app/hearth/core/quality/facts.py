"""Facts a string states that can be checked without understanding it: URLs, e-mail addresses,
phone numbers, dates, times, amounts and plain numbers; and which of an answer's facts its
source does not state.

Each fact is found as written and given keys, its normalised forms. An answer's fact is
*added* when it does not occur in the source as written (ignoring case and spacing) and none
of its keys is among the source's keys:

- URL: lower case, without the scheme, "www." and a trailing slash.
- e-mail address: lower case.
- phone number: its digits; two numbers are the same when the digits of one end the digits of
  the other and the shorter has at least 7 (415-555-0134 = +1 415 555 0134 = (415) 555-0134).
- date: (year, month, day), English month names; a date without a year or day matches any;
  03/04/2025 is read both as 3 April and as 4 March; an answer's year the source lacks is added.
- time: minutes since midnight (3 pm = 15:00); a time without am/pm is read both ways.
- amount and number: the value (1,200 = 1200; 3.50 = 3.5; 12% = 12); a currency sign or code
  is shown as written but not compared, so "$40" is grounded by "40 dollars" or "EUR 40".
  The source's number words ("two", "a dozen") and every number inside its dates, phones and
  times also count, so "in 2024" is grounded by "12 March 2024".

Leading list numbers ("1. ", "2) ") are structure, not facts; so are a summary's citations of
its document, "(page 3)", "(pages 3-4)", "(section: Budget 2025)", and the note that replaces
one the document does not support ("(source not found on page 3; citation dropped)"): a page
number is not a number the answer made up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MIN_PHONE_DIGITS = 7

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}'\""  # sentence punctuation after a URL is not part of it
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATES = [
    re.compile(rf"\b{_YEAR}-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE),
]
_PHONE = re.compile(
    r"(?<![\w+.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,4}(?![\w])"
    r"|(?<![\w+.,])\+?\d{7,15}(?![\w])"
)
_CURRENCY = r"(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK)\b)"
_NUMBER_TEXT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"{_CURRENCY}\s?(?P<n1>{_NUMBER_TEXT})"
    rf"|(?P<n2>{_NUMBER_TEXT})\s?(?:{_CURRENCY}|(?:dollars?|euros?|pounds?|cents?)\b)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[ap]\.m\.|[ap]m)(?!\w)"
    r"|\b(?P<hour24>\d{1,2}):(?P<minute24>\d{2})\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER_TEXT})(?:st|nd|rd|th)?(?![\w])%?")
_LIST_NUMBER = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]", re.MULTILINE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_WORDS = re.compile(r"[^\W\d_]+")

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {word: value for value, word in enumerate(_UNITS.split(" "))} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "dozen": 12,
    "first": 1,
    "second": 2,
    "third": 3,
    "half": 50,  # "half" as a share; "50%" is how a rewrite may put it
    "once": 1,
    "twice": 2,
    "single": 1,
    "double": 2,
}


@dataclass(frozen=True)
class Fact:
    kind: str  # "url" | "email" | "date" | "phone" | "amount" | "time" | "number"
    text: str  # as written
    keys: frozenset[tuple[object, ...]]


def normalise_text(text: str) -> str:
    """Case- and spacing-insensitive form (NFKC, case-folded, runs of space made one)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def find_facts(text: str) -> list[Fact]:
    """The checkable facts of `text`, in order of kind (each span belongs to one fact)."""
    text = unicodedata.normalize("NFKC", text)
    masked = _LIST_NUMBER.sub(lambda m: " " * len(m.group()), text)
    found: list[Fact] = []
    for kind, pattern, keys_of in _KINDS:
        for match in pattern.finditer(masked):
            keys = keys_of(match)
            if keys:
                written = match.group().strip()
                if kind == "url":
                    written = written.rstrip(_URL_TAIL)
                found.append(Fact(kind, written, frozenset(keys)))
                masked = masked[: match.start()] + " " * len(match.group()) + masked[match.end() :]
    return found


# A citation as tasks/summarize.py asks for it and tasks/citations.py checks it, anywhere in a
# line, and the note that replaces a dropped one.
_CITATION = re.compile(
    r"\((?:source not found on )?(?:pages? [0-9]+(?:\s*[-–,]\s*[0-9]+)*|section: [^()\n]+)"
    r"(?:; citation dropped)?\)",
    re.IGNORECASE,
)


def without_citations(text: str) -> str:
    return _CITATION.sub(" ", text)


def added_facts(source_text: str, output: str) -> list[str]:
    """The facts of `output`, as written, that `source_text` does not state (module docstring)."""
    known = source_keys(source_text)
    phones = {key[1] for key in known if key[0] == "phone"}
    source_plain = normalise_text(source_text)
    added: list[str] = []
    for fact in find_facts(without_citations(output)):
        if normalise_text(fact.text) in source_plain or fact.keys & known:
            continue
        if fact.kind == "phone" and any(_same_phone(key[1], phones) for key in fact.keys):
            continue
        if fact.text not in added:
            added.append(fact.text)
    return added


def source_keys(text: str) -> set[tuple[object, ...]]:
    """Every key a fact of `text` may have, with the generalisations an answer may match."""
    keys: set[tuple[object, ...]] = set()
    for fact in find_facts(text):
        keys |= fact.keys
        if fact.kind == "date":
            keys |= {_generalised for key in fact.keys for _generalised in _generalise(key)}
    # Every number inside a date, a phone or a time counts on its own too ("in 2024").
    for match in _DIGITS.finditer(unicodedata.normalize("NFKC", text)):
        keys |= {("number", value) for value in _values(match.group())}
        digits = re.sub(r"\D", "", match.group())
        keys |= {("number", value) for value in _values(digits)}
    for word in _WORDS.findall(text.casefold()):
        if word in _NUMBER_WORDS:
            keys.add(("number", decimal_key(Decimal(_NUMBER_WORDS[word]))))
    return keys


def _generalise(key: tuple[object, ...]) -> Iterator[tuple[object, ...]]:
    _, year, month, day = key
    yield ("date", None, month, day)
    yield ("date", year, month, None)
    yield ("date", None, month, None)


def _same_phone(digits: object, known: set[object]) -> bool:
    if not isinstance(digits, str):
        return False
    for other in known:
        if not isinstance(other, str) or min(len(digits), len(other)) < MIN_PHONE_DIGITS:
            continue
        if digits.endswith(other) or other.endswith(digits):
            return True
    return False


def _url_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    url = match.group().rstrip(_URL_TAIL).casefold()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return {("url", url.rstrip("/"))}


def _email_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    return {("email", match.group().strip(".").casefold())}


def _date_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    groups = match.groupdict()
    year = _year(groups.get("year"))
    if groups.get("a") is not None:
        a, b = int(groups["a"]), int(groups["b"])
        readings = {(b, a), (a, b)}  # day/month and month/day
        return {("date", year, m, d) for m, d in readings if _valid(m, d)}
    month_text = groups["month"]
    month = _MONTHS.get(month_text.casefold().rstrip(".")) if not month_text.isdigit() else None
    if month is None and month_text.isdigit():
        month = int(month_text)
    day = int(groups["day"]) if groups.get("day") else None
    if month is None or not _valid(month, day or 1):
        return set()
    return {("date", year, month, day)}


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return value + 2000 if len(text) == 2 else value


def _valid(month: int, day: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= 31)


def _phone_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) < MIN_PHONE_DIGITS:
        return set()
    return {("phone", digits)}


def _amount_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    number = match.group("n1") or match.group("n2")
    return {("number", value) for value in _values(number)}


def _time_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    groups = match.groupdict()
    if groups.get("hour24") is not None:
        hour, minute = int(groups["hour24"]), int(groups["minute24"])
        if hour > 23 or minute > 59:
            return set()
        readings = {hour * 60 + minute}
        if hour < 12:
            readings.add((hour + 12) * 60 + minute)  # no am/pm: either half of the day
        return {("time", value) for value in readings}
    hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return set()
    hour %= 12
    if groups["half"].casefold().startswith("p"):
        hour += 12
    return {("time", hour * 60 + minute)}


def _number_keys(match: re.Match[str]) -> set[tuple[object, ...]]:
    return {("number", value) for value in _values(match.group("n"))}


def _values(text: str) -> set[str]:
    """Every value the written number may mean: "1,200" is 1200 or (in much of Europe) 1.2."""
    readings = set()
    if text.isdigit():
        readings.add(text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        readings.add(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        readings.add(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+[.,]\d+", text):
        readings.add(text.replace(",", "."))
    values = set()
    for reading in readings:
        try:
            values.add(decimal_key(Decimal(reading)))
        except InvalidOperation:
            continue
    return values


def decimal_key(value: Decimal) -> str:
    normal = value.normalize()
    # normalize() writes 1200 as 1.2E+3; quantizing to an integer keeps "1200".
    if normal == normal.to_integral_value():
        return str(normal.quantize(Decimal(1)))
    return str(normal)


_KINDS = (
    ("url", _URL, _url_keys),
    ("email", _EMAIL, _email_keys),
    *(("date", pattern, _date_keys) for pattern in _DATES),
    ("phone", _PHONE, _phone_keys),
    ("amount", _AMOUNT, _amount_keys),
    ("time", _TIME, _time_keys),
    ("number", _NUMBER, _number_keys),
)
