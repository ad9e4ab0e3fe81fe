"""Keywords: nouns and noun compounds ranked by TextRank, reweighted by store frequencies.

Units are noun chunks: the nouns of one word (eojeol) before any particle, e.g. 대규모언어모델,
AI, 스타트업, 오픈AI사. TextRank ranks units by co-occurrence inside a sentence; a term's
score is its centrality times the log of how often the article says it. Compounds are runs
of adjacent chunks that the article repeats (생성형 AI, AI 스타트업); a compound's centrality
is its units' mean, scaled by how often the units come as that compound. With document
frequencies from the store, scores are multiplied by an IDF factor so words every article
uses sink. Stop nouns, verb stems (사용하다), variants of a better term (클라우드 AI after
AI) and the way a quote's speaker is named (김성수 의원) are left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from pipeline.analysis.rank import pagerank
from pipeline.model import Keyword

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

TOP_N = 10
WINDOW = 3  # units this close in a sentence are linked
MAX_COMPOUND = 3  # units in a compound
MIN_COMPOUND_FREQ = 2  # a compound must recur in the article
SUBSUMED_SHARE = 0.7  # a word that comes this often inside one compound is part of a name
# A compound replaces its head among the keywords when at least this share of the head's
# mentions come inside it: the article calls the thing by the compound (생성형 AI, not AI).
COMPOUND_WINS = 0.5
# A noun the article uses at least this often as a verb's or adjective's stem (사용하다,
# 확인했다, 다양한) names an action or a quality, not what the story is about.
PREDICATE_SHARE = 0.5
PREDICATE_SUFFIX_TAGS = frozenset({"XSV", "XSA"})
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XPN", "XSN"})
HEAD_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})  # what a chunk's last token may be
MIN_LATIN = 2
# Extra random-jump weight of nouns in the title and deck, and how much a recurring compound
# outweighs its parts' mean. Both were set by hand when keywords were first written, not
# fitted; bench/bench_keywords.py (glossary recall@10 and precision@10 on the study notes)
# is the check for any change to them.
HEADLINE_BOOST = 3.0
COMPOUND_BONUS = 1.5
# Noun suffixes (XSN) by what they make. Most make a noun of their own (변동성, 의결권,
# 수익률, 생태계, 상한제) and the chunk is a unit. These make a modifier: 생성형 AI, 기술적
# 우군; such a chunk may open a compound but is no keyword alone.
MODIFIER_SUFFIXES = ("형", "적")
# These only count, distribute, date or address (종목별, 주당, 나흘간, 규정상, 선생님): the
# chunk is no unit. The plural 들 is dropped (기업들 is 기업).
NON_NOUN_SUFFIXES = frozenset(["별", "당", "간", "상", "씩", "째", "쯤", "경", "가량", "님", "씨"])
PLURAL_SUFFIX = "들"
# Nouns that are never keywords, with where each group comes from.
STOP_NOUNS = frozenset(
    word
    for line in (
        # Time words: every dated story has them.
        "이날 오늘 어제 내일 올해 지난해 작년 내년 최근 당시 이번 지난달 이달 다음달 전날",
        "오전 오후 현재 이후 이전 기간 동안 그동안 향후",
        # Reporting words: how a story is told, not what it is about.
        "기자 특파원 관계자 방침 예정 가능성 상황 모습 생각 얘기 말씀 이유 결과 의견 주장 설명",
        "전망 분석 평가 발표 입장 지적 강조 언급",
        # Function nouns: grammar, not content (Kiwi tags them NNG).
        "경우 때문 이상 이하 가운데 정도 사실 부분 관련 대상 사이 등등 일부 대부분 자체 해당 각각",
        # Page furniture left in article text (seen in the corpus: card news, related links,
        # copyright lines, photo credits).
        "기사 뉴스 사진 제공 무단 전재 배포 금지 저작권 관련기사 카드뉴스 그래픽 자료사진",
        # Generic modifiers that make no compound of their own (국내 AI is AI).
        "국내 해외 국외 글로벌 전국 전체 주요 기존 신규",
    )
    for word in line.split()
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*")


@dataclass(frozen=True, slots=True)
class Candidates:
    """An article's candidate terms scored from its own text, before store frequencies."""

    scores: dict[str, float]
    parts: dict[str, tuple[str, ...]]  # a compound's units
    unit_freq: Counter[str]
    compounds: Counter[str]
    not_alone: set[str]  # words that may end no keyword (modifiers, verb stems)

    @property
    def terms(self) -> frozenset[str]:
        """The terms whose document frequencies `choose_keywords` reads."""
        return frozenset(self.scores)


