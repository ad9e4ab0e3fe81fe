"""Stories in the store: which articles report one event, and the term index that finds them.

Pipeline decides (`pipeline.stories`); this module reads and writes. An assignment runs in
one write transaction (`story_transaction`) that first serialises with every other
assignment: on PostgreSQL a transaction-scoped advisory lock, on SQLite the write lock
`BEGIN IMMEDIATE` already takes. So two workers saving articles of one new event at once
cannot both start a story: the second sees the first's article and joins it.

Every lookup is bounded by the time window: `story_terms` is read through (term, at),
`story_articles` through `at` and `story_gram_days` through (gram, day), and `story_bodies`
by the members compared, so an assignment reads the window's rows, not the store's. newsnote
never deletes an article; one deleted by hand in SQL takes its vector along (ON DELETE
CASCADE) but stays in its day's counts, a document frequency a little high.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from storage import models as m
from storage.db import for_reads
from storage.models import utcnow

# Any fixed 64-bit key: every assignment on one PostgreSQL database takes this lock.
ADVISORY_KEY = 0x6E6E_5354_4F52_59  # "nnSTORY"
IN_BATCH = 500  # values per IN (...) list

_article_at = func.coalesce(m.Article.published_at, m.Article.first_seen_at)


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """What an article is matched on, as stored: title, deck, first sentences, keywords and
    the figures of those sentences, with its press and time."""

    article_id: int
    title: str
    subheadings: tuple[str, ...]
    lead: tuple[str, ...]
    keywords: tuple[str, ...]  # best first
    figures: tuple[tuple[str, str, str | None], ...]  # (kind, exact value, unit)
    press_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    """An article already in a story, with the terms it was matched on and its title."""

    article_id: int
    story_id: int
    press_id: int | None
    at: datetime
    terms: Mapping[str, float]  # weights in its unit TF-IDF vector (some of its terms)
    title: str
    body: bytes | None = None  # its body vector (`pack_vector`); None before migration 0008


def pack_vector(grams: npt.NDArray[np.uint32], weights: npt.NDArray[np.float32]) -> bytes:
    """A sparse vector as `story_bodies.vector` keeps it: its n ids as little-endian
    uint32, then its n weights as little-endian float32."""
    return grams.astype("<u4").tobytes() + weights.astype("<f4").tobytes()


def unpack_vector(data: bytes) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.float32]]:
    n = len(data) // 8
    grams = np.frombuffer(data, dtype="<u4", count=n).astype(np.uint32)
    weights = np.frombuffer(data, dtype="<f4", count=n, offset=4 * n).astype(np.float32)
    return grams, weights


# --- reading what articles are matched on ----------------------------------------------------


def load_docs(
    engine: Engine, article_ids: Sequence[int], *, lead: int = 3, keywords: int = 10
) -> list[StoryDoc]:
    """The `StoryDoc` of each article (in the order given; missing ids are left out):
    the first `lead` sentences and the `keywords` best keywords."""
    found: dict[int, StoryDoc] = {}
    with for_reads(engine).connect() as conn:
        for i in range(0, len(article_ids), IN_BATCH):
            found.update(_docs(conn, article_ids[i : i + IN_BATCH], lead, keywords))
    return [found[i] for i in article_ids if i in found]


def _docs(conn: Connection, ids: Sequence[int], lead: int, keywords: int) -> dict[int, StoryDoc]:
    ids = list(ids)
    heads = conn.execute(
        select(m.Article.id, m.Article.title, m.Article.press_id, _article_at.label("at")).where(
            m.Article.id.in_(ids)
        )
    ).all()
    subs: dict[int, list[str]] = defaultdict(list)
    for aid, txt in conn.execute(
        select(m.ArticleSubheading.article_id, m.ArticleSubheading.text)
        .where(m.ArticleSubheading.article_id.in_(ids))
        .order_by(m.ArticleSubheading.article_id, m.ArticleSubheading.position)
    ):
        subs[aid].append(txt)
    sents: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for aid, sid, txt in conn.execute(
        select(m.Sentence.article_id, m.Sentence.id, m.Sentence.text)
        .where(m.Sentence.article_id.in_(ids), m.Sentence.position < lead)
        .order_by(m.Sentence.article_id, m.Sentence.position)
    ):
        sents[aid].append((sid, txt))
    kws: dict[int, list[str]] = defaultdict(list)
    for aid, term in conn.execute(
        select(m.Keyword.article_id, m.Keyword.term)
        .where(m.Keyword.article_id.in_(ids), m.Keyword.rank <= keywords)
        .order_by(m.Keyword.article_id, m.Keyword.rank)
    ):
        kws[aid].append(term)
    lead_ids = [sid for rows in sents.values() for sid, _ in rows]
    figs: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    if lead_ids:
        for aid, kind, value, unit in conn.execute(
            select(m.Figure.article_id, m.Figure.kind, m.Figure.value_text, m.Figure.unit)
            .where(m.Figure.sentence_id.in_(lead_ids), m.Figure.converts_id.is_(None))
            .order_by(m.Figure.article_id, m.Figure.id)
        ):
            figs[aid].append((kind, value, unit))
    return {
        h.id: StoryDoc(
            article_id=h.id,
            title=h.title,
            subheadings=tuple(subs[h.id]),
            lead=tuple(t for _, t in sents[h.id]),
            keywords=tuple(kws[h.id]),
            figures=tuple(figs[h.id]),
            press_id=h.press_id,
            at=h.at,
        )
        for h in heads
    }


def story_of(engine: Engine, article_id: int) -> int | None:
    """The story `article_id` is in, if any."""
    with for_reads(engine).connect() as conn:
        return conn.execute(
            select(m.StoryArticle.story_id).where(m.StoryArticle.article_id == article_id)
        ).scalar_one_or_none()


def articles_since(engine: Engine, since: datetime | None) -> list[int]:
    """Ids of the articles published (or first seen) at or after `since`, oldest first:
    the order incremental assignment meets them in a live store."""
    query = select(m.Article.id).order_by(_article_at, m.Article.id)
    if since is not None:
        query = query.where(_article_at >= since)
    with for_reads(engine).connect() as conn:
        return list(conn.execute(query).scalars())


def forget(engine: Engine, article_ids: Sequence[int]) -> None:
    """Take these articles out of their stories and the term index (before a rebuild);
    stories left empty are deleted, the others recounted."""
    with story_transaction(engine) as tx:
        for i in range(0, len(article_ids), IN_BATCH):
            tx.leave_many(article_ids[i : i + IN_BATCH])


# --- one assignment --------------------------------------------------------------------------
# The statements of an assignment are built once, their values bound at each call (as the
# save's are, docs/design.md): building and caching a statement cost more than running it.

_SA, _ST = m.StoryArticle, m.StoryTerm
_when = m.StoryArticle.at.type
_START, _END = bindparam("b_start", type_=_when), bindparam("b_end", type_=_when)
_TERMS: Any = bindparam("b_terms", expanding=True)
_AT = select(_article_at).where(m.Article.id == bindparam("b_article"))
_TITLE = select(m.Article.title).where(m.Article.id == bindparam("b_article"))
_BODY_TEXT = select(m.Article.body_text).where(m.Article.id == bindparam("b_article"))
_SB, _SG = m.StoryBody, m.StoryGramDay
_GRAMS: Any = bindparam("b_grams", expanding=True)
_GRAM_FREQ = (
    select(_SG.gram, func.sum(_SG.articles))
    .where(_SG.gram.in_(_GRAMS), _SG.day.between(bindparam("b_first"), bindparam("b_last")))
    .group_by(_SG.gram)
)
_BODIES = select(_SB.article_id, _SB.vector).where(
    _SB.article_id.in_(bindparam("b_articles", expanding=True))
)
# One statement for both databases (SQLite 3.24+ and PostgreSQL share ON CONFLICT).
_COUNT_GRAM = text(
    "INSERT INTO story_gram_days (gram, day, articles) VALUES (:gram, :day, 1) "
    "ON CONFLICT (gram, day) DO UPDATE SET articles = story_gram_days.articles + 1"
)
_UNCOUNT_GRAM = (
    update(_SG)
    .where(_SG.gram == bindparam("b_gram"), _SG.day == bindparam("b_day"))
    .values(articles=_SG.articles - bindparam("b_count"))
)
_STORY_OF = select(_SA.story_id).where(_SA.article_id == bindparam("b_article"))
_WINDOW_SIZE = select(func.count()).where(_SA.at.between(_START, _END))
_DOC_FREQ = (
    select(_ST.term, func.count())
    .where(_ST.term.in_(_TERMS), _ST.at.between(_START, _END))
    .group_by(_ST.term)
)
# The stories of the (at most b_limit) articles in the window sharing most of b_terms.
_CANDIDATE_STORIES = (
    select(_SA.story_id)
    .distinct()
    .where(
        _SA.article_id.in_(
            select(_ST.article_id)
            .where(_ST.term.in_(_TERMS), _ST.at.between(_START, _END))
            .group_by(_ST.article_id)
            .order_by(func.count().desc(), _ST.article_id)
            .limit(bindparam("b_limit"))
            .scalar_subquery()
        )
    )
)


def _members_query(terms_on: Any) -> Any:
    """The window's members of b_stories with their term index rows matching `terms_on` (a
    row per member and term, or one with no term), a member's rows together, newest first."""
    return (
        select(
            _SA.article_id,
            _SA.story_id,
            _SA.at,
            m.Article.press_id,
            m.Article.title,
            _ST.term,
            _ST.weight,
        )
        .join(m.Article, m.Article.id == _SA.article_id)
        .join(m.Story, m.Story.id == _SA.story_id)
        .outerjoin(_ST, terms_on)
        .where(
            _SA.story_id.in_(bindparam("b_stories", expanding=True)),
            _SA.at.between(_START, _END),
            # A story begun more than a window before the article is over: without this,
            # stories would chain on from day to day, one close article at a time.
            m.Story.first_at >= _START,
        )
        .order_by(_SA.story_id, _SA.at.desc(), _SA.article_id)
    )


