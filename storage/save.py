"""Idempotent saving of an article and everything derived from it.

The canonical URL is the key. In one transaction:
  new URL                          -> insert the article and its derived rows      ("new")
  same content hash + analysis     -> nothing changes                              ("unchanged")
  changed content or analysis      -> replace derived rows, bump revision, record  ("changed")
Rows a note-taker wrote (source = note) are not derived and survive a change.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import models as m
from storage.inputs import AnalysisIn, ArticleIn, PageIn
from storage.models import utcnow

SaveStatus = Literal["new", "changed", "unchanged"]
RAW_PAGE_COMPRESSION = 3  # level 6: twice the time for 10% smaller pages
IN_BATCH = 500  # values per IN (...) list, well under every backend's parameter limit


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: int
    status: SaveStatus
    revision: int


def save_article(
    engine: Engine,
    article: ArticleIn,
    analysis: AnalysisIn,
    *,
    page: PageIn | None = None,
    origin: str = "ingest",
) -> SaveResult:
    """Store `article` with `analysis` (and its raw `page`) in one transaction."""
    with Session(engine) as session, session.begin():
        result = save_in_session(session, article, analysis, origin=origin)
        if page is not None:
            save_raw_page(session, page, article_id=result.article_id)
        return result


def save_in_session(
    session: Session, article: ArticleIn, analysis: AnalysisIn, *, origin: str = "ingest"
) -> SaveResult:
    conn = session.connection()
    content_hash = article.content_hash()
    values: dict[str, Any] = {
        "url": article.url,
        "site": article.site,
        "press_id": _press_id(conn, article.press, article.press_code),
        "title": article.title,
        "section": article.section,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "original_url": article.original_url,
        "body_text": "\n\n".join(b.text for b in article.blocks if b.kind == "paragraph"),
        "parser": article.parser,
        "parser_version": article.parser_version,
        "analysis_version": analysis.version,
        "content_hash": content_hash,
        "origin": origin,
    }
    new_id = conn.execute(_insert_article(conn.dialect.name), values).scalar_one_or_none()
    if new_id is not None:
        _insert_derived(conn, new_id, article, analysis)
        conn.execute(_LINK_RELATED, {"b_url": article.url, "b_article_id": new_id})
        return SaveResult(new_id, "new", 1)

    row = conn.execute(_STORED_VERSION, {"url": article.url}).one()
    if row.content_hash == content_hash and row.analysis_version == analysis.version:
        return SaveResult(row.id, "unchanged", row.revision)

    revision = row.revision + 1
    values.pop("origin")  # an imported note that is later ingested stays a note's article
    conn.execute(
        update(_articles)
        .where(_articles.c.id == row.id)
        .values(**values, revision=revision, stored_at=utcnow())
    )
    conn.execute(
        insert(_table(m.ArticleRevision)),
        {
            "article_id": row.id,
            "revision": revision,
            "content_hash": content_hash,
            "title": article.title,
        },
    )
    delete_derived(session, row.id)
    _insert_derived(conn, row.id, article, analysis)
    return SaveResult(row.id, "changed", revision)


def delete_derived(session: Session, article_id: int) -> None:
    """Remove what analysis and parsing produced; keep what a note-taker wrote."""
    for model in (m.Figure, m.Quote, m.Keyword, m.Author, m.Image, m.ArticleSubheading):
        session.execute(delete(model).where(model.article_id == article_id))
    session.execute(
        delete(m.Highlight).where(
            m.Highlight.article_id == article_id, m.Highlight.source != "note"
        )
    )
    session.execute(
        delete(m.Evidence).where(m.Evidence.article_id == article_id, m.Evidence.source != "note")
    )
    session.execute(
        delete(m.RelatedLink).where(
            m.RelatedLink.article_id == article_id, m.RelatedLink.source != "note"
        )
    )
    session.execute(
        delete(m.ArticleGlossary).where(
            m.ArticleGlossary.article_id == article_id, m.ArticleGlossary.source != "note"
        )
    )
    session.execute(delete(m.Sentence).where(m.Sentence.article_id == article_id))
    session.execute(delete(m.ArticleBlock).where(m.ArticleBlock.article_id == article_id))


# Statements are built once and executed on the session's connection: building a statement
# and passing it through the ORM session cost four times what SQLite spends running it.


def _table(model: type[m.Base]) -> Any:
    """The model's Core table: inserting into it skips the ORM's bulk-insert machinery,
    which costs more than the statement itself for rows of a few columns."""
    return m.Base.metadata.tables[model.__tablename__]


@cache
def _insert_ignore(dialect: str, model: type[m.Base]) -> Any:
    """INSERT that skips rows whose unique key is already stored."""
    if dialect == "postgresql":
        return postgresql.insert(_table(model)).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(_table(model)).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


@cache
def _insert_article(dialect: str) -> Any:
    return _insert_ignore(dialect, m.Article).returning(_table(m.Article).c.id)


_articles = _table(m.Article)
_STORED_VERSION = (
    select(
        _articles.c.id,
        _articles.c.content_hash,
        _articles.c.analysis_version,
        _articles.c.revision,
    )
    .where(_articles.c.url == bindparam("url"))
    .with_for_update()
)
_links = _table(m.RelatedLink)
_LINK_RELATED = (
    update(_links)
    .where(_links.c.url == bindparam("b_url"), _links.c.related_article_id.is_(None))
    .values(related_article_id=bindparam("b_article_id"))
)
_press = _table(m.Press)
_PRESS = select(_press.c.id, _press.c.naver_code).where(_press.c.name == bindparam("name"))
_PRESS_CODE = (
    update(_press).where(_press.c.id == bindparam("press_id")).values(naver_code=bindparam("code"))
)
_raw = _table(m.RawPage)
_RAW_PAGE_ID = select(_raw.c.id).where(_raw.c.url == bindparam("url"))


def _press_id(conn: Connection, name: str | None, code: str | None) -> int | None:
    if not name:
        return None
    press = conn.execute(_PRESS, {"name": name}).one_or_none()
    if press is None:
        conn.execute(_insert_ignore(conn.dialect.name, m.Press), {"name": name, "naver_code": code})
        press = conn.execute(_PRESS, {"name": name}).one()
    if code and not press.naver_code:
        conn.execute(_PRESS_CODE, {"press_id": press.id, "code": code})
    return int(press.id)


def _number(value: int | float | str | None) -> tuple[float | None, str | None]:
    """(sortable float, exact text) for a figure value; dates have no float."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return None, value
    return float(value), repr(value) if isinstance(value, float) else str(value)


