"""Extractive summary: the sentences a reader would mark first.

1. **Candidates** are the story's own sentences: body sentences that are not furniture
   (bylines, credits, captions, contact lines: `scrapers.boilerplate`), not the headline
   repeated, and long enough to say something. Those that end as a sentence does (a final
   ending, `EF`) come first; fragments (`… 예정.`, list items) only fill a summary that
   would otherwise be short.
2. **Score.** A weighted sum of a few signals a news summary lives on, each in [0, 1] or
   close: position (paragraphs before it: news puts its point in the first paragraphs,
   but not always in the first sentence), centrality (TextRank over shared content
   morphemes), overlap with the headline and deck, coverage of the article's keywords,
   figures, and whether the sentence is wholly a quotation (someone's words, with the
   speaker in another sentence). The weights are a conditional logit's, fitted on
   human-chosen summary sentences.
3. **Order.** Best first; a sentence that mostly repeats one already taken goes to the
   back. The first N of that order, in article order, are the summary; the whole order is
   kept so a longer summary needs no new analysis.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from pipeline.analysis.rank import pagerank
from pipeline.model import Keyword, Sentence
from scrapers.boilerplate import is_furniture

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "VV", "VA", "XR"})
MIN_CONTENT = 3  # fewer content morphemes: a fragment, not a statement
MIN_CHARS = 20
HEADLINE_REPEAT = 0.8  # share of a sentence's content words found in the headline
REDUNDANT = 0.8  # share of the shorter sentence's content words found in a chosen one
FIGURES_CAP = 3  # more figures than this add nothing
LEAD_DECAY = 3.0  # paragraphs over which the position signal falls by a factor e
WHOLE_QUOTE = 0.9  # share of a sentence inside quotation marks: someone's words, unattributed
QUOTATION = re.compile(r"“[^”]*”|\"[^\"]*\"")  # a direct quotation, marks included

# The signals, in the order of WEIGHTS.
SIGNALS = ("lead", "centrality", "headline", "keywords", "figures", "quoted")
# Fitted by bench/train_summary.py: a conditional logit (which sentences of this article a
# person chose) on the 600 articles of ../shared/eval/summaries-dev.jsonl; its 5-fold
# held-out figures are in bench/README.md. Re-run it after changing a signal.
LEAD_WEIGHT = 1.64
CENTRALITY_WEIGHT = 0.42
KEYWORDS_WEIGHT = 0.54
FIGURES_WEIGHT = 0.14
QUOTED_WEIGHT = -0.58
# Not fitted: the dev set's articles have no headline. A headline is the editor's own
# summary of the story, so it weighs as much as the lead; the study notes, the one gold set
# with headlines, are the check (bench/bench_summary.py).
HEADLINE_WEIGHT = LEAD_WEIGHT
WEIGHTS = (
    LEAD_WEIGHT,
    CENTRALITY_WEIGHT,
    HEADLINE_WEIGHT,
    KEYWORDS_WEIGHT,
    FIGURES_WEIGHT,
    QUOTED_WEIGHT,
)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The summary candidates of one article and their signals (one row each)."""

    indices: tuple[int, ...]  # sentence indices, in article order
    complete: tuple[bool, ...]  # ends as a sentence
    bags: tuple[frozenset[tuple[str, str]], ...]  # content morphemes
    signals: npt.NDArray[np.float64]  # len(indices) x len(SIGNALS)


def rank_sentences(
    sentences: Sequence[Sentence],
    tokens: Sequence[Sequence[Morph]],
    body: frozenset[int],
    *,
    headline_tokens: Sequence[Sequence[Morph]] = (),
    keywords: Sequence[Keyword] = (),
) -> tuple[int, ...]:
    """Every summary candidate, best first (complete sentences before fragments)."""
    return order(candidates(sentences, tokens, body, headline_tokens, keywords))


def order(found: Candidates, weights: Sequence[float] = WEIGHTS) -> tuple[int, ...]:
    """The candidates' sentence indices best first, a near-repeat of a taken one at the back."""
    if not found.indices:
        return ()
    scores = found.signals @ np.array(weights)
    ranked = sorted(range(len(found.indices)), key=lambda c: (not found.complete[c], -scores[c], c))
    taken: list[int] = []
    repeats: list[int] = []
    for c in ranked:
        bag = found.bags[c]
        if any(_overlap(bag, found.bags[k]) >= REDUNDANT for k in taken):
            repeats.append(c)
        else:
            taken.append(c)
    return tuple(found.indices[c] for c in taken + repeats)


