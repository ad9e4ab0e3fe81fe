"""Extractive summary: TextRank over sentences linked by shared content morphemes.

Similarity is TextRank's: shared content morphemes over the log of both lengths. The random
jump leans towards the lead (news puts the point first). The best N come out in article order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from pipeline.analysis.rank import pagerank
from pipeline.model import Sentence

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "VV", "VA", "XR"})
MIN_CONTENT = 3  # sentences with fewer content morphemes are captions or fragments
MIN_CHARS = 20


def summarise(
    sentences: Sequence[Sentence],
    tokens: Sequence[Sequence[Morph]],
    eligible: frozenset[int],
    n: int,
) -> tuple[int, ...]:
    bags: dict[int, set[tuple[str, str]]] = {}
    seen: set[str] = set()
    for s, toks in zip(sentences, tokens, strict=True):
        if s.index not in eligible or len(s.text) < MIN_CHARS or s.text in seen:
            continue  # a sentence repeated (a caption and the body) is summarised once
        seen.add(s.text)
        bag = {(form, tag[:2]) for form, tag, _, _ in toks if tag in CONTENT_TAGS}
        if len(bag) >= MIN_CONTENT:
            bags[s.index] = bag
    if n <= 0 or not bags:
        return ()
    nodes = list(bags)
    sets = list(bags.values())
    log_size = [math.log(len(bag)) for bag in sets]
    weights = np.zeros((len(sets), len(sets)))
    for x, bag in enumerate(sets):
        for y in range(x + 1, len(sets)):
            shared = len(bag & sets[y])
            if shared:
                weights[x, y] = weights[y, x] = shared / (log_size[x] + log_size[y])
    prior = [1 / math.sqrt(rank + 1) for rank in range(len(nodes))]
    scores = dict(zip(nodes, pagerank(weights, prior), strict=True))
    best = sorted(nodes, key=lambda i: (-scores[i], i))[:n]
    return tuple(sorted(best))