def keyword_candidates(
    sentences: Sequence[Sequence[Morph]],
    texts: Sequence[str],
    *,
    exclude: Iterable[str] = (),
    speakers: Iterable[str] = (),
    headlines: int = 0,
) -> Candidates | None:
    """Every term the article could have as a keyword, scored on its text alone; None when
    it has no nouns. The last `headlines` sentences are the title and deck.

    `exclude` are units never to rank (the authors' names); `speakers` are the quotes'
    speakers: a compound that is how a speaker is named (김성수 의원, 원자력공학과 교수 of
    `제무성 한양대 원자력공학과 교수`) says who spoke, not what the story is about.
    """
    excluded = set(exclude)
    modifiers: set[str] = set()
    predicates: Counter[str] = Counter()
    per_sentence = [
        [[u for u in run if u not in excluded] for run in _runs(toks, text, modifiers, predicates)]
        for toks, text in zip(sentences, texts, strict=True)
    ]
    runs = [run for sentence_runs in per_sentence for run in sentence_runs if run]
    unit_freq: Counter[str] = Counter(u for run in runs for u in run)
    if not unit_freq:
        return None
    headline_units = (
        {
            u
            for sentence_runs in per_sentence[len(per_sentence) - headlines :]
            for run in sentence_runs
            for u in run
        }
        if headlines
        else set()
    )
    unit_score = _textrank(per_sentence, headline_units)
    compounds: Counter[str] = Counter()
    parts: dict[str, tuple[str, ...]] = {}
    for run in runs:
        for n in range(2, MAX_COMPOUND + 1):
            for i in range(len(run) - n + 1):
                phrase = tuple(run[i : i + n])
                term = " ".join(phrase)
                compounds[term] += 1
                parts[term] = phrase
    # Centrality times how often the article says it: TextRank alone rates a word by its
    # neighbours, and a word said once beside important ones would outrank the topic.
    scores: dict[str, float] = {
        u: unit_score.get(u, 0.0) * math.log1p(unit_freq[u]) for u in unit_freq
    }
    for term, freq in compounds.items():
        if freq < MIN_COMPOUND_FREQ:
            continue
        phrase = parts[term]
        together = freq / min(unit_freq[u] for u in phrase)
        mean = math.prod(unit_score.get(u, 0.0) for u in phrase) ** (1 / len(phrase))
        scores[term] = mean * together * COMPOUND_BONUS * math.log1p(freq)
    designations = [s.replace(" ", "") for s in speakers]
    for term in [t for t in scores if t in parts]:
        if any(d.endswith(term.replace(" ", "")) for d in designations):
            del scores[term]
    verbs = {u for u, n in predicates.items() if n >= PREDICATE_SHARE * (unit_freq[u] + n)}
    return Candidates(scores, parts, unit_freq, compounds, modifiers | verbs)


