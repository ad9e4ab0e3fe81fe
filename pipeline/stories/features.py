"""The terms an article is matched on: nouns of its title and lead, keywords, figures.

An event is named by what its articles have in common: the proper nouns (companies, people,
places), the specific common nouns (기준금리, 영업이익), and the figures (3.0%, 6조5000억원)
of the headline and the first sentences, where a news article states its main news. The
body further down drifts into background that many stories share, so it is left out, and
the stored keywords (analysis' TF-IDF pick over the whole article) stand in for it.

Weights: a title term counts more than a lead term, a proper noun more than a common noun;
adjacent nouns also count as one compound term (기준 + 금리 -> 기준금리), since Kiwi splits
compounds that are more specific than either part. The headline's character pairs count
too: two presses name one thing differently (한화에어로 / 한화에어로스페이스, 2600선 /
2,600선) and Kiwi splits such names differently, but their headlines still share most of
their syllable pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.analysis import Draft
    from pipeline.model import Analysis
    from storage.stories import StoryDoc

Terms = dict[str, float]
Morph = tuple[str, str, int, int]  # (form, tag, start, end), as analysis keeps tokens

NOUNS = frozenset({"NNG", "NNP", "SL", "SH"})
TITLE_WEIGHT = 2.0  # the headline names the event
LEAD_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
PROPER_BONUS = 1.5  # names are what tell two events of one topic apart
FIGURE_WEIGHT = 1.5
# A figure of three significant digits or more (20.58%, 49만8000원, 2,480대) is a measured
# fact that two articles share when they report the same one; a round one (10%, 1조원)
# is shared by many unrelated stories.
PRECISE_FIGURE_WEIGHT = 3.0
PRECISE_DIGITS = 3
TITLE_GRAM_WEIGHT = 1.0  # each pair of adjacent letters of a headline line
GRAM_PREFIX = "~"  # keeps a pair apart from a noun of the same two syllables
_WORDS = re.compile(r"[0-9A-Za-z가-힣]+")
# A bracketed part of a headline ([굿모닝 증시], [fn마켓워치]) names the column, not the event:
# its letters would tie together the column's issues on unrelated events.
_COLUMN_TAGS = re.compile(r"\[[^\]]*\]|【[^】]*】|<[^>]*>")
# A headline may name whose note or statement it reports: "…목표가↑ -KB" (the source after a
# dash at the end) or 'NH證 "두산에너빌리티, …"' (a speaker before a quoted statement).
_SOURCE_AFTER = re.compile(r"[-–]\s*([0-9A-Za-z가-힣]{1,8}證?)\s*$")
_SOURCE_BEFORE = re.compile(
    r"^\s*([0-9A-Za-z가-힣·&證]{1,12}(?:\s+[가-힣]{1,6})?)\s*[\"“][^\"”]{8,}"
)
# Column tags and notes in parentheses ((종합), (1보)) at a headline's end come after its source.
_TRAILING_TAGS = re.compile(rf"(\s*(?:{_COLUMN_TAGS.pattern}|\([^)]*\)))+\s*$")
_NOT_SOURCES = frozenset({"종합", "속보", "상보", "단독", "1보", "2보"})  # "-종합": a version tag
# One firm is written 메리츠증권, 메리츠證 or 메리츠: compare what is left without these endings.
_FIRM_ENDINGS = re.compile(r"(투자증권|투자證|증권|證|자산운용|운용|리서치센터|리서치)$")
REPEAT_BONUS = 0.25  # each further mention; capped so one repeated word cannot dominate
MAX_WEIGHT = 4.0
# Dates and durations (올해, 3년) are shared by unrelated stories; amounts and rates are not.
FIGURE_KINDS = frozenset({"money", "percent", "percent_point", "count", "ratio"})
LEAD = 3  # sentences of the lead
KEYWORDS = 10  # best keywords


def terms_of(
    headlines: Iterable[Sequence[Morph]],
    lead: Iterable[Sequence[Morph]],
    keywords: Iterable[str],
    figures: Iterable[tuple[str, str, str | None]],
    headline_texts: Iterable[str],
) -> Terms:
    """The weighted terms of an article from its tokens: those of each title and deck line,
    those of each lead sentence (nouns are joined into compounds only inside one of them),
    its best keywords, its lead's figures as (kind, exact value, unit) and the letter pairs
    of its title and deck lines (`headline_texts`)."""
    terms: Terms = {}
    for parts, weight in ((headlines, TITLE_WEIGHT), (lead, LEAD_WEIGHT)):
        for part in parts:
            for term, bonus in _nouns(part):
                _add(terms, term, weight * bonus)
    for term in keywords:
        _add(terms, term.replace(" ", ""), KEYWORD_WEIGHT)
    for kind, value, unit in figures:
        if kind in FIGURE_KINDS:
            weight = PRECISE_FIGURE_WEIGHT if precise(value) else FIGURE_WEIGHT
            _add(terms, f"#{kind}:{value}{unit or ''}", weight)
    for text in headline_texts:
        for gram in letter_pairs(text):
            _add(terms, GRAM_PREFIX + gram, TITLE_GRAM_WEIGHT)
    return terms


def letter_pairs(text: str) -> set[str]:
    """The pairs of adjacent letters or digits inside each word of `text`, lower-cased,
    bracketed column tags left out."""
    words = _WORDS.findall(_COLUMN_TAGS.sub(" ", text).lower())
    return {word[i : i + 2] for word in words for i in range(len(word) - 1)}


def headline_source(title: str) -> str | None:
    """The source a headline attributes its news to (a broker, a speaker), normalised
    (lower-cased, no spaces, no 증권/證/운용 ending), or None when it names none. Trailing
    tags ([마켓뷰], (종합)) are ignored; a quoted word of a few letters is emphasis, not a
    statement, so it names no speaker."""
    text = _TRAILING_TAGS.sub("", title.strip())
    found = _SOURCE_AFTER.search(text) or _SOURCE_BEFORE.search(text)
    if found is None:
        return None
    name = found.group(1).lower().replace(" ", "")
    if name in _NOT_SOURCES:
        return None
    return _FIRM_ENDINGS.sub("", name) or None


def other_sources(a: str | None, b: str | None) -> bool:
    """Whether two headlines name different sources: two brokers' notes, two people's
    statements are two events however alike their words. One name that begins the other
    is one source written shorter (한화 / 한화자산)."""
    return a is not None and b is not None and not (a.startswith(b) or b.startswith(a))


def precise(value: str) -> bool:
    """Whether an exact value as stored (`value_text`) has `PRECISE_DIGITS` significant
    digits or more: 20.58 and 498000 have; 0.62, 45000 and 1e+16 have not."""
    digits = "".join(ch for ch in value.split("e")[0] if ch.isdigit()).strip("0")
    return len(digits) >= PRECISE_DIGITS


def analysed_terms(draft: Draft, analysis: Analysis) -> Terms:
    """The terms of an article just analysed, from what analysis has in memory (Kiwi's
    tokens of its title, deck and sentences, its keywords and figures): what `doc_terms`
    computes from the stored article, without reading it back or tokenising it again."""
    lead = analysis.sentences[:LEAD]
    figures = [
        (str(f.kind), value_text(f.value), f.unit)
        for s in lead
        for pos, f in enumerate(s.figures)
        # as stored: a figure converting an earlier one of its sentence is not its own fact
        if not (f.converts is not None and 0 <= f.converts < pos)
    ]
    best = sorted((k for k in analysis.keywords if k.rank <= KEYWORDS), key=lambda k: k.rank)
    return terms_of(
        draft.split.extra_tokens,
        draft.split.tokens[:LEAD],
        [k.term for k in best],
        figures,
        draft.extra_texts,
    )


def value_text(value: int | float | str | None) -> str:
    """A figure's exact value as the store keeps it (`storage.save`: repr of a float)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def doc_terms(docs: Sequence[StoryDoc]) -> list[Terms]:
    """The weighted terms of each stored doc: each title and deck line and each lead
    sentence tokenised on its own, as analysis has them (one batched Kiwi call for all)."""
    from pipeline.analysis.kiwi import tokenize_many

    texts: list[str] = []
    spans: list[tuple[int, int, int]] = []  # per doc: first text, headline lines, lead sentences
    for doc in docs:
        heads = [t for t in (doc.title, *doc.subheadings) if t.strip()]
        spans.append((len(texts), len(heads), len(doc.lead)))
        texts.extend(heads)
        texts.extend(doc.lead)
    tokens = [[(t.form, t.tag, t.start, t.end) for t in toks] for toks in tokenize_many(texts)]
    out: list[Terms] = []
    for doc, (first, n_heads, n_lead) in zip(docs, spans, strict=True):
        mid = first + n_heads
        heads = texts[first:mid]
        lead = tokens[mid : mid + n_lead]
        out.append(terms_of(tokens[first:mid], lead, doc.keywords, doc.figures, heads))
    return out


def _nouns(tokens: Sequence[Morph]) -> list[tuple[str, float]]:
    """(term, bonus) for each noun worth matching on, and each pair of adjacent nouns."""
    found: list[tuple[str, float]] = []
    prev: Morph | None = None
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
