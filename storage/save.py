"""Idempotent saving of an article and everything derived from it.

The canonical URL is the key. In one transaction:
  new URL                          -> insert the article and its derived rows      ("new")
  same content hash + analysis     -> nothing changes                              ("unchanged")
  changed content or analysis      -> replace derived rows, bump revision, record  ("changed")
Rows a note-taker wrote (source = note) are not derived and survive a change.
"""

from __future__ import annotations

import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import zstandard
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import for_reads, in_chunks
from storage.inputs import AnalysisIn, ArticleIn, PageIn
from storage.models import utcnow

SaveStatus = Literal["new", "changed", "unchanged"]
# zstd level 3: faster than the zlib earlier versions wrote, and smaller (docs/design.md);
# load_raw_content still reads both.
RAW_PAGE_COMPRESSION = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: int
    status: SaveStatus
    revision: int


def stored_unchanged(
    engine: Engine,
    url: str,
    content_hash: str,
    analysis_version: str,
    *,
    page: PageIn | None = None,
) -> SaveResult | None:
    """The article stored at `url` as an "unchanged" result when it has this content and
    analysis version (nothing to analyse or save again; its raw `page`, when given, is
    refreshed); else None."""
    with for_reads(engine).connect() as conn:
        stored = conn.execute(_STORED_VERSION, {"url": url}).one_or_none()
    if stored is None or not _unchanged(stored, content_hash, analysis_version):
        return None
    if page is not None:
        save_raw_page(engine, page, article_id=stored.id)
    return SaveResult(stored.id, "unchanged", stored.revision)


def _unchanged(stored: Any, content_hash: str, analysis_version: str) -> bool:
    """The one "unchanged?" rule: same content hash and same analysis version."""
    return bool(stored.content_hash == content_hash and stored.analysis_version == analysis_version)


def save_article(
    engine: Engine,
    article: ArticleIn,
    analysis: AnalysisIn,
    *,
    page: PageIn | None = None,
    origin: str = "ingest",
    content_hash: str | None = None,
) -> SaveResult:
    """Store `article` with `analysis` (and its raw `page`) in one transaction.

    `content_hash` is `article.content_hash()` when the caller computed it already.
    """
    with engine.begin() as conn:
        result = _save(conn, article, analysis, origin=origin, content_hash=content_hash)
        if page is not None:
            _save_raw_page(conn, page, article_id=result.article_id)
        return result


def save_in_session(
    session: Session, article: ArticleIn, analysis: AnalysisIn, *, origin: str = "ingest"
) -> SaveResult:
    return _save(session.connection(), article, analysis, origin=origin)


def _save(
    conn: Connection,
    article: ArticleIn,
    analysis: AnalysisIn,
    *,
    origin: str,
    content_hash: str | None = None,
) -> SaveResult:
    content_hash = content_hash or article.content_hash()
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
        _lock_keyword_counts(conn, None, analysis)
        _insert_derived(conn, new_id, article, analysis)
        conn.execute(_LINK_RELATED, {"b_id": new_id, "b_url": article.url})
        return SaveResult(new_id, "new", 1)

    row = conn.execute(_STORED_VERSION, {"url": article.url}).one()
    if _unchanged(row, content_hash, analysis.version):
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
    _lock_keyword_counts(conn, row.id, analysis)
    delete_derived(conn, row.id)
    _insert_derived(conn, row.id, article, analysis)
    return SaveResult(row.id, "changed", revision)


def _lock_keyword_counts(conn: Connection, article_id: int | None, analysis: AnalysisIn) -> None:
    """On PostgreSQL, lock the `keyword_terms` rows of every term this save deletes or adds,
    all at once in term order, before the triggers on `keywords` update them one by one.

    Taken one by one, old terms as they are deleted and then new ones as they are inserted,
    concurrent saves sharing terms locked them in different orders and deadlocked. SQLite
    runs one write transaction at a time (BEGIN IMMEDIATE), so it needs no lock.
    """
    if conn.dialect.name != "postgresql":
        return
    terms = {k.term for k in analysis.keywords}
    if article_id is not None:
        terms.update(conn.execute(_ARTICLE_TERMS, {"article_id": article_id}).scalars())
    if terms:
        conn.execute(_LOCK_TERMS, [{"term": t, "articles": 0} for t in sorted(terms)])


def delete_derived(session: Session | Connection, article_id: int) -> None:
    """Remove what analysis and parsing produced; keep what a note-taker wrote."""
    for statement in _DELETE_DERIVED:
        session.execute(statement, {"article_id": article_id})