def choose_keywords(
    candidates: Candidates | None,
    *,
    doc_freq: Mapping[str, int] | None = None,
    n_docs: int = 0,
    top_n: int = TOP_N,
) -> tuple[Keyword, ...]:
    """The best `top_n` candidates, reweighted by `doc_freq` (stored articles with each term
    as a keyword, out of `n_docs`) and without variants of one another."""
    if candidates is None:
        return ()
    scores = candidates.scores
    if doc_freq is not None and n_docs > 0:
        scores = _reweight(scores, doc_freq, n_docs)
    chosen = _choose(
        scores,
        candidates.parts,
        candidates.unit_freq,
        candidates.compounds,
        candidates.not_alone,
        top_n,
    )
    if not chosen:
        return ()
    best = chosen[0][1] or 1.0
    return tuple(
        Keyword(term, round(score / best, 4), rank)
        for rank, (term, score) in enumerate(chosen, start=1)
    )


def _choose(
    scores: Mapping[str, float],
    parts: Mapping[str, tuple[str, ...]],
    unit_freq: Mapping[str, int],
    compounds: Counter[str],
    not_alone: set[str],
    top_n: int,
) -> list[tuple[str, float]]:
    """The best terms, without variants of one another.

    A variant is a term whose words are a run inside a better-ranked term's, or the other
    way round (AI and 클라우드 AI, AI PC, AI 반도체; AI PC 시장 after AI PC): in ten
    keywords a reader wants ten subjects, and the better-ranked term already names this
    one's. A compound takes its head's place when the article mostly calls the thing by the
    compound (생성형 AI, not AI). A word that
    mostly comes inside one compound is part of that name, not a keyword alone (생성 of
    생성 AI). `not_alone` are words that may end no keyword (modifiers such as 생성형, verb
    stems such as 사용).
    """
    part_of = _mostly_inside(parts, unit_freq, compounds)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen: list[tuple[str, float]] = []
    for term, score in ordered:
        if len(chosen) >= top_n or score <= 0:
            break
        units = parts.get(term, (term,))
        if units[-1] in not_alone or term in part_of:
            continue
        clash = next(
            (i for i, (t, _) in enumerate(chosen) if _variant(units, parts.get(t, (t,)))), None
        )
        if clash is None:
            chosen.append((term, score))
            continue
        held = chosen[clash][0]
        if held == units[-1] and compounds[term] >= COMPOUND_WINS * unit_freq[held]:
            chosen[clash] = (term, chosen[clash][1])
    return chosen


def _variant(term: tuple[str, ...], chosen: tuple[str, ...]) -> bool:
    """Are the words of one a run inside the other's (see `_choose`)?"""
    short, long = (term, chosen) if len(term) <= len(chosen) else (chosen, term)
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _mostly_inside(
    parts: Mapping[str, tuple[str, ...]], unit_freq: Mapping[str, int], compounds: Counter[str]
) -> set[str]:
    return {
        unit
        for term, phrase in parts.items()
        if compounds[term] >= MIN_COMPOUND_FREQ
        for unit in phrase
        if compounds[term] >= SUBSUMED_SHARE * unit_freq[unit]
    }


def _reweight(
    scores: dict[str, float], doc_freq: Mapping[str, int], n_docs: int
) -> dict[str, float]:
    """TF-IDF-like: a term stored for many articles counts less (smoothed IDF, always > 0)."""
    return {
        term: score * (math.log((1 + n_docs) / (1 + doc_freq.get(term, 0))) + 1)
        for term, score in scores.items()
    }


def _textrank(per_sentence: Sequence[list[list[str]]], favoured: set[str]) -> dict[str, float]:
    """Unit scores: PageRank over units linked when within WINDOW of each other."""
    index: dict[str, int] = {}  # unit -> node, in order of first occurrence
    nodes: list[int] = []  # the units of all sentences, one after another
    sentence_of: list[int] = []
    for s, sentence_runs in enumerate(per_sentence):
        units = [index.setdefault(u, len(index)) for run in sentence_runs for u in run]
        nodes += units
        sentence_of += [s] * len(units)
    # Each link (two different units up to WINDOW - 1 apart in one sentence) adds 1 to the
    # weight of their edge; counted with numpy, as the cells of the flattened matrix.
    n = len(index)
    node = np.array(nodes, dtype=np.intp)
    sentence = np.array(sentence_of, dtype=np.intp)
    cells: list[npt.NDArray[np.intp]] = []
    for k in range(1, WINDOW):
        a, b = node[:-k], node[k:]
        linked = (sentence[:-k] == sentence[k:]) & (a != b)
        a, b = a[linked], b[linked]
        cells += (a * n + b, b * n + a)
    weights = np.bincount(np.concatenate(cells), minlength=n * n).reshape(n, n).astype(float)
    prior = [1 + HEADLINE_BOOST * (u in favoured) for u in index]
    return dict(zip(index, pagerank(weights, prior), strict=True))