# Their weights of b_terms (what a similarity with an article of those terms needs) …
_MEMBERS = _members_query(and_(_ST.article_id == _SA.article_id, _ST.term.in_(_TERMS)))
# … or every weight they were indexed with (to compare two stories).
_MEMBER_VECTORS = _members_query(_ST.article_id == _SA.article_id)
_NEW_STORY = (
    insert(m.Story)
    .values(headline="", first_at=_START, last_at=_START, articles=0, presses=0)
    .returning(m.Story.id)
)
_INDEX = insert(_ST)
_JOIN = insert(_SA)


def _of_story(column: Any) -> Any:
    """`column` (an aggregate) over the members of story b_story, as a scalar subquery."""
    return (
        select(column)
        .select_from(_SA)
        .join(m.Article, m.Article.id == _SA.article_id)
        .where(_SA.story_id == bindparam("b_story"))
        .scalar_subquery()
    )


# The headline: the title of the member that matched the story best when it joined (close
# to its centre); a lone article's own. Copies (similarity 1) and the founder say nothing
# about the centre, so they come after.
_HEADLINE = (
    select(m.Article.title)
    .join(_SA, _SA.article_id == m.Article.id)
    .where(_SA.story_id == bindparam("b_story"))
    .order_by((_SA.similarity >= 1.0).asc(), _SA.similarity.desc(), _SA.at, m.Article.id)
    .limit(1)
)
# `refresh` in one UPDATE, for a story that has members (one just joined).
_RECOUNT = (
    update(m.Story)
    .where(m.Story.id == bindparam("b_story"))
    .values(
        articles=_of_story(func.count()),
        presses=_of_story(func.count(func.distinct(m.Article.press_id))),
        first_at=_of_story(func.min(_SA.at)),
        last_at=_of_story(func.max(_SA.at)),
        headline=_HEADLINE.scalar_subquery(),
        updated_at=bindparam("b_now", type_=_when),
    )
)


