"""What two articles' whole bodies have in common: TF-IDF over pairs of adjacent letters.

Two presses' articles of one event share much of their wording down the whole body: the
figures, the names, the quoted sentences, the phrases of the press release or wire story
they both rewrite. Two articles of one topic but another event share the topic's words and
little else. Letter n-grams see that overlap without a tokenizer (an ending or a spacing that
differs splits no word), and their IDF keeps the language's common letters from counting.
On the labelled pairs this score told same from other events better than the title and
lead terms (docs/design.md), but only over the whole vector: keeping a body's few hundred
rarest grams lost most of the gain, so every gram is kept. Pairs alone did as well as pairs
and triples together, at half the grams to count and keep.

A gram is stored as its CRC-32, so the vector (`storage.stories.pack_vector`) and the
per-day document frequencies are small and fixed-width; two grams of one CRC are rare
enough to change nothing.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from storage.stories import pack_vector, unpack_vector

GRAM_SIZES = (2,)  # letters per gram


@dataclass(frozen=True, slots=True)
class BodyVector:
    """A unit TF-IDF vector over gram ids (sorted, unique)."""

    grams: npt.NDArray[np.uint32]
    weights: npt.NDArray[np.float32]

    def dot(self, other: BodyVector) -> float:
        _, mine, theirs = np.intersect1d(
            self.grams, other.grams, assume_unique=True, return_indices=True
        )
        return float(np.dot(self.weights[mine], other.weights[theirs]))

    def to_bytes(self) -> bytes:
        return pack_vector(self.grams, self.weights)

    @classmethod
    def from_bytes(cls, data: bytes) -> BodyVector:
        return cls(*unpack_vector(data))


def gram_counts(text: str) -> Counter[int]:
    """How often each gram of `GRAM_SIZES` letters occurs in `text` (by gram id): the grams
    of each word (split on spaces, lower-cased) with a space marking its start and end, so a
    gram at a word's edge differs from the same letters inside one."""
    counts: Counter[int] = Counter()
    for word in text.lower().split():
        padded = f" {word} "
        for size in GRAM_SIZES:
            for i in range(max(len(padded) - size + 1, 1)):
                counts[zlib.crc32(padded[i : i + size].encode())] += 1
    return counts


def weigh(counts: Mapping[int, int], df: Mapping[int, int], n: int) -> BodyVector:
    """The unit vector of gram `counts` (not empty): sublinear TF (a phrase repeated ten
    times is not ten times the evidence) times the IDF of `df` among `n` articles, smoothed
    as the terms' is (`assign._weigh`)."""
    grams = np.array(sorted(counts), dtype=np.uint32)
    tf = np.array([1.0 + math.log(counts[int(g)]) for g in grams])
    idf = np.array([math.log((n + 1) / (df.get(int(g), 0) + 1)) + 1.0 for g in grams])
    vec = tf * idf
    return BodyVector(grams, (vec / np.linalg.norm(vec)).astype(np.float32))