def _runs(
    tokens: Sequence[Morph], text: str, modifiers: set[str], predicates: Counter[str]
) -> list[list[str]]:
    """Runs of noun chunks in a sentence: adjacent words that are nothing but nouns.

    A chunk starts at the start of a word (or after punctuation): the 분기 of 3분기 and
    nouns after a particle inside one word are no chunks. A chunk that a verb or adjective
    suffix follows in the same word (사용+하다) counts in `predicates` instead.
    """
    runs: list[list[str]] = []
    run: list[str] = []
    chunk: list[Morph] = []
    blocked = False  # the current word had a number or a particle: no chunk in its rest
    prev_end = -1
    for tok in tokens:
        _, tag, start, end = tok
        if start > prev_end:  # text between the tokens (a space, punctuation): a new word
            blocked = False
            if chunk:  # the chunk was a whole word
                unit = _unit(chunk, text, modifiers)
                if unit is not None and start == prev_end + 1 and text[prev_end].isspace():
                    run.append(unit)
                else:
                    _close(runs, run, unit)
                    run = []
                chunk = []
        if tag in NOUN_TAGS and not blocked and (chunk or tag != "XSN"):
            chunk.append(tok)
        else:
            if chunk and tag in PREDICATE_SUFFIX_TAGS and start == prev_end:
                if (stem := _unit(chunk, text, modifiers)) is not None:
                    predicates[stem] += 1
                _close(runs, run, None)
                chunk = []
            elif chunk:
                _close(runs, run, _unit(chunk, text, modifiers))
                chunk = []
            elif run:
                runs.append(run)
            run = []
            if tag == "SN" or not tag.startswith("S"):
                blocked = True
        prev_end = end
    if chunk:
        _close(runs, run, _unit(chunk, text, modifiers))
    elif run:
        runs.append(run)
    return [r for r in runs if r]


def _close(runs: list[list[str]], run: list[str], unit: str | None) -> None:
    if unit is not None:
        run.append(unit)
    if run:
        runs.append(run)


def _unit(chunk: Sequence[Morph], text: str, modifiers: set[str]) -> str | None:
    """The chunk's text if it can be a keyword: no number, no lone syllable, no stop noun."""
    last_form, last_tag, _, last_end = chunk[-1]
    if last_tag == "XSN":
        if last_form == PLURAL_SUFFIX and len(chunk) > 1:
            return _unit(chunk[:-1], text, modifiers)
        if last_form in NON_NOUN_SUFFIXES or last_form == PLURAL_SUFFIX:
            return None
    elif last_tag not in HEAD_TAGS:
        return None
    surface = text[chunk[0][2] : last_end]
    # Most chunks are letters only: `isalpha` rules digits out far cheaper than the scan.
    if not surface.isalpha() and any(map(str.isdigit, surface)):
        return None
    if surface in STOP_NOUNS:
        return None
    if last_tag == "SL" and all(t[1] == "SL" for t in chunk):
        if len(surface) < MIN_LATIN or surface.islower() or not LATIN_WORD.fullmatch(surface):
            return None
        if len(surface) == MIN_LATIN and not surface.isupper():  # En, El, Of: not acronyms
            return None
        return surface
    if len(surface) < 2 or " " in surface:
        return None
    if last_form in MODIFIER_SUFFIXES and last_tag == "XSN":
        modifiers.add(surface)
    return surface
