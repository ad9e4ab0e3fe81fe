"""Which figures changed ("기사의 근거를 통해 바뀐 수치는 무엇인가?"): one quantity, two reports.

Two articles are compared when they are related (a `related_links` row from either one to
the other, from a page or a note) or share one of their top keywords. A pair of figures is
reported when
  conversion  the same source amount (kind, unit, exact value) is converted into different
              amounts of the same currency: 40억달러 -> 5조4000억원 in one, 5조3680억원 in
              the other (`figures.converts_id` links a conversion to its source amount);
  subject     two figures of the same kind, unit and subject carry different values.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from storage import models as m

# Keywords ranked up to this in both articles make the two "share an entity".
SHARED_KEYWORD_MAX_RANK = 5

COLUMNS = (
    "reason",
    "link",
    "quantity",
    "figure_1",
    "value_1",
    "figure_2",
    "value_2",
    "unit",
    "sentence_1",
    "sentence_2",
    "article_id_1",
    "title_1",
    "press_1",
    "url_1",
    "published_at_1",
    "article_id_2",
    "title_2",
    "press_2",
    "url_2",
    "published_at_2",
)


def figure_diff(
    engine: Engine,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    press: str | None = None,
    article_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Pairs of figures where related articles report the same quantity differently.

    `since`/`until` (timezone-aware) keep pairs where either article was published (or, if
    its date is unknown, first seen) in [since, until); `press` keeps pairs where either
    article is from that press; `article_id` keeps pairs that involve that article. Each
    row has the keys in `COLUMNS`: both figures (text and exact value), both sentences, and
    both articles' id, title, press, URL and date.
    """
    with engine.connect() as conn:
        return figure_diff_rows(
            conn, since=since, until=until, press=press, article_id=article_id, limit=limit
        )


