"""Put an article in the story it reports, or start one.

    article ─► terms (features) ─► rare terms ─► candidate articles in the window (index)
            ─► their stories' members ─► similarity: the terms' TF-IDF cosine blended with
               the bodies' (body; none with a member whose headline names another source),
               best member and centroid, time decay
            ─► join the best story at or above the threshold, else a new story
            ─► other stories at or above it that agree with that one as a whole: merged

Weights are TF-IDF with document frequencies counted inside the time window itself: a term
that half of today's articles carry (트럼프, 관세 on a tariff day) tells today's stories
apart less than one only two articles share. Candidates come from the article's rarest
shared terms, through the (term, time) index, so the work per article depends on the
window's articles, not on the store's size. An article is indexed with its unit TF-IDF
vector as it was when it was assigned, so a similarity needs only the terms two articles
share. The terms find the candidates; the whole bodies' letter grams (`body`) weigh in on
the similarity, since two presses' articles of one event share their wording far down the
body, where the terms do not look. A story is compared through its best-matching member
(a wire copy or a close follow-up matches one member very well) and through the mean over
its members (an article that agrees with the story as a whole, not with one lookalike). A
story that began more than a window before the article is closed to it, so stories cannot
chain on for days.
When an article could join two stories, they are merged if they agree as a whole: an
event whose first two articles started a story each does not stay split. Two articles whose
headlines name different sources ("…목표가↑ -KB" / "…목표가↑ -SK", 'A "…"' / 'B "…"')
report two notes or statements, so they count as unlike whatever words they share.
The threshold and decay were chosen on the development splits of
`bench/data/story_pairs.tsv` (`bench/bench_stories.py`, docs/design.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from pipeline.stories.body import BodyVector, gram_counts, weigh
from pipeline.stories.features import headline_source, other_sources

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pipeline.settings import Settings
    from pipeline.stories.features import Terms
    from storage.stories import Member, StoryDoc, StoryTransaction


@dataclass(frozen=True, slots=True)
class StoryParams:
    window: timedelta = timedelta(hours=48)
    threshold: float = 0.23  # a story's score needed to join it
    wire: float = 0.80  # a member this close is a copy of the same text: always join
    # Share of the score lost with time apart, growing until `decay_hours`: the labelled
    # pairs of one topic but another event are mostly a day apart (a column's next issue,
    # the next day's market report), those of one event mostly hours apart.
    decay: float = 0.8
    decay_hours: float = 24.0
    # The mean over a story's members against its best member: on the labelled pairs, the
    # mean alone (average linkage) kept one-topic stories apart best; the best member still
    # decides wire copies (`wire`).
    centroid_weight: float = 1.0
    body_weight: float = 0.75  # the bodies' cosine's share of a similarity, the terms' the rest
    rare_terms: int = 12  # terms looked up in the index
    candidates: int = 40  # articles the lookup returns
    per_story: int = 60  # members of a candidate story compared


DEFAULT = StoryParams()


class Saved(Protocol):
    """What a save returns (`storage.save.SaveResult`)."""

    @property
    def article_id(self) -> int: ...

    @property
    def status(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Profile:
    """What an article is compared on: its unit term vector, the source its headline
    names, its body vector (None when it has none)."""

    terms: Mapping[str, float]
    source: str | None
    body: BodyVector | None


@dataclass(frozen=True, slots=True)
class Decision:
    story_id: int | None  # None: a new story
    similarity: float
    also: tuple[int, ...] = ()  # other stories the article could have joined


def params_for(settings: Settings | None) -> StoryParams:
    if settings is None or settings.story_window_hours == DEFAULT.window.total_seconds() / 3600:
        return DEFAULT
    return replace(DEFAULT, window=timedelta(hours=settings.story_window_hours))


def assign_story(
    engine: Engine, saved: Saved, settings: Settings | None = None, *, terms: Terms | None = None
) -> int | None:
    """Keep a saved article's story current, right after the save: an unchanged article
    already in a story stays there; a new or changed one is (re)assigned. `terms` are the
    article's (`features.analysed_terms`) when the caller has its analysis in hand;
    otherwise they are computed from the stored article. Its story id."""
    from storage.stories import story_of

    if saved.status == "unchanged" and (story := story_of(engine, saved.article_id)):
        return story
    if terms is not None:
        return assign_terms(engine, saved.article_id, terms, params_for(settings))
    found = assign_articles(engine, [saved.article_id], params_for(settings))
    return found[0] if found else None


def assign_articles(
    engine: Engine, article_ids: Sequence[int], params: StoryParams = DEFAULT, *, chunk: int = 200
) -> list[int]:
    """Assign each stored article in turn (in the order given); their story ids."""
    from pipeline.stories.features import KEYWORDS, LEAD, doc_terms
    from storage.stories import load_docs

    out: list[int] = []
    for i in range(0, len(article_ids), chunk):
        docs = load_docs(engine, article_ids[i : i + chunk], lead=LEAD, keywords=KEYWORDS)
        for doc, terms in zip(docs, doc_terms(docs), strict=True):
            out.append(assign_terms(engine, doc.article_id, terms, params, at=doc.at))
    return out


def assign_doc(engine: Engine, doc: StoryDoc, terms: Terms, params: StoryParams = DEFAULT) -> int:
    """Assign one article whose terms are known; its story id."""
    return assign_terms(engine, doc.article_id, terms, params, at=doc.at)


def assign_terms(
    engine: Engine,
    article_id: int,
    terms: Terms,
    params: StoryParams = DEFAULT,
    *,
    at: datetime | None = None,
) -> int:
    """Assign one stored article by its terms (its time `at` read from the store when not
    given); its story id."""
    from storage.stories import story_transaction

    with story_transaction(engine) as tx:
        if at is None:
            at = tx.article_at(article_id)
        tx.leave(article_id)
        body = body_vector(tx, tx.body_text(article_id), at, params)
        profile, decision = decide(
            tx, at, terms, params, headline_source(tx.title(article_id)), body
        )
        story_id = tx.join(
            article_id,
            decision.story_id,
            terms={t: round(w, 6) for t, w in profile.terms.items()},
            similarity=round(decision.similarity, 4),
            at=at,
            body=body.to_bytes() if body is not None else None,
        )
        if decision.also:
            start, end = at - params.window, at + params.window
            members = tx.member_vectors(
                [story_id, *decision.also], start, end, per_story=params.per_story
            )
            if same := _same_stories(story_id, members, params):
                tx.merge(story_id, same)
        return story_id


def body_vector(
    tx: StoryTransaction, text: str, at: datetime, params: StoryParams
) -> BodyVector | None:
    """The body's unit vector, weighed with the gram counts of the window's days (None for
    an empty body)."""
    counts = gram_counts(text)
    if not counts:
        return None
    first, last = (
        (at - params.window).astimezone(UTC).date(),
        (at + params.window).astimezone(UTC).date(),
    )
    n = tx.window_size(_day_start(first), _day_start(last + timedelta(days=1)))
    return weigh(counts, tx.gram_doc_freq(sorted(counts), first, last), n)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def decide(
    tx: StoryTransaction,
    at: datetime,
    terms: Terms,
    params: StoryParams,
    source: str | None = None,
    body: BodyVector | None = None,
) -> tuple[Profile, Decision]:
    """The article's profile (its unit TF-IDF term vector is what the index keeps of it)
    and its story; `source` is what its headline attributes the news to
    (`features.headline_source`), `body` its body vector (`body_vector`)."""
    start, end = at - params.window, at + params.window
    n = tx.window_size(start, end)
    df = tx.window_doc_freq(sorted(terms), start, end)
    unit = _unit(_weigh(terms, df, n))
    shared = [t for t in unit if df.get(t, 0) > 0]
    rare = sorted(shared, key=lambda t: (-unit[t], t))[: params.rare_terms]
    members = tx.members(
        tx.candidate_stories(rare, start, end, limit=params.candidates),
        start,
        end,
        per_story=params.per_story,
        terms=sorted(shared),
    )
    profile = Profile(unit, source, body)
    return profile, _best_story(at, profile, members, params) or Decision(None, 1.0)


def _best_story(
    at: datetime, article: Profile, members: Sequence[Member], params: StoryParams
) -> Decision | None:
    """The story scoring highest at or above the threshold. A story's score blends its best
    member's cosine with the mean over its members (a story as a whole agreeing, not one
    lookalike), lowered with the time from its nearest member."""
    best: tuple[float, int] | None = None
    passing: list[int] = []
    for story_id, group in sorted(_by_story(members).items()):
        sims = [_similarity(article, _profile(mem), params) for mem in group]
        top, mean = max(sims), sum(sims) / len(sims)
        decay = _decay(min(abs(at - mem.at) for mem in group), params)
        score = ((1 - params.centroid_weight) * top + params.centroid_weight * mean) * decay
        if top >= params.wire:  # a copy of a member's text is that member's story
            score = max(score, top)
        if score >= params.threshold:
            passing.append(story_id)
            if best is None or score > best[0]:
                best = (score, story_id)
    if best is None:
        return None
    return Decision(best[1], best[0], tuple(sid for sid in passing if sid != best[1]))


def _same_stories(story_id: int, members: Sequence[Member], params: StoryParams) -> list[int]:
    """The stories whose members agree with `story_id`'s as a whole (the mean cosine over
    all pairs of members, lowered with the time between their nearest members, at least the
    threshold): the test an article passes to join a story, between two stories. Without
    it, an event whose first two articles started a story each stays split in two, and the
    articles that follow divide between the halves."""
    by_story = _by_story(members)
    ours = by_story.pop(story_id, [])
    if not ours:
        return []
    profiles = {mem.article_id: _profile(mem) for mem in members}
    same = []
    for other, group in sorted(by_story.items()):
        sims = [
            _similarity(profiles[a.article_id], profiles[b.article_id], params)
            for a in ours
            for b in group
        ]
        decay = _decay(min(abs(a.at - b.at) for a in ours for b in group), params)
        if sum(sims) / len(sims) * decay >= params.threshold:
            same.append(other)
    return same


def _by_story(members: Sequence[Member]) -> dict[int, list[Member]]:
    by_story: dict[int, list[Member]] = {}
    for mem in members:
        by_story.setdefault(mem.story_id, []).append(mem)
    return by_story


def _decay(apart: timedelta, params: StoryParams) -> float:
    """The share of a score kept at `apart` from the nearest member."""
    return 1.0 - params.decay * min(apart / timedelta(hours=params.decay_hours), 1.0)


def _weigh(terms: Mapping[str, float], df: Mapping[str, int], n: int) -> dict[str, float]:
    """TF-IDF with the window's document frequencies, smoothed so a window of two articles
    still weighs every term above zero (a term no other article has: the highest)."""
    return {t: w * (math.log((n + 1) / (df.get(t, 0) + 1)) + 1.0) for t, w in terms.items()}


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


def _profile(mem: Member) -> Profile:
    body = BodyVector.from_bytes(mem.body) if mem.body else None
    return Profile(mem.terms, headline_source(mem.title), body)


def _similarity(a: Profile, b: Profile, params: StoryParams) -> float:
    """The cosine of two articles' term vectors blended with their bodies' (the terms' alone
    when one has no body vector: assigned before bodies were kept); none between headlines
    that name different sources (two brokers' notes, two people's statements: two events
    however alike their words)."""
    if other_sources(a.source, b.source):
        return 0.0
    terms = _dot(a.terms, b.terms)
    if a.body is None or b.body is None:
        return terms
    return (1 - params.body_weight) * terms + params.body_weight * a.body.dot(b.body)


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())