# Statements are built once and executed on the transaction's connection: building a statement
# and passing it through the ORM session costs several times what SQLite spends running it.


def _table(model: type[m.Base]) -> Any:
    """The model's Core table: inserting into it skips the ORM's bulk-insert machinery,
    which costs more than the statement itself for rows of a few columns."""
    return m.Base.metadata.tables[model.__tablename__]


def _dialect_insert(dialect: str, table: Any) -> Any:
    """INSERT with the backend's ON CONFLICT clauses."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


@cache
def _insert_ignore(dialect: str, model: type[m.Base]) -> Any:
    """INSERT that skips rows whose unique key is already stored."""
    return _dialect_insert(dialect, _table(model)).on_conflict_do_nothing()


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
_related = _table(m.RelatedLink)
# An article stored now is the target of the links other articles made to its URL.
_LINK_RELATED = (
    update(_related)
    .where(_related.c.url == bindparam("b_url"), _related.c.related_article_id.is_(None))
    .values(related_article_id=bindparam("b_id"))
)
_press = _table(m.Press)
_PRESS = select(_press.c.id, _press.c.naver_code).where(_press.c.name == bindparam("name"))
_PRESS_CODE = (
    update(_press).where(_press.c.id == bindparam("b_id")).values(naver_code=bindparam("b_code"))
)
_figures = _table(m.Figure)
_CONVERTS = (
    update(_figures)
    .where(_figures.c.id == bindparam("b_id"))
    .values(converts_id=bindparam("b_converts"))
)
_glossary_terms = _table(m.GlossaryTerm)
_definitions = _table(m.GlossaryDefinition)
_raw = _table(m.RawPage)


def _delete_rows(model: type[m.Base], *, keep_notes: bool = False) -> Any:
    """DELETE of the article's rows (`article_id`); with `keep_notes`, not a note-taker's."""
    table = _table(model)
    where = [table.c.article_id == bindparam("article_id")]
    if keep_notes:
        where.append(table.c.source != "note")
    return delete(table).where(*where)


_DELETE_DERIVED = [
    *map(_delete_rows, (m.Figure, m.Quote, m.Keyword, m.Author, m.Image, m.ArticleSubheading)),
    *(
        _delete_rows(model, keep_notes=True)
        for model in (m.Highlight, m.Evidence, m.RelatedLink, m.ArticleGlossary)
    ),
    _delete_rows(m.Sentence),
    _delete_rows(m.ArticleBlock),
]


def _press_id(conn: Connection, name: str | None, code: str | None) -> int | None:
    if not name:
        return None
    found = conn.execute(_PRESS, {"name": name}).first()
    if found is None:
        conn.execute(_insert_ignore(conn.dialect.name, m.Press), {"name": name, "naver_code": code})
        found = conn.execute(_PRESS, {"name": name}).one()
    press_id, naver_code = found
    if code and not naver_code:
        conn.execute(_PRESS_CODE, {"b_id": press_id, "b_code": code})
    return int(press_id)


def _number(value: int | float | str | None) -> tuple[float | None, str | None]:
    """(sortable float, exact text) for a figure value; dates have no float."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return None, value
    return float(value), repr(value) if isinstance(value, float) else str(value)


