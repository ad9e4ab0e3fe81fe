"""Agreement between an extracted body and a hand-checked one (shared by tests and bench)."""

from __future__ import annotations

import unicodedata
from collections import Counter


def tokens(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).split()


def token_f1(candidate: str, reference: str) -> float:
    """Bag-of-words F1 over whitespace tokens; 0.0 when nothing overlaps."""
    cand, ref = Counter(tokens(candidate)), Counter(tokens(reference))
    overlap = sum((cand & ref).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(cand.values())
    recall = overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)
