"""Echo and chatter: the start of an answer that is not the answer.

Small models often begin by repeating what they were told ("Rewrite the text to be as short
and concise:"), by repeating a label of the prompt ("Text to summarize:", "Summary:"), or with
a preamble ("Sure! Here is the summary:"). `strip_echo` removes such openings, one after the
other (at most a few), and says what it removed, so the answer is clean and the flag can
lower its confidence. A closing Markdown fence around the whole answer goes too (not counted as
echo: the words are the model's answer).

An opening is kept when the source text itself begins with it: proofreading a text whose first
line is "Summary:" must keep that line.

Instruction echo is judged on the opening's words (case-folded, punctuation dropped): the
first clause up to a colon, the first line, or the first sentence, of 3 to 40 words, at
least `ECHO_SHARE` of which appear in one instruction in the same order.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hearth.core.quality.facts import normalise_text

ECHO_SHARE = 0.6
MAX_OPENINGS = 3
_MIN_WORDS, _MAX_WORDS = 3, 40

PREAMBLE = re.compile(
    r"\A\s*(?:here(?:['’]s| is| are)|sure|certainly|of course|okay|ok)\b[^\n]{0,100}:[ \t]*\n+",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"\A\s*(?:\*\*|#{1,6}\s*)?(?:the\s+|your\s+)?"
    r"(?:text to (?:summari[sz]e|rewrite|proofread|classify)|(?:input|original|source) text|text"
    r"|(?:short |brief )?summary|key points|rewritten (?:text|version)|(?:corrected|proofread"
    r"|revised|edited) (?:text|version)|answer|output|result|response)"
    r"\s*(?:\*\*)?\s*:\s*(?:\*\*)?[ \t]*\n*",
    re.IGNORECASE,
)
_FENCE = re.compile(r"\A\s*```[\w+#.-]*[ \t]*\n(?P<body>.*)\n```\s*\Z", re.DOTALL)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?](?:\s|\Z)")


@dataclass(frozen=True)
class Echo:
    text: str  # the answer without its echo and chatter
    removed: str | None  # what was removed from its start, as written; None if nothing


def strip_echo(answer: str, *, source: str = "", instructions: Sequence[str] = ()) -> Echo:
    text = answer
    removed: list[str] = []
    for _ in range(MAX_OPENINGS):
        opening = _opening(text, instructions)
        if opening is None or not text[opening:].strip():
            break  # nothing found, or nothing would be left: keep the answer as it is
        cut = text[:opening].strip()
        if cut and _source_begins_with(source, cut):
            break
        removed.append(cut)
        text = text[opening:]
    fenced = _FENCE.match(text)
    # Only one fence around the whole answer: not an answer that starts and ends with code.
    if fenced and "```" not in fenced.group("body"):
        text = fenced.group("body")
    text, closing = _without_closing_commentary(text, source)
    removed.extend(closing)
    return Echo(text.strip(), " ".join(removed) if removed else None)


# A closing paragraph about the answer rather than part of it: "The original text was edited
# for grammar…", "I corrected three spelling mistakes.", "Note: the tone is now friendlier."
_COMMENTARY = re.compile(
    r"\A(?:\(?\s*)?(?:note\b|i(?:['’]ve| have)? (?:corrected|changed|fixed|made|rewritten|revised"
    r"|edited|kept|removed|added)|(?:the|this|these|my) (?:original |rewritten |corrected |revised "
    r"|edited |proofread |above |new )?(?:text|version|sentence|rewrite|changes?|edits?|summary)"
    r" (?:was|is|has|have|were|are|keeps?|now|uses?|focuses|provides))",
    re.IGNORECASE,
)


def _without_closing_commentary(text: str, source: str) -> tuple[str, list[str]]:
    """`text` without up to two closing paragraphs that comment on the answer, and them."""
    removed: list[str] = []
    for _ in range(2):
        parts = re.split(r"\n\s*\n", text.strip())
        if len(parts) < 2:
            break
        last = parts[-1].strip()
        if not _COMMENTARY.match(last) or normalise_text(last) in normalise_text(source):
            break
        removed.append(last)
        text = "\n\n".join(parts[:-1])
    return text, removed


def echoed_instruction(answer: str, instructions: Sequence[str]) -> int | None:
    """Where an opening that repeats one of `instructions` ends, or None."""
    stripped = answer.lstrip()
    lead = len(answer) - len(stripped)
    first_line = stripped.split("\n", 1)[0]
    ends = []
    colon = first_line.find(":")
    if colon > 0:
        ends.append(colon + 1)
    ends.append(len(first_line))
    sentence = _SENTENCE_END.search(first_line)
    if sentence is not None:
        ends.append(sentence.start() + 1)
    for end in sorted(set(ends)):
        words = _words(stripped[:end])
        if _MIN_WORDS <= len(words) <= _MAX_WORDS and any(
            _share_in_order(words, _words(instruction)) >= ECHO_SHARE
            for instruction in instructions
        ):
            return lead + end
    return None


def _opening(text: str, instructions: Sequence[str]) -> int | None:
    for pattern in (PREAMBLE, _LABEL):
        match = pattern.match(text)
        if match is not None:
            return match.end()
    return echoed_instruction(text, instructions)


def _share_in_order(words: list[str], instruction: list[str]) -> float:
    matcher = difflib.SequenceMatcher(a=words, b=instruction, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(words) if words else 0.0


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise_text(text))


def _source_begins_with(source: str, opening: str) -> bool:
    words = _words(opening)
    return bool(words) and _words(source)[: len(words)] == words