class _Insert:
    """An INSERT of some columns of a table, its rows given as tuples in that order."""

    def __init__(
        self, model: type[m.Base], columns: tuple[str, ...], key: tuple[str, ...] = ()
    ) -> None:
        self.table = _table(model)
        self.columns = columns
        self._insert = insert(self.table)
        self._key = key
        # with the key columns, to match returned ids to rows: neither backend promises to
        # return rows in the order of the parameters
        self._returning = (
            self._insert.returning(*(self.table.c[k] for k in key), self.table.c.id)
            if key
            else None
        )

    def many(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            conn.execute(self._insert, [dict(zip(self.columns, r, strict=True)) for r in rows])

    def returning_ids(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> list[int]:
        """Insert the rows; their ids in the order given."""
        if not rows:
            return []
        params = [dict(zip(self.columns, r, strict=True)) for r in rows]
        assert self._returning is not None, "an insert returning ids needs a key"
        n = len(self._key)
        ids = {tuple(r[:n]): r[n] for r in conn.execute(self._returning, params)}
        return [int(ids[tuple(p[k] for k in self._key)]) for p in params]


_SUBHEADINGS = _Insert(m.ArticleSubheading, ("article_id", "position", "text"))
_AUTHORS = _Insert(m.Author, ("article_id", "position", "name", "email"))
_IMAGES = _Insert(m.Image, ("article_id", "position", "url", "caption"))
_RELATED = _Insert(
    m.RelatedLink,
    ("article_id", "position", "url", "title", "press", "source", "related_article_id"),
)
_BLOCKS = _Insert(m.ArticleBlock, ("article_id", "position", "kind", "text"), key=("position",))
_SENTENCES = _Insert(
    m.Sentence,
    ("article_id", "block_id", "position", "start", "end", "text", "summary_rank"),
    key=("position",),
)
_FIGURES = _Insert(
    m.Figure,
    (
        "article_id",
        "sentence_id",
        "position",
        "text",
        "start",
        "end",
        "kind",
        "value",
        "value_text",
        "unit",
        "approx",
        "range_to",
        "range_to_text",
        "direction",
        "subject",
    ),
    key=("sentence_id", "position"),
)
_KEYWORDS = _Insert(m.Keyword, ("article_id", "term", "score", "rank"))
_ARTICLE_TERMS = select(_table(m.Keyword).c.term).where(
    _table(m.Keyword).c.article_id == bindparam("article_id")
)
# A new term's row with no articles yet; an existing one updated to itself: either way the
# row is this transaction's until it ends.
_LOCK_TERMS = postgresql.insert(_table(m.KeywordTerm)).on_conflict_do_update(
    index_elements=["term"], set_={"articles": _table(m.KeywordTerm).c.articles}
)
_QUOTES = _Insert(m.Quote, ("article_id", "sentence_id", "speaker", "text"))
_HIGHLIGHTS = _Insert(m.Highlight, ("article_id", "sentence_id", "source", "rank", "text"))
_EVIDENCE = _Insert(m.Evidence, ("article_id", "sentence_id", "position", "source", "text"))
_DEFINITIONS = _Insert(m.GlossaryDefinition, ("term_id", "position", "text", "source"))


def _insert_derived(
    conn: Connection, article_id: int, article: ArticleIn, analysis: AnalysisIn
) -> None:
    _SUBHEADINGS.many(conn, [(article_id, i, t) for i, t in enumerate(article.subheadings)])
    _AUTHORS.many(conn, [(article_id, i, a.name, a.email) for i, a in enumerate(article.authors)])
    _IMAGES.many(conn, [(article_id, i, im.url, im.caption) for i, im in enumerate(article.images)])
    if article.related:
        stored = _ids_by(conn, _articles.c.url, [r.url for r in article.related])
        _RELATED.many(
            conn,
            [
                (article_id, i, r.url, r.title, r.press, "page", stored.get(r.url))
                for i, r in enumerate(article.related)
            ],
        )
    block_ids = _BLOCKS.returning_ids(
        conn, [(article_id, i, str(b.kind), b.text) for i, b in enumerate(article.blocks)]
    )
    sentences = analysis.sentences
    summary_rank = {i: rank for rank, i in enumerate(analysis.summary_ranking, start=1)}
    sentence_ids = dict(
        zip(
            (s.index for s in sentences),
            _SENTENCES.returning_ids(
                conn,
                [
                    (
                        article_id,
                        block_ids[s.block_index],
                        s.index,
                        s.start,
                        s.end,
                        s.text,
                        summary_rank.get(s.index),
                    )
                    for s in sentences
                ],
            ),
            strict=True,
        )
    )
    _insert_figures(conn, article_id, analysis, sentence_ids)
    texts = {s.index: s.text for s in sentences}
    _KEYWORDS.many(conn, [(article_id, k.term, k.score, k.rank) for k in analysis.keywords])
    _QUOTES.many(
        conn,
        [
            (article_id, sentence_ids.get(q.sentence_index), q.speaker, q.text)
            for q in analysis.quotes
        ],
    )
    _HIGHLIGHTS.many(
        conn,
        [
            (article_id, sentence_ids.get(i), "summary", rank, texts.get(i, ""))
            for rank, i in enumerate(analysis.summary, start=1)
        ],
    )
    _EVIDENCE.many(
        conn,
        [
            (article_id, sentence_ids.get(i), pos, "auto", texts.get(i, ""))
            for pos, i in enumerate(analysis.evidence)
        ],
    )
    link_glossary_terms(
        conn, article_id, [(g.term, g.definitions) for g in analysis.glossary], source="auto"
    )


def _insert_figures(
    conn: Connection, article_id: int, analysis: AnalysisIn, sentence_ids: dict[int, int]
) -> None:
    rows: list[tuple[Any, ...]] = []
    converts: list[tuple[int, int]] = []  # (row, row it converts), both indices into rows
    for s in analysis.sentences:
        first = len(rows)
        sentence_id = sentence_ids[s.index]
        for pos, f in enumerate(s.figures):
            value, value_text = _number(f.value)
            range_to, range_to_text = _number(f.range_to)
            if f.converts is not None and 0 <= f.converts < pos:
                converts.append((len(rows), first + f.converts))
            rows.append(
                (
                    article_id,
                    sentence_id,
                    pos,
                    f.text,
                    f.start,
                    f.end,
                    f.kind,
                    value,
                    value_text or "",
                    f.unit,
                    f.approx,
                    range_to,
                    range_to_text,
                    f.direction,
                    f.subject,
                )
            )
    ids = _FIGURES.returning_ids(conn, rows)
    if converts:
        conn.execute(
            _CONVERTS, [{"b_id": ids[row], "b_converts": ids[target]} for row, target in converts]
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
    terms = list(dict.fromkeys(term for term, _ in entries))
    dialect = conn.dialect.name
    conn.execute(_insert_ignore(dialect, m.GlossaryTerm), [{"term": t} for t in terms])
    ids = _ids_by(conn, _glossary_terms.c.term, terms)
    known: dict[int, set[str]] = defaultdict(set)
    for term_id, text in _in_batches(
        conn,
        select(_definitions.c.term_id, _definitions.c.text),
        _definitions.c.term_id,
        sorted(set(ids.values())),
    ):
        known[term_id].add(text)
    new_definitions: list[tuple[Any, ...]] = []
    for term, definitions in entries:
        have = known[ids[term]]
        for text in definitions:
            if text not in have:
                new_definitions.append((ids[term], len(have), text, source))
                have.add(text)
    _DEFINITIONS.many(conn, new_definitions)
    conn.execute(
        _insert_ignore(dialect, m.ArticleGlossary),
        [{"article_id": article_id, "term_id": ids[t], "source": source} for t in terms],
    )
    return ids


def _in_batches(
    conn: Connection, query: Select[Any], column: Any, values: Sequence[Any]
) -> Iterator[Any]:
    """The rows of `query` whose `column` is one of `values`, asked for in `IN` lists."""
    stmt = query.where(column.in_(bindparam("values", expanding=True)))
    for batch in in_chunks(values):
        yield from conn.execute(stmt, {"values": list(batch)})


def _ids_by(conn: Connection, column: Any, values: Sequence[str]) -> dict[str, int]:
    """{value: id} of the rows of `column`'s table whose `column` is one of `values`."""
    query = select(column, column.table.c.id)
    return {value: int(id_) for value, id_ in _in_batches(conn, query, column, values)}


def save_raw_page(engine: Engine, page: PageIn, *, article_id: int | None = None) -> None:
    """Keep the latest bytes fetched for a URL (compressed), with its validators."""
    with engine.begin() as conn:
        _save_raw_page(conn, page, article_id=article_id)


def _save_raw_page(conn: Connection, page: PageIn, *, article_id: int | None) -> None:
    headers = {k.lower(): v for k, v in page.headers.items()}
    values: dict[str, Any] = {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "headers": headers,
        "charset": page.charset,
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "content": compress_raw_content(page.content),
        "fetched_at": page.fetched_at,
    }
    if article_id is not None:
        values["article_id"] = article_id
    conn.execute(_upsert_raw_page(conn.dialect.name, tuple(values)), values)


@cache
def _upsert_raw_page(dialect: str, columns: tuple[str, ...]) -> Any:
    """INSERT of a URL's raw page that, when one is stored, replaces its `columns` instead."""
    stmt = _dialect_insert(dialect, _raw)
    return stmt.on_conflict_do_update(
        index_elements=[_raw.c.url], set_={c: stmt.excluded[c] for c in columns if c != "url"}
    )


def compress_raw_content(content: bytes) -> bytes:
    """A raw page's bytes as stored (a zstd frame); `load_raw_content` reads them back."""
    return _zstd.compressor.compress(content)


def load_raw_content(blob: bytes) -> bytes:
    """A raw page's bytes from their stored form: a zstd frame, or a zlib stream as versions
    before this one wrote."""
    if blob[:4] == ZSTD_MAGIC:
        return _zstd.decompressor.decompress(blob)
    return zlib.decompress(blob)


class _Zstd(threading.local):
    """A compressor and decompressor for each thread (an instance is not thread-safe), made
    once: making one costs a sixth of compressing a page."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=RAW_PAGE_COMPRESSION)
        self.decompressor = zstandard.ZstdDecompressor()


_zstd = _Zstd()  # threading.local runs __init__ again in each thread that uses it