def _insert_derived(
    conn: Connection, article_id: int, article: ArticleIn, analysis: AnalysisIn
) -> None:
    if article.subheadings:
        conn.execute(
            insert(_table(m.ArticleSubheading)),
            [
                {"article_id": article_id, "position": i, "text": t}
                for i, t in enumerate(article.subheadings)
            ],
        )
    if article.authors:
        conn.execute(
            insert(_table(m.Author)),
            [
                {"article_id": article_id, "position": i, "name": a.name, "email": a.email}
                for i, a in enumerate(article.authors)
            ],
        )
    if article.images:
        conn.execute(
            insert(_table(m.Image)),
            [
                {"article_id": article_id, "position": i, "url": im.url, "caption": im.caption}
                for i, im in enumerate(article.images)
            ],
        )
    if article.related:
        urls = [link.url for link in article.related]
        stored = _ids_by(conn, m.Article.url, m.Article.id, urls)
        conn.execute(
            insert(_table(m.RelatedLink)),
            [
                {
                    "article_id": article_id,
                    "position": i,
                    "url": link.url,
                    "title": link.title,
                    "press": link.press,
                    "source": "page",
                    "related_article_id": stored.get(link.url),
                }
                for i, link in enumerate(article.related)
            ],
        )
    block_ids = _insert_returning_ids(
        conn,
        m.ArticleBlock,
        [
            {"article_id": article_id, "position": i, "kind": str(b.kind), "text": b.text}
            for i, b in enumerate(article.blocks)
        ],
        key=("position",),
    )
    sentence_ids = dict(
        zip(
            (s.index for s in analysis.sentences),
            _insert_returning_ids(
                conn,
                m.Sentence,
                [
                    {
                        "article_id": article_id,
                        "block_id": block_ids[s.block_index],
                        "position": s.index,
                        "start": s.start,
                        "end": s.end,
                        "text": s.text,
                    }
                    for s in analysis.sentences
                ],
                key=("position",),
            ),
            strict=True,
        )
    )
    _insert_figures(conn, article_id, analysis, sentence_ids)
    texts = {s.index: s.text for s in analysis.sentences}
    if analysis.keywords:
        conn.execute(
            insert(_table(m.Keyword)),
            [
                {"article_id": article_id, "term": k.term, "score": k.score, "rank": k.rank}
                for k in analysis.keywords
            ],
        )
    if analysis.quotes:
        conn.execute(
            insert(_table(m.Quote)),
            [
                {
                    "article_id": article_id,
                    "sentence_id": sentence_ids.get(q.sentence_index),
                    "speaker": q.speaker,
                    "text": q.text,
                }
                for q in analysis.quotes
            ],
        )
    if analysis.summary:
        conn.execute(
            insert(_table(m.Highlight)),
            [
                {
                    "article_id": article_id,
                    "sentence_id": sentence_ids.get(i),
                    "source": "summary",
                    "rank": rank,
                    "text": texts.get(i, ""),
                }
                for rank, i in enumerate(analysis.summary, start=1)
            ],
        )
    if analysis.evidence:
        conn.execute(
            insert(_table(m.Evidence)),
            [
                {
                    "article_id": article_id,
                    "sentence_id": sentence_ids.get(i),
                    "position": pos,
                    "source": "auto",
                    "text": texts.get(i, ""),
                }
                for pos, i in enumerate(analysis.evidence)
            ],
        )
    link_glossary_terms(
        conn, article_id, [(g.term, g.definitions) for g in analysis.glossary], source="auto"
    )


