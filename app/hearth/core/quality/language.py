"""Which language a text is in, roughly, from its most common short words: enough to tell
whether an answer kept the language of its text (English, German, French, Spanish, Italian,
Dutch, Portuguese). Unknown (None) when too few such words occur to say."""

from __future__ import annotations

import re

_WORDS = {
    "en": "the and is are was to of in that it for you with this have not be on we at my",
    "de": "der die das und ist nicht ich sie es zu mit den ein eine auf für von wir sich dem",
    "fr": "le la les et est des une un que pour pas vous dans du nous il je ce sur avec",
    "es": "el la los las y es que en una un por para con no se del al lo su como",
    "it": "il la che di e è per una un non sono con del della le gli si ho ci",
    "nl": "de het een en is van dat niet ik je op te zijn voor met wij ze er",
    "pt": "o a os as e é que de do da em um uma para com não se por no na",
}
_SETS = {language: set(words.split()) for language, words in _WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+")
MIN_HITS = 3


def detect_language(text: str) -> str | None:
    tokens = [t.casefold() for t in _TOKEN.findall(text)]
    scores = {language: sum(t in words for t in tokens) for language, words in _SETS.items()}
    best = max(scores, key=scores.__getitem__)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < MIN_HITS or ranked[0] == ranked[1]:
        return None
    return best


def same_language(source: str, answer: str) -> bool | None:
    """Whether `answer` is in the language of `source`; None when either cannot be told."""
    a, b = detect_language(source), detect_language(answer)
    if a is None or b is None:
        return None
    return a == b
