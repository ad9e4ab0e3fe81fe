"""Named reports: the common questions about the store, one name each.

`REPORTS` maps a name to a `Report`: what it answers, which filters it reads, and a function
that builds a parameterised SQLAlchemy query from `ReportFilters` (user values are always
bound parameters). `run_report` runs one on a read-only connection and streams its rows, with
times converted to KST.

Periods are KST calendar days, both ends included: `since=2024-03-01, until=2024-03-07` is
every article published from 2024-03-01 00:00 to 2024-03-07 24:00 KST.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from storage import models as m
from storage.errors import ReportUnavailable, StorageError, UnknownReport
from storage.readonly import QueryRows, open_readonly, stream

KST = timezone(timedelta(hours=9), "KST")
TOP_KEYWORDS = 5  # keywords listed per article in `articles`
FIGURE_DIFF_MODULE = "storage.figure_diff"


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """What a user may narrow a report by; each report reads the ones it lists."""

    since: date | None = None  # first KST day, included
    until: date | None = None  # last KST day, included
    press: str | None = None  # press name, exactly as stored (e.g. 한국경제)
    keyword: str | None = None
    kind: str | None = None  # figure kind (money, percent, …)
    unit: str | None = None  # figure unit (KRW, %, 명, …)
    limit: int | None = None  # None: the report's default; 0: no limit
    term: str | None = None  # the positional argument of keyword-trend
    min_presses: int | None = None  # stories: carried by at least this many presses


AnySelect = Select[*tuple[Any, ...]]
Builder = Callable[[ReportFilters, str], AnySelect]
Runner = Callable[[str, ReportFilters], QueryRows]


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    description: str
    filters: tuple[str, ...]  # names of the ReportFilters fields it reads
    default_limit: int
    build: Builder | None = None
    run: Runner | None = None  # reports not expressed as one query (figure-diff)
    argument: str | None = None  # a required positional argument, e.g. TERM
    default_days: int | None = None  # a period ending at the newest article, if none given


# --- time ----------------------------------------------------------------------------------


def kst_start(day: date) -> datetime:
    """The UTC instant a KST calendar day begins."""
    return datetime.combine(day, time(), KST).astimezone(UTC)


def to_kst(value: Any) -> Any:
    return value.astimezone(KST) if isinstance(value, datetime) and value.tzinfo else value


def kst_day(column: Any, dialect: str) -> ColumnElement[str]:
    """'YYYY-MM-DD' of a UTC timestamp column in KST (constants inline, so GROUP BY matches)."""
    if dialect == "postgresql":
        zone: ColumnElement[str] = literal_column("'Asia/Seoul'")
        return func.to_char(func.timezone(zone, column), literal_column("'YYYY-MM-DD'"))
    return func.date(column, literal_column("'+9 hours'"))


def _period(column: Any, f: ReportFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.since is not None:
        conds.append(column >= kst_start(f.since))
    if f.until is not None:
        conds.append(column < kst_start(f.until + timedelta(days=1)))
    return conds


# --- shared filters ------------------------------------------------------------------------


def _article_filters(f: ReportFilters, *, keyword: bool = True) -> list[ColumnElement[bool]]:
    conds = _period(m.Article.published_at, f)
    if f.press:
        conds.append(m.Article.press_id.in_(select(m.Press.id).where(m.Press.name == f.press)))
    if keyword and f.keyword:
        conds.append(_has_keyword(f.keyword))
    return conds


def _has_keyword(term: str) -> ColumnElement[bool]:
    k = aliased(m.Keyword)  # the outer query may itself read keywords
    return exists().where(k.article_id == m.Article.id, k.term == term).correlate(m.Article)


def _limited(query: AnySelect, f: ReportFilters, default: int) -> AnySelect:
    limit = default if f.limit is None else f.limit
    return query.limit(limit) if limit > 0 else query


def _top_keywords(dialect: str) -> Any:
    k = aliased(m.Keyword)
    where = and_(k.article_id == m.Article.id, k.rank <= TOP_KEYWORDS)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        agg = func.string_agg(k.term, aggregate_order_by(literal_column("', '"), k.rank))
        return select(agg).where(where).scalar_subquery()
    # SQLite 3.40 has no ORDER BY inside group_concat: an ordered subquery keeps the order.
    ordered = select(k.term).where(where).order_by(k.rank).correlate(m.Article).subquery()
    return select(func.group_concat(ordered.c.term, literal_column("', '"))).scalar_subquery()


# --- the reports ---------------------------------------------------------------------------


def articles_query(f: ReportFilters, dialect: str) -> AnySelect:
    q = (
        select(
            m.Article.id,
            m.Article.published_at.label("published_kst"),
            m.Press.name.label("press"),
            m.Article.title,
            _top_keywords(dialect).label("top_keywords"),
            m.Article.url,
        )
        .outerjoin(m.Press, m.Press.id == m.Article.press_id)
        .where(*_article_filters(f))
        .order_by(m.Article.published_at.desc().nulls_last(), m.Article.id.desc())
    )
    return _limited(q, f, REPORTS["articles"].default_limit)


def keywords_query(f: ReportFilters, dialect: str) -> AnySelect:
    assert f.since is not None, "run_report fills the period"
    assert f.until is not None
    start, end = kst_start(f.since), kst_start(f.until + timedelta(days=1))
    previous_start = start - (end - start)
    in_period = m.Article.published_at >= start
    current = func.count(distinct(case((in_period, m.Keyword.article_id))))
    previous = func.count(distinct(case((~in_period, m.Keyword.article_id))))
    window = replace(f, since=None, until=None)
    q = (
        select(
            m.Keyword.term,
            current.label("articles"),
            previous.label("previous"),
            (current - previous).label("change"),
        )
        .join(m.Article, m.Article.id == m.Keyword.article_id)
        .where(
            m.Article.published_at >= previous_start,
            m.Article.published_at < end,
            *_article_filters(window),
        )
        .group_by(m.Keyword.term)
        .having(current > 0)
        .order_by(current.desc(), (current - previous).desc(), m.Keyword.term)
    )
    if f.keyword:  # terms seen with this one: leave the keyword itself out
        q = q.where(m.Keyword.term != f.keyword)
    return _limited(q, f, REPORTS["keywords"].default_limit)


def keyword_trend_query(f: ReportFilters, dialect: str) -> AnySelect:
    day = kst_day(m.Article.published_at, dialect).label("day")
    q = (
        select(day, func.count(distinct(m.Keyword.article_id)).label("articles"))
        .join(m.Article, m.Article.id == m.Keyword.article_id)
        .where(m.Keyword.term == f.term, *_article_filters(f, keyword=False))
        .group_by(day)
        .order_by(day)
    )
    return _limited(q, f, REPORTS["keyword-trend"].default_limit)


def figures_query(f: ReportFilters, dialect: str) -> AnySelect:
    q = (
        select(
            m.Figure.article_id,
            m.Article.published_at.label("published_kst"),
            m.Press.name.label("press"),
            m.Figure.kind,
            m.Figure.text.label("figure"),
            m.Figure.value_text.label("value"),
            m.Figure.unit,
            m.Figure.approx,
            m.Sentence.text.label("sentence"),
        )
        .join(m.Article, m.Article.id == m.Figure.article_id)
        .outerjoin(m.Sentence, m.Sentence.id == m.Figure.sentence_id)
        .outerjoin(m.Press, m.Press.id == m.Article.press_id)
        .where(*_article_filters(f, keyword=False))
        .order_by(
            m.Article.published_at.desc().nulls_last(),
            m.Figure.article_id.desc(),
            m.Sentence.position,
            m.Figure.position,
        )
    )
    if f.kind:
        q = q.where(m.Figure.kind == f.kind)
    if f.unit:
        q = q.where(m.Figure.unit == f.unit)
    if f.keyword:  # an article keyword, the figure's subject, or a word in its sentence
        q = q.where(
            or_(
                _has_keyword(f.keyword),
                m.Figure.subject == f.keyword,
                m.Sentence.text.contains(f.keyword, autoescape=True),
            )
        )
    return _limited(q, f, REPORTS["figures"].default_limit)


def quotes_query(f: ReportFilters, dialect: str) -> AnySelect:
    q = (
        select(
            m.Quote.article_id,
            m.Article.published_at.label("published_kst"),
            m.Press.name.label("press"),
            m.Quote.speaker,
            m.Quote.text.label("quote"),
            m.Article.title,
        )
        .join(m.Article, m.Article.id == m.Quote.article_id)
        .outerjoin(m.Press, m.Press.id == m.Article.press_id)
        .where(*_article_filters(f, keyword=False))
        .order_by(m.Article.published_at.desc().nulls_last(), m.Quote.id)
    )
    if f.keyword:  # the speaker, an article keyword, or a word in the quote
        q = q.where(
            or_(
                m.Quote.speaker == f.keyword,
                _has_keyword(f.keyword),
                m.Quote.text.contains(f.keyword, autoescape=True),
            )
        )
    return _limited(q, f, REPORTS["quotes"].default_limit)


def press_query(f: ReportFilters, dialect: str) -> AnySelect:
    count = func.count(m.Article.id)
    days = func.count(distinct(kst_day(m.Article.published_at, dialect)))
    q = (
        select(
            func.coalesce(m.Press.name, "(unknown)").label("press"),
            count.label("articles"),
            days.label("days"),
            func.min(m.Article.published_at).label("first_kst"),
            func.max(m.Article.published_at).label("last_kst"),
        )
        .select_from(m.Article)
        .outerjoin(m.Press, m.Press.id == m.Article.press_id)
        .where(*_article_filters(f))
        .group_by(m.Press.name)
        .order_by(count.desc(), m.Press.name)
    )
    return _limited(q, f, REPORTS["press"].default_limit)


def runs_query(f: ReportFilters, dialect: str) -> AnySelect:
    i = m.RunItem

    def status_count(*statuses: str) -> Any:
        return func.count(case((i.status.in_(statuses), 1)))

    q = (
        select(
            m.Run.id.label("run_id"),
            m.Run.kind,
            m.Run.status,
            m.Run.started_at.label("started_kst"),
            m.Run.finished_at.label("finished_kst"),
            func.count(i.id).label("items"),
            status_count("new").label("new"),
            status_count("changed").label("changed"),
            status_count("unchanged").label("unchanged"),
            status_count("not_modified").label("not_modified"),
            status_count("failed").label("failed"),
            status_count("pending", "claimed").label("pending"),
            m.Run.host,
        )
        .outerjoin(i, i.run_id == m.Run.id)
        .where(*_period(m.Run.started_at, f))
        .group_by(m.Run.id)
        .order_by(m.Run.started_at.desc(), m.Run.id.desc())
    )
    return _limited(q, f, REPORTS["runs"].default_limit)


def stories_report_query(f: ReportFilters, dialect: str) -> AnySelect:
    from storage.story_reads import stories_query

    q = stories_query(
        since=kst_start(f.since) if f.since else None,
        until=kst_start(f.until + timedelta(days=1)) if f.until else None,
        press=f.press,
        keyword=f.keyword,
        min_presses=f.min_presses,
    )
    s = q.selected_columns
    q = q.with_only_columns(
        s.id.label("story_id"),
        s.first_at.label("first_kst"),
        s.last_at.label("last_kst"),
        s.presses,
        s.articles,
        s.headline,
    )
    return _limited(q, f, REPORTS["stories"].default_limit)


def run_figure_diff(url: str, f: ReportFilters) -> QueryRows:
    """Delegates to storage.figure_diff (one quantity told differently by related articles)."""
    try:
        module = importlib.import_module(FIGURE_DIFF_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != FIGURE_DIFF_MODULE:
            raise
        raise ReportUnavailable(
            "report figure-diff is not available in this version (storage.figure_diff missing)"
        ) from exc
    limit = REPORTS["figure-diff"].default_limit if f.limit is None else f.limit
    engine, conn = open_readonly(url)
    conn.close()
    try:
        result = module.figure_diff(
            engine,
            since=kst_start(f.since) if f.since else None,
            until=kst_start(f.until + timedelta(days=1)) if f.until else None,
            press=f.press,
            limit=limit or None,  # 0: no limit
        )
        rows = as_query_rows(result, on_close=engine.dispose)
        return rows if rows.columns else QueryRows(tuple(getattr(module, "COLUMNS", ())), rows.rows)
    except BaseException:
        engine.dispose()
        raise


def as_query_rows(result: Any, *, on_close: Callable[[], None]) -> QueryRows:
    """Columns and rows from whatever figure_diff returns: QueryRows, Rows, dicts, dataclasses."""
    items: Iterator[Any]
    if isinstance(result, QueryRows):
        columns, items = result.columns, iter(result.rows)
    elif (
        hasattr(result, "keys") and hasattr(result, "__iter__") and not isinstance(result, Mapping)
    ):
        columns = tuple(result.keys())
        items = iter(result)
    else:
        items = iter(result if isinstance(result, Iterable) else ())
        first = next(items, None)
        if first is None:
            on_close()
            return QueryRows((), iter(()))
        columns = tuple(_record(first))
        items = _chain(first, items)

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for item in items:
                values = _record(item)
                yield tuple(to_kst(values[c]) for c in columns) if values else tuple(item)
        finally:
            on_close()

    return QueryRows(columns, rows())


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _record(item: Any) -> dict[str, Any]:
    if is_dataclass(item) and not isinstance(item, type):
        return asdict(item)
    if isinstance(item, Mapping):
        return dict(item)
    if hasattr(item, "_mapping"):
        return dict(item._mapping)
    if hasattr(item, "_asdict"):
        return dict(item._asdict())
    return {}


COMMON = ("since", "until", "press", "keyword", "limit")

REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            "articles",
            "Newest articles: time (KST), press, title, top keywords, URL.",
            COMMON,
            50,
            build=articles_query,
        ),
        Report(
            "keywords",
            "Top keywords in a period (default: the 7 days up to the newest article), "
            "with their count in the previous period of equal length and the change.",
            COMMON,
            30,
            build=keywords_query,
            default_days=7,
        ),
        Report(
            "keyword-trend",
            "Articles per KST day carrying keyword TERM (default: the 90 days up to the "
            "newest article; days without it are left out).",
            ("since", "until", "press", "limit"),
            366,
            build=keyword_trend_query,
            argument="TERM",
            default_days=90,
        ),
        Report(
            "figures",
            "Figures with their sentence, newest first; --kind money|percent|…, --unit "
            "KRW|%|명|…; --keyword matches an article keyword, the figure's subject or "
            "a word in its sentence.",
            (*COMMON, "kind", "unit"),
            50,
            build=figures_query,
        ),
        Report(
            "quotes",
            "Quotes with their speaker, newest first; --keyword matches the speaker, an "
            "article keyword or a word in the quote.",
            COMMON,
            50,
            build=quotes_query,
        ),
        Report(
            "press",
            "Articles per press: count, active days, first and last article (KST).",
            COMMON,
            50,
            build=press_query,
        ),
        Report(
            "runs",
            "Recent batch and worker runs (newsnote ingest records none) with their items "
            "by outcome (the period filters start time).",
            ("since", "until", "limit"),
            20,
            build=runs_query,
        ),
        Report(
            "stories",
            "Stories (one event across presses) with an article in the period, most presses "
            "first: first and last article (KST), presses, articles, headline; --press and "
            "--keyword match any of its articles.",
            (*COMMON, "min_presses"),
            50,
            build=stories_report_query,
        ),
        Report(
            "figure-diff",
            "The same quantity reported differently by related articles (or articles sharing "
            "a keyword), with both sentences and sources.",
            ("since", "until", "press", "limit"),
            50,
            run=run_figure_diff,
        ),
    )
}


def get_report(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        known = ", ".join(REPORTS)
        raise UnknownReport(f"no report named {name!r}; reports: {known}") from None


def run_report(url: str, name: str, filters: ReportFilters | None = None) -> QueryRows:
    """Run report `name` on a read-only connection to `url`; rows stream, times in KST."""
    report = get_report(name)
    f = filters or ReportFilters()
    if report.argument and not f.term:
        raise StorageError(f"report {name} needs {report.argument}")
    if f.since and f.until and f.since > f.until:
        raise StorageError(f"--since {f.since} is after --until {f.until}")
    if report.run is not None:
        return report.run(url, f)
    assert report.build is not None
    engine, conn = open_readonly(url)
    try:
        if report.default_days:
            f = _default_period(conn, f, report.default_days)
        query = report.build(f, conn.dialect.name)
    except BaseException:
        conn.close()
        engine.dispose()
        raise
    result = stream(conn, lambda c: c.execute(query), on_close=engine.dispose)
    rows = (tuple(to_kst(v) for v in row) for row in result.rows)
    return QueryRows(result.columns, rows)


def _default_period(conn: Connection, f: ReportFilters, days: int) -> ReportFilters:
    """Fill a missing end with the newest article's KST day, a missing start with `days` before."""
    until = f.until
    if until is None:
        newest = conn.execute(select(func.max(m.Article.published_at))).scalar_one_or_none()
        until = (newest or datetime.now(UTC)).astimezone(KST).date()
    since = f.since or until - timedelta(days=days - 1)
    return replace(f, since=since, until=until)


def newest_day(engine: Engine) -> date:
    """The KST day of the newest article (today when the store is empty)."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(m.Article.published_at))).scalar_one_or_none()
    return (newest or datetime.now(UTC)).astimezone(KST).date()
