"""The terms an article is matched on: nouns of its title and lead, keywords, figures.

An event is named by what its articles have in common: the proper nouns (companies, people,
places), the specific common nouns (기준금리, 영업이익), and the figures (3.0%, 6조5000억원)
of the headline and the first sentences, where a news article states its main news. The
body further down drifts into background that many stories share, so it is left out, and
the stored keywords (analysis' TF-IDF pick over the whole article) stand in for it.

Weights: a title term counts more than a lead term, a proper noun more than a common noun;
adjacent nouns also count as one compound term (기준 + 금리 -> 기준금리), since Kiwi splits
compounds that are more specific than either part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.stories import StoryDoc

Terms = dict[str, float]

NOUNS = frozenset({"NNG", "NNP", "SL", "SH"})
TITLE_WEIGHT = 2.0  # the headline names the event
LEAD_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
PROPER_BONUS = 1.5  # names are what tell two events of one topic apart
FIGURE_WEIGHT = 1.5
REPEAT_BONUS = 0.25  # each further mention; capped so one repeated word cannot dominate
MAX_WEIGHT = 4.0
# Dates and durations (올해, 3년) are shared by unrelated stories; amounts and rates are not.
FIGURE_KINDS = frozenset({"money", "percent", "percent_point", "count", "ratio"})


def doc_terms(docs: Sequence[StoryDoc]) -> list[Terms]:
    """The weighted terms of each doc (one batched Kiwi call for all of them)."""
    from pipeline.analysis.kiwi import tokenize_many

    texts: list[str] = []
    for doc in docs:
        texts.append(" ".join((doc.title, *doc.subheadings)))
        texts.append(" ".join(doc.lead))
    tokens = tokenize_many(texts)
    out: list[Terms] = []
    for i, doc in enumerate(docs):
        terms: Terms = {}
        for part, weight in ((tokens[2 * i], TITLE_WEIGHT), (tokens[2 * i + 1], LEAD_WEIGHT)):
            for term, bonus in _nouns([(t.form, t.tag, t.start, t.end) for t in part]):
                _add(terms, term, weight * bonus)
        for term in doc.keywords:
            _add(terms, term.replace(" ", ""), KEYWORD_WEIGHT)
        for kind, value, unit in doc.figures:
            if kind in FIGURE_KINDS:
                _add(terms, f"#{kind}:{value}{unit or ''}", FIGURE_WEIGHT)
        out.append(terms)
    return out


def _nouns(tokens: Sequence[tuple[str, str, int, int]]) -> list[tuple[str, float]]:
    """(term, bonus) for each noun worth matching on, and each pair of adjacent nouns."""
    found: list[tuple[str, float]] = []
    prev: tuple[str, str, int, int] | None = None
    for tok in tokens:
        form, tag, start, _end = tok
        if tag not in NOUNS:
            prev = None
            continue
        proper = tag in ("NNP", "SL", "SH")
        # One-syllable common nouns (안, 등, 수) say nothing about an event.
        if proper or len(form) >= 2:
            found.append((form.lower(), PROPER_BONUS if proper else 1.0))
        if prev is not None and prev[3] == start:  # written as one word: a compound
            found.append(((prev[0] + form).lower(), PROPER_BONUS))
        prev = tok
    return found


def _add(terms: Terms, term: str, weight: float) -> None:
    if not term:
        return
    have = terms.get(term)
    if have is None:
        terms[term] = weight
    else:
        terms[term] = min(MAX_WEIGHT, max(have, weight) + REPEAT_BONUS)