def figure_diff_rows(
    conn: Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    press: str | None = None,
    article_id: int | None = None,
    article_ids: Collection[int] | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """`figure_diff` on an open connection (e.g. inside a session's transaction);
    `article_ids` keeps pairs whose two articles are both among them (a story's)."""
    # The story's articles are filtered inside each half, so the figures index by article
    # bounds the work to theirs rather than the store's.
    inner = None if article_ids is None else list(article_ids)
    query = union_all(_conversions(inner), _same_subject(inner)).subquery()
    a1, a2 = aliased(m.Article), aliased(m.Article)
    p1, p2 = aliased(m.Press), aliased(m.Press)
    s1, s2 = aliased(m.Sentence), aliased(m.Sentence)
    stmt = (
        select(
            query.c.reason,
            query.c.link,
            query.c.quantity,
            query.c.figure_1,
            query.c.value_1,
            query.c.figure_2,
            query.c.value_2,
            query.c.unit,
            s1.text.label("sentence_1"),
            s2.text.label("sentence_2"),
            a1.id.label("article_id_1"),
            a1.title.label("title_1"),
            p1.name.label("press_1"),
            a1.url.label("url_1"),
            a1.published_at.label("published_at_1"),
            a2.id.label("article_id_2"),
            a2.title.label("title_2"),
            p2.name.label("press_2"),
            a2.url.label("url_2"),
            a2.published_at.label("published_at_2"),
        )
        .join(a1, a1.id == query.c.article_1)
        .join(a2, a2.id == query.c.article_2)
        .outerjoin(p1, p1.id == a1.press_id)
        .outerjoin(p2, p2.id == a2.press_id)
        .outerjoin(s1, s1.id == query.c.sentence_id_1)
        .outerjoin(s2, s2.id == query.c.sentence_id_2)
        .order_by(query.c.reason, query.c.figure_id_1, query.c.figure_id_2)
        .limit(limit)
    )
    when1 = func.coalesce(a1.published_at, a1.first_seen_at)
    when2 = func.coalesce(a2.published_at, a2.first_seen_at)
    if since is not None:
        stmt = stmt.where(or_(when1 >= since, when2 >= since))
    if until is not None:
        stmt = stmt.where(or_(when1 < until, when2 < until))
    if press is not None:
        stmt = stmt.where(or_(p1.name == press, p2.name == press))
    if article_id is not None:
        stmt = stmt.where(or_(a1.id == article_id, a2.id == article_id))
    if article_ids is not None:
        stmt = stmt.where(a1.id.in_(list(article_ids)), a2.id.in_(list(article_ids)))
    return [_row(dict(r._mapping)) for r in conn.execute(stmt)]


def _row(row: dict[str, Any]) -> dict[str, Any]:
    row["value_1"] = _exact(row["value_1"])
    row["value_2"] = _exact(row["value_2"])
    return {key: row[key] for key in COLUMNS}


def _exact(value_text: str) -> int | float | str:
    """The stored exact value (`figures.value_text`) as a number where it is one."""
    try:
        return int(value_text)
    except ValueError:
        try:
            return float(value_text)
        except ValueError:
            return value_text


def _link(article_1: Any, article_2: Any) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(related by a link either way, sharing a top keyword) for two article id columns."""
    rl = aliased(m.RelatedLink)
    related = exists().where(
        or_(
            and_(rl.article_id == article_1, rl.related_article_id == article_2),
            and_(rl.article_id == article_2, rl.related_article_id == article_1),
        )
    )
    k1, k2 = aliased(m.Keyword), aliased(m.Keyword)
    shared = exists().where(
        k1.article_id == article_1,
        k2.article_id == article_2,
        k1.term == k2.term,
        k1.rank <= SHARED_KEYWORD_MAX_RANK,
        k2.rank <= SHARED_KEYWORD_MAX_RANK,
    )
    return related, shared


def _pair_columns(f1: Any, f2: Any) -> tuple[Any, ...]:
    """The two figures of a pair, as every figure-diff query reports them."""
    return (
        f1.id.label("figure_id_1"),
        f1.text.label("figure_1"),
        f1.value_text.label("value_1"),
        f2.id.label("figure_id_2"),
        f2.text.label("figure_2"),
        f2.value_text.label("value_2"),
        f1.unit.label("unit"),
        f1.sentence_id.label("sentence_id_1"),
        f2.sentence_id.label("sentence_id_2"),
        f1.article_id.label("article_1"),
        f2.article_id.label("article_2"),
    )


def _conversions(article_ids: list[int] | None = None) -> Select[Any]:
    src1, conv1 = aliased(m.Figure), aliased(m.Figure)
    src2, conv2 = aliased(m.Figure), aliased(m.Figure)
    related, shared = _link(conv1.article_id, conv2.article_id)
    return (
        select(
            literal("conversion").label("reason"),
            case((related, "related"), else_="keyword").label("link"),
            src1.text.label("quantity"),
            *_pair_columns(conv1, conv2),
        )
        .select_from(conv1)
        .join(src1, src1.id == conv1.converts_id)
        .join(
            src2,
            and_(
                src2.kind == src1.kind,
                src2.unit == src1.unit,
                src2.value_text == src1.value_text,
                src2.article_id != src1.article_id,
            ),
        )
        .join(
            conv2,
            and_(
                conv2.converts_id == src2.id,
                conv2.unit == conv1.unit,
                conv2.value_text != conv1.value_text,
            ),
        )
        .where(conv1.article_id < conv2.article_id, or_(related, shared))
        .where(*_among(article_ids, conv1, conv2, src1, src2))
    )


def _among(article_ids: list[int] | None, *figures: Any) -> list[ColumnElement[bool]]:
    if article_ids is None:
        return []
    return [f.article_id.in_(article_ids) for f in figures]


def _same_subject(article_ids: list[int] | None = None) -> Select[Any]:
    f1, f2 = aliased(m.Figure), aliased(m.Figure)
    related, shared = _link(f1.article_id, f2.article_id)
    return (
        select(
            literal("subject").label("reason"),
            case((related, "related"), else_="keyword").label("link"),
            f1.subject.label("quantity"),
            *_pair_columns(f1, f2),
        )
        .select_from(f1)
        .join(
            f2,
            and_(
                f2.subject == f1.subject,
                f2.kind == f1.kind,
                f2.unit == f1.unit,
                f2.value_text != f1.value_text,
                f1.article_id < f2.article_id,
            ),
        )
        .where(
            f1.subject.is_not(None),
            f1.converts_id.is_(None),
            f2.converts_id.is_(None),
            or_(related, shared),
            *_among(article_ids, f1, f2),
        )
    )
