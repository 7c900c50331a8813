"""Confidence of a generated answer, from its tokens' log-probabilities.

    confidence = exp( mean of the lowest ⌈0.1·n⌉ token log-probabilities )

i.e. the geometric mean probability of the 10% least likely tokens the model produced
(raw model probabilities: before temperature, penalties and grammar). A fluent answer the
model was sure of scores near 1; an answer with a few tokens it was unsure of scores low, as
those are where small models go wrong (names, numbers, the label it hesitated over). Taking a
fixed *share* of tokens, not a fixed count, is the length correction: a long answer has more
low-probability tokens in absolute number without being worse. Answers shorter than 10 tokens
use their single least likely token.

Only the per-token log-probability of the sampled token is needed, read from the last
position's logits as each token is produced: no `logits_all` (n_ctx × n_vocab floats).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

LOW_SHARE = 0.1


def generation_confidence(token_logprobs: Sequence[float]) -> float | None:
    finite = [x for x in token_logprobs if math.isfinite(x)]
    if not finite:
        return None
    k = max(1, math.ceil(LOW_SHARE * len(finite)))
    lowest = sorted(finite)[:k]
    return min(1.0, max(0.0, math.exp(sum(lowest) / k)))
