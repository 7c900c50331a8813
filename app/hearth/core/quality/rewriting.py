"""Did a proofread correct the text, or rewrite it?

A correction changes a few words; an answer to the e-mail, a paraphrase or a summary changes
most of them. The share is counted on words (case-folded, punctuation dropped, so fixing
capitals and commas is cheap): the larger of the original's words not kept and the revision's
words not taken from the original, over the original's word count.
"""

from __future__ import annotations

import difflib
import re

from hearth.core.quality.facts import normalise_text

# Spelling and grammar fixes touch well under a fifth of the words of ordinary text; a
# paraphrase or an answer instead of a correction changes most of them.
REWROTE_SHARE = 0.35

_WORD = re.compile(r"\w+")


def changed_share(original: str, revised: str) -> float:
    before = _WORD.findall(normalise_text(original))
    after = _WORD.findall(normalise_text(revised))
    if not before:
        return 0.0 if not after else 1.0
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return min(1.0, max(len(before) - kept, len(after) - kept) / len(before))


def rewrote(original: str, revised: str, threshold: float = REWROTE_SHARE) -> bool:
    return changed_share(original, revised) > threshold