def candidates(
    sentences: Sequence[Sentence],
    tokens: Sequence[Sequence[Morph]],
    body: frozenset[int],
    headline_tokens: Sequence[Sequence[Morph]] = (),
    keywords: Sequence[Keyword] = (),
) -> Candidates:
    """The article's summary candidates with their signals."""
    headline = frozenset(_bag(t) for toks in headline_tokens for t in _content(toks))
    indices: list[int] = []
    complete: list[bool] = []
    bags: list[frozenset[tuple[str, str]]] = []
    seen: set[str] = set()
    for s, toks in zip(sentences, tokens, strict=True):
        if s.index not in body or len(s.text) < MIN_CHARS or s.text in seen:
            continue  # a sentence repeated (a caption and the body) is summarised once
        seen.add(s.text)
        bag = frozenset(_bag(t) for t in _content(toks))
        if len(bag) < MIN_CONTENT or is_furniture(s.text):
            continue
        if headline and len(bag & headline) >= HEADLINE_REPEAT * len(bag):
            continue
        indices.append(s.index)
        complete.append(_ends_as_sentence(toks))
        bags.append(bag)
    by_index = {s.index: s for s in sentences}
    signals = _signals([by_index[i] for i in indices], bags, complete, headline, keywords)
    return Candidates(tuple(indices), tuple(complete), tuple(bags), signals)


def _signals(
    sentences: Sequence[Sentence],
    bags: Sequence[frozenset[tuple[str, str]]],
    complete: Sequence[bool],
    headline: frozenset[tuple[str, str]],
    keywords: Sequence[Keyword],
) -> npt.NDArray[np.float64]:
    n = len(sentences)
    out = np.zeros((n, len(SIGNALS)))
    if n == 0:
        return out
    centrality = _centrality(bags)
    keyword_total = sum(k.score for k in keywords) or 1.0
    # Position counts paragraphs holding complete sentences: the lede is a paragraph, and
    # fragments (a deck, a list item) do not push it back.
    lead_blocks: list[int] = []
    for row, (s, bag) in enumerate(zip(sentences, bags, strict=True)):
        out[row] = (
            _lead(sum(b != s.block_index for b in lead_blocks)),
            centrality[row] * n,
            len(bag & headline) / math.sqrt(len(bag) * len(headline)) if headline else 0.0,
            sum(k.score for k in keywords if _mentions(s.text, k.term)) / keyword_total,
            min(len(s.figures), FIGURES_CAP) / FIGURES_CAP,
            float(_quoted_share(s.text) >= WHOLE_QUOTE),
        )
        if complete[row] and s.block_index not in lead_blocks:
            lead_blocks.append(s.block_index)
    return out


def _lead(paragraphs_before: int) -> float:
    """News states its point early: the weight falls by e every LEAD_DECAY paragraphs."""
    return math.exp(-paragraphs_before / LEAD_DECAY)


def _centrality(bags: Sequence[frozenset[tuple[str, str]]]) -> list[float]:
    """TextRank: sentences linked by shared content morphemes over the log of both sizes."""
    n = len(bags)
    log_size = [math.log(len(bag)) for bag in bags]
    weights = np.zeros((n, n))
    for x in range(n):
        for y in range(x + 1, n):
            shared = len(bags[x] & bags[y])
            if shared:
                weights[x, y] = weights[y, x] = shared / (log_size[x] + log_size[y])
    return pagerank(weights)


def _content(toks: Sequence[Morph]) -> list[Morph]:
    return [t for t in toks if t[1] in CONTENT_TAGS]


def _bag(token: Morph) -> tuple[str, str]:
    return token[0], token[1][:2]


def _ends_as_sentence(toks: Sequence[Morph]) -> bool:
    """Does the last token before closing punctuation carry a final ending (EF)?"""
    for _, tag, _, _ in reversed(toks):
        if tag.startswith("S") and tag not in ("SL", "SH", "SN"):
            continue  # . ” ) and the like
        return tag == "EF"
    return False


def _quoted_share(text: str) -> float:
    return sum(len(q) for q in QUOTATION.findall(text)) / len(text)


def _mentions(text: str, term: str) -> bool:
    return all(unit in text for unit in term.split())


def _overlap(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> float:
    return len(a & b) / min(len(a), len(b))
