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
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any, Literal

import zstandard
from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Float,
    Integer,
    String,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import for_reads, param_mark, placeholders
from storage.inputs import AnalysisIn, ArticleIn, PageIn
from storage.models import utcnow

SaveStatus = Literal["new", "changed", "unchanged"]
# zstd level 3: faster than the zlib earlier versions wrote, and smaller (docs/design.md);
# load_raw_content still reads both.
RAW_PAGE_COMPRESSION = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
IN_BATCH = 500  # values per IN (...) list, well under every backend's parameter limit


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
        _run(conn, _LINK_RELATED, (new_id, article.url))
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
# and passing it through the ORM session cost four times what SQLite spends running it.


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
_LINK_RELATED = (
    "UPDATE related_links SET related_article_id = ? WHERE url = ? AND related_article_id IS NULL"
)
_PRESS = "SELECT id, naver_code FROM press WHERE name = ?"
_PRESS_CODE = "UPDATE press SET naver_code = ? WHERE id = ?"
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
    found = _run(conn, _PRESS, (name,))
    if not found:
        _run(
            conn,
            "INSERT INTO press (name, naver_code) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (name, code),
        )
        found = _run(conn, _PRESS, (name,))
    press_id, naver_code = found[0]
    if code and not naver_code:
        _run(conn, _PRESS_CODE, (code, press_id))
    return int(press_id)


def _number(value: int | float | str | None) -> tuple[float | None, str | None]:
    """(sortable float, exact text) for a figure value; dates have no float."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return None, value
    return float(value), repr(value) if isinstance(value, float) else str(value)


_PLAIN_TYPES = (Integer, Float, Boolean, String)  # Text is a String


class _Insert:
    """A plain INSERT of some columns, run on the driver's cursor with each row a tuple.

    For rows of a few columns, compiling the statement and processing each row's
    parameters in SQLAlchemy cost more than the database spends storing them, and even
    `exec_driver_sql` costs a third more than the cursor. Only for columns whose values
    the driver takes as they are (integers, floats, booleans, text). A failure raises the
    driver's own error (SQLAlchemy does not wrap it); the transaction still rolls back.
    """

    def __init__(self, model: type[m.Base], columns: tuple[str, ...]) -> None:
        table = _table(model)
        for name in columns:
            if not isinstance(table.c[name].type, _PLAIN_TYPES):
                raise TypeError(f"{table.name}.{name} needs SQLAlchemy's type processing")
        self.columns = columns
        names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end", "position", "rank"
        self._into = f"INSERT INTO {table.name} ({names}) VALUES "

    def many(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            with closing(conn.connection.cursor()) as cursor:
                cursor.executemany(self._into + f"({placeholders(conn, len(self.columns))})", rows)

    def returning_ids(
        self, conn: Connection, rows: Sequence[tuple[Any, ...]], key: tuple[str, ...]
    ) -> list[int]:
        """Insert the rows with multi-row VALUES; their ids in the order given.

        Rows are matched to ids by their `key` columns (unique among `rows`): neither
        backend promises to return rows in the order of VALUES.
        """
        row_key = itemgetter(*(self.columns.index(k) for k in key))
        returned_key = itemgetter(*range(len(key)))  # RETURNING gives the key, then the id
        returning = ", ".join(f'"{k}"' for k in key)
        row = f"({placeholders(conn, len(self.columns))})"
        ids: dict[Any, int] = {}
        with closing(conn.connection.cursor()) as cursor:
            for i in range(0, len(rows), IN_BATCH):
                batch = rows[i : i + IN_BATCH]
                sql = f"{self._into}{', '.join([row] * len(batch))} RETURNING {returning}, id"
                cursor.execute(sql, tuple(chain.from_iterable(batch)))
                ids.update((returned_key(r), r[-1]) for r in cursor.fetchall())
        return [ids[row_key(r)] for r in rows]


def _run(
    conn: Connection, sql: str, params: Sequence[Any] = (), *, many: bool = False
) -> Sequence[Any]:
    """`sql`, its parameters marked `?`, on the driver's cursor (see `_Insert`); its rows.
    With `many`, once for each tuple of `params`."""
    if (mark := param_mark(conn)) != "?":
        sql = sql.replace("?", mark)  # our own SQL: no `?` or `%` but the marks
    with closing(conn.connection.cursor()) as cursor:
        if many:
            cursor.executemany(sql, params)
            return []
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


_SUBHEADINGS = _Insert(m.ArticleSubheading, ("article_id", "position", "text"))
_AUTHORS = _Insert(m.Author, ("article_id", "position", "name", "email"))
_IMAGES = _Insert(m.Image, ("article_id", "position", "url", "caption"))
_RELATED = _Insert(
    m.RelatedLink,
    ("article_id", "position", "url", "title", "press", "source", "related_article_id"),
)
_BLOCKS = _Insert(m.ArticleBlock, ("article_id", "position", "kind", "text"))
_SENTENCES = _Insert(
    m.Sentence, ("article_id", "block_id", "position", "start", "end", "text", "summary_rank")
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
        stored = _ids_by(
            conn, "SELECT url, id FROM articles WHERE url IN", [r.url for r in article.related]
        )
        _RELATED.many(
            conn,
            [
                (article_id, i, r.url, r.title, r.press, "page", stored.get(r.url))
                for i, r in enumerate(article.related)
            ],
        )
    block_ids = _BLOCKS.returning_ids(
        conn,
        [(article_id, i, str(b.kind), b.text) for i, b in enumerate(article.blocks)],
        key=("position",),
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
                key=("position",),
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
    ids = _FIGURES.returning_ids(conn, rows, key=("sentence_id", "position"))
    if converts:
        _run(
            conn,
            "UPDATE figures SET converts_id = ? WHERE id = ?",
            [(ids[target], ids[row]) for row, target in converts],
            many=True,
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
    _run(conn, _NEW_TERM, [(t,) for t in terms], many=True)
    ids = _ids_by(conn, "SELECT term, id FROM glossary_terms WHERE term IN", terms)
    known: dict[int, set[str]] = defaultdict(set)
    for term_id, text in _in_batches(
        conn,
        "SELECT term_id, text FROM glossary_definitions WHERE term_id IN",
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
    _run(conn, _ARTICLE_TERM, [(article_id, ids[t], source) for t in terms], many=True)
    return ids


_NEW_TERM = "INSERT INTO glossary_terms (term) VALUES (?) ON CONFLICT DO NOTHING"
_ARTICLE_TERM = (
    "INSERT INTO article_glossary (article_id, term_id, source) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


def _in_batches(conn: Connection, query: str, values: Sequence[Any]) -> Iterator[Any]:
    """The rows `query` (SQL ending in `IN`) finds for `values`, asked for in batched lists."""
    for i in range(0, len(values), IN_BATCH):
        batch = values[i : i + IN_BATCH]
        yield from _run(conn, f"{query} ({', '.join('?' * len(batch))})", batch)


def _ids_by(conn: Connection, query: str, values: Sequence[str]) -> dict[str, int]:
    """{value: id} of the rows `query` (value, id) finds among `values`."""
    return {value: int(id_) for value, id_ in _in_batches(conn, query, values)}


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