def _insert_returning_ids(
    conn: Connection, model: type[m.Base], rows: list[dict[str, Any]], key: tuple[str, ...]
) -> list[int]:
    """Insert many rows in one statement; their ids in the order given.

    Rows are matched to ids by their `key` columns (unique among `rows`), not by the
    order RETURNING gives: with that order asked for, SQLAlchemy sends SQLite one INSERT
    per row, which made saving an article five times slower.
    """
    if not rows:
        return []
    table = _table(model)
    stmt = insert(table).returning(table.c.id, *(table.c[k] for k in key))
    ids = {tuple(found[1:]): found[0] for found in conn.execute(stmt, rows)}
    return [ids[tuple(row[k] for k in key)] for row in rows]


def _insert_figures(
    conn: Connection, article_id: int, analysis: AnalysisIn, sentence_ids: dict[int, int]
) -> None:
    rows: list[dict[str, Any]] = []
    converts: list[tuple[int, int]] = []  # (row, row it converts), both indices into rows
    for s in analysis.sentences:
        first = len(rows)
        for pos, f in enumerate(s.figures):
            value, value_text = _number(f.value)
            range_to, range_to_text = _number(f.range_to)
            if f.converts is not None and 0 <= f.converts < pos:
                converts.append((len(rows), first + f.converts))
            rows.append(
                {
                    "article_id": article_id,
                    "sentence_id": sentence_ids[s.index],
                    "position": pos,
                    "text": f.text,
                    "start": f.start,
                    "end": f.end,
                    "kind": f.kind,
                    "value": value,
                    "value_text": value_text or "",
                    "unit": f.unit,
                    "approx": f.approx,
                    "range_to": range_to,
                    "range_to_text": range_to_text,
                    "direction": f.direction,
                    "subject": f.subject,
                }
            )
    ids = _insert_returning_ids(conn, m.Figure, rows, key=("sentence_id", "position"))
    if converts:
        figures = _table(m.Figure)
        conn.execute(
            update(figures).where(figures.c.id == bindparam("fid")),
            [{"fid": ids[row], "converts_id": ids[target]} for row, target in converts],
        )