class StoryTransaction:
    """The reads and writes of one assignment, inside one serialised write transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def article_at(self, article_id: int) -> datetime:
        """The article's time: published, else first seen."""
        at: datetime = self.conn.execute(_AT, {"b_article": article_id}).scalar_one()
        return at

    def title(self, article_id: int) -> str:
        title: str = self.conn.execute(_TITLE, {"b_article": article_id}).scalar_one()
        return title

    def body_text(self, article_id: int) -> str:
        body: str = self.conn.execute(_BODY_TEXT, {"b_article": article_id}).scalar_one()
        return body

    def leave(self, article_id: int) -> None:
        """Take the article out of its story (if any) and out of the term index. An article
        in no story has no terms indexed either (`join` writes both), so a new article
        costs one read here."""
        if self.conn.execute(_STORY_OF, {"b_article": article_id}).first() is not None:
            self.leave_many([article_id])

    def leave_many(self, article_ids: Sequence[int]) -> None:
        ids = list(article_ids)
        stories = set(
            self.conn.execute(select(_SA.story_id).where(_SA.article_id.in_(ids))).scalars()
        )
        self.conn.execute(delete(_ST).where(_ST.article_id.in_(ids)))
        self._uncount(ids)
        self.conn.execute(delete(_SA).where(_SA.article_id.in_(ids)))
        for story_id in sorted(stories):
            self.refresh(story_id)

    def _uncount(self, article_ids: Sequence[int]) -> None:
        """Take these articles' body vectors out, with their grams out of the day counts."""
        counts: Counter[tuple[int, date]] = Counter()
        for day, vector in self.conn.execute(
            select(_SB.day, _SB.vector).where(_SB.article_id.in_(article_ids))
        ):
            grams, _ = unpack_vector(vector)
            counts.update((int(g), day) for g in grams)
        if counts:
            self.conn.execute(
                _UNCOUNT_GRAM,
                [{"b_gram": g, "b_day": d, "b_count": n} for (g, d), n in counts.items()],
            )
        self.conn.execute(delete(_SB).where(_SB.article_id.in_(article_ids)))

    def gram_doc_freq(self, grams: Sequence[int], first: date, last: date) -> dict[int, int]:
        """For each gram, how many articles of the days `first` to `last` have it in their
        body vector."""
        out: dict[int, int] = {}
        for i in range(0, len(grams), IN_BATCH):
            values = {"b_grams": list(grams[i : i + IN_BATCH]), "b_first": first, "b_last": last}
            out.update({int(g): int(n) for g, n in self.conn.execute(_GRAM_FREQ, values)})
        return out

    def bodies(self, article_ids: Sequence[int]) -> dict[int, bytes]:
        """The body vectors of these articles (those that have one)."""
        out: dict[int, bytes] = {}
        for i in range(0, len(article_ids), IN_BATCH):
            values = {"b_articles": list(article_ids[i : i + IN_BATCH])}
            out.update({int(a): bytes(v) for a, v in self.conn.execute(_BODIES, values)})
        return out

    def window_size(self, start: datetime, end: datetime) -> int:
        """Articles with a story whose time is in [start, end]."""
        return int(self.conn.execute(_WINDOW_SIZE, {"b_start": start, "b_end": end}).scalar_one())

    def window_doc_freq(
        self, terms: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, int]:
        """For each term, how many indexed articles in [start, end] have it."""
        out: dict[str, int] = {}
        for i in range(0, len(terms), IN_BATCH):
            rows = self.conn.execute(
                _DOC_FREQ,
                {"b_terms": list(terms[i : i + IN_BATCH]), "b_start": start, "b_end": end},
            )
            out.update({t: int(n) for t, n in rows})
        return out

    def candidate_stories(
        self, terms: Sequence[str], start: datetime, end: datetime, *, limit: int
    ) -> list[int]:
        """The stories of the articles in [start, end] sharing the most of `terms` (the
        rare ones), at most `limit` articles, most shared first (one statement)."""
        if not terms:
            return []
        values = {"b_terms": list(terms), "b_start": start, "b_end": end, "b_limit": limit}
        return sorted(self.conn.execute(_CANDIDATE_STORIES, values).scalars())

    def members(
        self,
        story_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        per_story: int,
        terms: Sequence[str],
    ) -> list[Member]:
        """The members in [start, end] (the newest `per_story` of each) of these stories, if
        they began in the window, each with its weights of `terms` (the only ones a
        similarity with an article of those terms needs), in one statement."""
        if not story_ids:
            return []
        values = {
            "b_stories": list(story_ids),
            "b_terms": list(terms),
            "b_start": start,
            "b_end": end,
        }
        return self._members(self.conn.execute(_MEMBERS, values), per_story)

    def _members(self, rows: Any, per_story: int) -> list[Member]:
        """Members from the rows of `_members_query`, with their body vectors."""
        found: list[tuple[int, int, int | None, datetime, dict[str, float], str]] = []
        count: dict[int, int] = defaultdict(int)
        last: int | None = None
        weights: dict[str, float] = {}
        for aid, sid, at, press_id, title, term, weight in rows:
            if aid != last:  # a member's rows come together (ordered by it)
                last = aid
                count[sid] += 1
                weights = {}
                if count[sid] <= per_story:
                    found.append((aid, sid, press_id, at, weights, title))
            if term is not None:
                weights[term] = weight
        bodies = self.bodies([f[0] for f in found])
        return [Member(*f, body=bodies.get(f[0])) for f in found]

    def member_vectors(
        self, story_ids: Sequence[int], start: datetime, end: datetime, *, per_story: int
    ) -> list[Member]:
        """The members in [start, end] (the newest `per_story` of each) of these stories,
        each with all the weights it was indexed with."""
        if not story_ids:
            return []
        values = {"b_stories": list(story_ids), "b_start": start, "b_end": end}
        return self._members(self.conn.execute(_MEMBER_VECTORS, values), per_story)

    def merge(self, story_id: int, others: Sequence[int]) -> None:
        """Move the members of `others` into `story_id`, delete them and recount."""
        ids = list(others)
        self.conn.execute(update(_SA).where(_SA.story_id.in_(ids)).values(story_id=story_id))
        self.conn.execute(delete(m.Story).where(m.Story.id.in_(ids)))
        self.recount(story_id)

    def join(
        self,
        article_id: int,
        story_id: int | None,
        *,
        terms: Mapping[str, float],
        similarity: float,
        at: datetime,
        body: bytes | None = None,
    ) -> int:
        """Index the article's terms, keep its body vector (`pack_vector`) with its grams
        counted on its day, and put it in `story_id` (None: a new story); the story's id."""
        if story_id is None:
            story_id = int(self.conn.execute(_NEW_STORY, {"b_start": at}).scalar_one())
        if terms:
            self.conn.execute(
                _INDEX,
                [
                    {"article_id": article_id, "term": t, "weight": w, "at": at}
                    for t, w in terms.items()
                ],
            )
        if body:
            day = at.astimezone(UTC).date()
            self.conn.execute(insert(_SB), {"article_id": article_id, "day": day, "vector": body})
            grams, _ = unpack_vector(body)
            self.conn.execute(_COUNT_GRAM, [{"gram": int(g), "day": day} for g in grams])
        self.conn.execute(
            _JOIN,
            {"article_id": article_id, "story_id": story_id, "similarity": similarity, "at": at},
        )
        self.recount(story_id)
        return story_id

    def recount(self, story_id: int) -> None:
        """`refresh` for a story that has members (one just joined): the same counts and
        headline, in one UPDATE."""
        self.conn.execute(_RECOUNT, {"b_story": story_id, "b_now": utcnow()})

    def refresh(self, story_id: int) -> None:
        """Recount the story from its members and choose its headline (delete it when no
        member is left)."""
        row = self.conn.execute(
            select(
                func.count(),
                func.count(func.distinct(m.Article.press_id)),
                func.min(m.StoryArticle.at),
                func.max(m.StoryArticle.at),
            )
            .select_from(m.StoryArticle)
            .join(m.Article, m.Article.id == m.StoryArticle.article_id)
            .where(m.StoryArticle.story_id == story_id)
        ).one()
        articles, presses, first, last = row
        if not articles:
            self.conn.execute(delete(m.Story).where(m.Story.id == story_id))
            return
        values: dict[str, object] = {
            "articles": articles,
            "presses": presses,
            "first_at": first,
            "last_at": last,
            "updated_at": utcnow(),
        }
        values["headline"] = self.conn.execute(_HEADLINE, {"b_story": story_id}).scalar_one()
        self.conn.execute(update(m.Story).where(m.Story.id == story_id).values(**values))


@contextmanager
def story_transaction(engine: Engine) -> Iterator[StoryTransaction]:
    """One write transaction, serialised with every other assignment (see the module doc)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
        yield StoryTransaction(conn)


def story_sizes(engine: Engine, story_ids: Sequence[int]) -> dict[int, int]:
    """Presses per story."""
    out: dict[int, int] = {}
    with for_reads(engine).connect() as conn:
        for i in range(0, len(story_ids), IN_BATCH):
            rows = conn.execute(
                select(m.Story.id, m.Story.presses).where(
                    m.Story.id.in_(list(story_ids[i : i + IN_BATCH]))
                )
            )
            out.update({sid: int(n) for sid, n in rows})
    return out


def story_map(engine: Engine) -> dict[int, int]:
    """Every assigned article's story: {article id: story id}."""
    with for_reads(engine).connect() as conn:
        rows = conn.execute(select(m.StoryArticle.article_id, m.StoryArticle.story_id))
        return {int(aid): int(sid) for aid, sid in rows}
