"""Remove the chatter small models wrap around an answer when told not to."""

from __future__ import annotations

import re

_PREAMBLE = re.compile(
    r"\A\s*(?:here(?:['’]s| is| are)|sure|certainly|of course|okay|ok)\b[^\n]{0,100}:[ \t]*\n+",
    re.IGNORECASE,
)
_FENCE = re.compile(r"\A\s*```[\w+#.-]*[ \t]*\n(?P<body>.*)\n```\s*\Z", re.DOTALL)


def strip_chatter(text: str) -> str:
    text = _PREAMBLE.sub("", text, count=1)
    fenced = _FENCE.match(text)
    # Only one fence around the whole answer: not an answer that starts and ends with code.
    if fenced and "```" not in fenced.group("body"):
        text = fenced.group("body")
    return text.strip()