def link_glossary(
    session: Session, article_id: int, term: str, definitions: Any, *, source: str
) -> int:
    """Attach `term` (created if new) and any new definitions to an article."""
    return link_glossary_terms(session, article_id, [(term, definitions)], source=source)[term]


def link_glossary_terms(
    db: Session | Connection,
    article_id: int,
    entries: Sequence[tuple[str, Iterable[str]]],
    *,
    source: str,
) -> dict[str, int]:
    """Attach terms (created if new) with their new definitions to an article; their ids.

    Four statements whatever the number of terms.
    """
    if not entries:
        return {}
    conn = db.connection() if isinstance(db, Session) else db
    dialect = conn.dialect.name
    terms = list(dict.fromkeys(term for term, _ in entries))
    conn.execute(_insert_ignore(dialect, m.GlossaryTerm), [{"term": t} for t in terms])
    ids = _ids_by(conn, m.GlossaryTerm.term, m.GlossaryTerm.id, terms)
    known: dict[int, set[str]] = defaultdict(set)
    term_ids = sorted(set(ids.values()))
    for i in range(0, len(term_ids), IN_BATCH):
        stored = select(m.GlossaryDefinition.term_id, m.GlossaryDefinition.text).where(
            m.GlossaryDefinition.term_id.in_(term_ids[i : i + IN_BATCH])
        )
        for term_id, text in conn.execute(stored):
            known[term_id].add(text)
    new_definitions: list[dict[str, Any]] = []
    for term, definitions in entries:
        have = known[ids[term]]
        for text in definitions:
            if text not in have:
                new_definitions.append(
                    {"term_id": ids[term], "position": len(have), "text": text, "source": source}
                )
                have.add(text)
    if new_definitions:
        conn.execute(insert(_table(m.GlossaryDefinition)), new_definitions)
    conn.execute(
        _insert_ignore(dialect, m.ArticleGlossary),
        [{"article_id": article_id, "term_id": ids[t], "source": source} for t in terms],
    )
    return ids


def _ids_by(conn: Connection, key: Any, id_column: Any, values: Sequence[str]) -> dict[str, int]:
    """{value: id} of the rows whose `key` column is one of `values` (batched IN lists)."""
    ids: dict[str, int] = {}
    for i in range(0, len(values), IN_BATCH):
        found = select(key, id_column).where(key.in_(values[i : i + IN_BATCH]))
        ids.update({value: int(id_) for value, id_ in conn.execute(found)})
    return ids


def save_raw_page(session: Session, page: PageIn, *, article_id: int | None = None) -> None:
    """Keep the latest bytes fetched for a URL (compressed), with its validators."""
    conn = session.connection()
    headers = {k.lower(): v for k, v in page.headers.items()}
    values: dict[str, Any] = {
        "final_url": page.final_url,
        "status": page.status,
        "headers": headers,
        "charset": page.charset,
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "content": zlib.compress(page.content, RAW_PAGE_COMPRESSION),
        "fetched_at": page.fetched_at,
    }
    if article_id is not None:
        values["article_id"] = article_id
    existing = conn.execute(_RAW_PAGE_ID, {"url": page.url}).scalar_one_or_none()
    if existing is None:
        conn.execute(_insert_ignore(conn.dialect.name, m.RawPage), {"url": page.url, **values})
    else:
        conn.execute(update(_raw).where(_raw.c.id == existing).values(**values))


def load_raw_content(blob: bytes) -> bytes:
    return zlib.decompress(blob)
