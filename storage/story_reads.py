"""Reading stories back: the ranked list (`report stories`, `digest`) and what a digest says
of each story (its articles, summary candidates, keywords, speakers, figures and where the
presses' figures differ)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, exists, inspect, select
from sqlalchemy.orm import aliased

from storage import models as m
from storage.errors import StorageError

IN_BATCH = 500
SUMMARY_CANDIDATES = 5  # best summary sentences of each article a story summary draws on
KEYWORDS = 10  # best keywords of each article a story's keywords are counted from
KEY_FIGURE_KINDS = ("money", "percent", "percent_point", "count", "ratio")


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    headline: str
    first_at: datetime
    last_at: datetime
    articles: int
    presses: int


@dataclass(frozen=True, slots=True)
class StoryArticleRow:
    article_id: int
    title: str
    url: str
    press: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SummaryCandidate:
    article_id: int
    rank: int  # the sentence's place in its article's summary order (1 = best)
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class FigureRow:
    article_id: int
    kind: str
    value: str  # exact
    unit: str | None
    text: str
    subject: str | None
    sentence: str


@dataclass(slots=True)
class StoryMaterial:
    articles: list[StoryArticleRow] = field(default_factory=list)
    summary: list[SummaryCandidate] = field(default_factory=list)
    keywords: list[tuple[int, str, int]] = field(default_factory=list)  # article, term, rank
    speakers: list[tuple[int, str]] = field(default_factory=list)  # article, speaker
    figures: list[FigureRow] = field(default_factory=list)
    figure_diffs: list[dict[str, Any]] = field(default_factory=list)  # figure_diff rows


def stories_query(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    press: str | None = None,
    keyword: str | None = None,
    min_presses: int | None = None,
) -> Select[*tuple[Any, ...]]:
    """Stories with an article in [since, until), ranked by presses, then articles, then
    the latest article; `press` / `keyword`: one of its articles is from that press / has
    that keyword."""
    sa = aliased(m.StoryArticle)
    conds: list[ColumnElement[bool]] = []
    if since is not None or until is not None:
        inside = [sa.story_id == m.Story.id]
        if since is not None:
            inside.append(sa.at >= since)
        if until is not None:
            inside.append(sa.at < until)
        conds.append(exists().where(*inside))
    if press is not None:
        pa, a, p = aliased(m.StoryArticle), aliased(m.Article), aliased(m.Press)
        conds.append(
            exists()
            .where(pa.story_id == m.Story.id, a.id == pa.article_id, p.id == a.press_id)
            .where(p.name == press)
        )
    if keyword is not None:
        ka, k = aliased(m.StoryArticle), aliased(m.Keyword)
        conds.append(
            exists().where(
                ka.story_id == m.Story.id, k.article_id == ka.article_id, k.term == keyword
            )
        )
    if min_presses is not None:
        conds.append(m.Story.presses >= min_presses)
    return (
        select(
            m.Story.id,
            m.Story.headline,
            m.Story.first_at,
            m.Story.last_at,
            m.Story.articles,
            m.Story.presses,
        )
        .where(*conds)
        .order_by(
            m.Story.presses.desc(), m.Story.articles.desc(), m.Story.last_at.desc(), m.Story.id
        )
    )


def list_stories(engine: Engine, *, limit: int | None = None, **filters: Any) -> list[StoryRow]:
    query = stories_query(**filters)
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        if not inspect(conn).has_table(m.Story.__tablename__):
            raise StorageError(
                "this store has no stories yet (made by an older version): run "
                "`newsnote db upgrade`, then `newsnote stories rebuild`"
            )
        return [StoryRow(*row) for row in conn.execute(query)]


def story_material(engine: Engine, story_ids: Sequence[int]) -> dict[int, StoryMaterial]:
    """Everything a digest says of each story, in a few queries for all of them."""
    out: dict[int, StoryMaterial] = {sid: StoryMaterial() for sid in story_ids}
    with engine.connect() as conn:
        story_of: dict[int, int] = {}
        for i in range(0, len(story_ids), IN_BATCH):
            _members(conn, list(story_ids[i : i + IN_BATCH]), out, story_of)
        ids = sorted(story_of)
        for i in range(0, len(ids), IN_BATCH):
            _details(conn, ids[i : i + IN_BATCH], out, story_of)
        from storage.figure_diff import figure_diff_rows

        for material in out.values():
            # Only stories where two articles carry figures can have a difference.
            if len({f.article_id for f in material.figures}) > 1:
                members = [a.article_id for a in material.articles]
                material.figure_diffs = figure_diff_rows(conn, article_ids=members, limit=20)
    return out


def _members(
    conn: Connection, story_ids: list[int], out: dict[int, StoryMaterial], story_of: dict[int, int]
) -> None:
    rows = conn.execute(
        select(
            m.StoryArticle.story_id,
            m.Article.id,
            m.Article.title,
            m.Article.url,
            m.Press.name,
            m.StoryArticle.at,
        )
        .join(m.Article, m.Article.id == m.StoryArticle.article_id)
        .outerjoin(m.Press, m.Press.id == m.Article.press_id)
        .where(m.StoryArticle.story_id.in_(story_ids))
        .order_by(m.StoryArticle.story_id, m.StoryArticle.at, m.Article.id)
    )
    for sid, aid, title, url, press, at in rows:
        story_of[aid] = sid
        out[sid].articles.append(StoryArticleRow(aid, title, url, press, at))


def _details(
    conn: Connection, ids: list[int], out: dict[int, StoryMaterial], story_of: dict[int, int]
) -> None:
    for aid, rank, position, text in conn.execute(
        select(m.Sentence.article_id, m.Sentence.summary_rank, m.Sentence.position, m.Sentence.text)
        .where(m.Sentence.article_id.in_(ids), m.Sentence.summary_rank <= SUMMARY_CANDIDATES)
        .order_by(m.Sentence.article_id, m.Sentence.summary_rank)
    ):
        out[story_of[aid]].summary.append(SummaryCandidate(aid, rank or 0, position, text))
    for aid, term, rank in conn.execute(
        select(m.Keyword.article_id, m.Keyword.term, m.Keyword.rank)
        .where(m.Keyword.article_id.in_(ids), m.Keyword.rank <= KEYWORDS)
        .order_by(m.Keyword.article_id, m.Keyword.rank)
    ):
        out[story_of[aid]].keywords.append((aid, term, rank))
    for aid, speaker in conn.execute(
        select(m.Quote.article_id, m.Quote.speaker)
        .where(m.Quote.article_id.in_(ids), m.Quote.speaker.is_not(None))
        .order_by(m.Quote.article_id, m.Quote.id)
    ):
        out[story_of[aid]].speakers.append((aid, speaker or ""))
    figures = defaultdict(list)
    for row in conn.execute(
        select(
            m.Figure.article_id,
            m.Figure.kind,
            m.Figure.value_text,
            m.Figure.unit,
            m.Figure.text,
            m.Figure.subject,
            m.Sentence.text,
        )
        .join(m.Sentence, m.Sentence.id == m.Figure.sentence_id)
        .where(m.Figure.article_id.in_(ids), m.Figure.kind.in_(KEY_FIGURE_KINDS))
        .order_by(m.Figure.article_id, m.Sentence.position, m.Figure.position)
    ):
        figures[row[0]].append(FigureRow(*row))
    for aid, rows in figures.items():
        out[story_of[aid]].figures.extend(rows)
