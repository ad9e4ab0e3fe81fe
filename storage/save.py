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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Float,
    Integer,
    Row,
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
    with engine.begin() as conn:
        result = _save(conn, article, analysis, origin=origin)
        if page is not None:
            _save_raw_page(conn, page, article_id=result.article_id)
        return result


def save_in_session(
    session: Session, article: ArticleIn, analysis: AnalysisIn, *, origin: str = "ingest"
) -> SaveResult:
    return _save(session.connection(), article, analysis, origin=origin)


def _save(conn: Connection, article: ArticleIn, analysis: AnalysisIn, *, origin: str) -> SaveResult:
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
    delete_derived(conn, row.id)
    _insert_derived(conn, row.id, article, analysis)
    return SaveResult(row.id, "changed", revision)


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
                cursor.executemany(self._into + _placeholders(conn, len(self.columns)), rows)

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
        row = _placeholders(conn, len(self.columns))
        ids: dict[Any, int] = {}
        with closing(conn.connection.cursor()) as cursor:
            for i in range(0, len(rows), IN_BATCH):
                batch = rows[i : i + IN_BATCH]
                sql = f"{self._into}{', '.join([row] * len(batch))} RETURNING {returning}, id"
                cursor.execute(sql, tuple(chain.from_iterable(batch)))
                ids.update((returned_key(r), r[-1]) for r in cursor.fetchall())
        return [ids[row_key(r)] for r in rows]


def _placeholders(conn: Connection, n: int) -> str:
    """`(?, ?, …)` in the driver's parameter style."""
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}[conn.dialect.paramstyle]
    return f"({', '.join([mark] * n)})"


_SUBHEADINGS = _Insert(m.ArticleSubheading, ("article_id", "position", "text"))
_AUTHORS = _Insert(m.Author, ("article_id", "position", "name", "email"))
_IMAGES = _Insert(m.Image, ("article_id", "position", "url", "caption"))
_RELATED = _Insert(
    m.RelatedLink,
    ("article_id", "position", "url", "title", "press", "source", "related_article_id"),
)
_BLOCKS = _Insert(m.ArticleBlock, ("article_id", "position", "kind", "text"))
_SENTENCES = _Insert(m.Sentence, ("article_id", "block_id", "position", "start", "end", "text"))
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
_QUOTES = _Insert(m.Quote, ("article_id", "sentence_id", "speaker", "text"))
_HIGHLIGHTS = _Insert(m.Highlight, ("article_id", "sentence_id", "source", "rank", "text"))
_EVIDENCE = _Insert(m.Evidence, ("article_id", "sentence_id", "position", "source", "text"))


def _insert_derived(
    conn: Connection, article_id: int, article: ArticleIn, analysis: AnalysisIn
) -> None:
    _SUBHEADINGS.many(conn, [(article_id, i, t) for i, t in enumerate(article.subheadings)])
    _AUTHORS.many(conn, [(article_id, i, a.name, a.email) for i, a in enumerate(article.authors)])
    _IMAGES.many(conn, [(article_id, i, im.url, im.caption) for i, im in enumerate(article.images)])
    if article.related:
        stored = _ids_by(conn, _ARTICLE_IDS, [r.url for r in article.related])
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
    sentence_ids = dict(
        zip(
            (s.index for s in sentences),
            _SENTENCES.returning_ids(
                conn,
                [
                    (article_id, block_ids[s.block_index], s.index, s.start, s.end, s.text)
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


_figures = _table(m.Figure)
_FIGURE_CONVERTS = update(_figures).where(_figures.c.id == bindparam("fid"))


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
        conn.execute(
            _FIGURE_CONVERTS,
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
    ids = _ids_by(conn, _TERM_IDS, terms)
    known: dict[int, set[str]] = defaultdict(set)
    for term_id, text in _in_batches(conn, _TERM_DEFINITIONS, sorted(set(ids.values()))):
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


def _in_list(table: Any, key: str, *columns: str) -> Any:
    """SELECT `columns` of the rows whose `key` is in the list given as `values`."""
    return select(*(table.c[c] for c in columns)).where(
        table.c[key].in_(bindparam("values", expanding=True))
    )


_ARTICLE_IDS = _in_list(_articles, "url", "url", "id")
_TERM_IDS = _in_list(_table(m.GlossaryTerm), "term", "term", "id")
_TERM_DEFINITIONS = _in_list(_table(m.GlossaryDefinition), "term_id", "term_id", "text")


def _in_batches(conn: Connection, query: Any, values: Sequence[Any]) -> Iterator[Row[Any, Any]]:
    """The (key, column) rows `query` finds for `values`, asked for in batched IN lists."""
    for i in range(0, len(values), IN_BATCH):
        yield from conn.execute(query, {"values": values[i : i + IN_BATCH]})


def _ids_by(conn: Connection, query: Any, values: Sequence[str]) -> dict[str, int]:
    """{value: id} of the rows `query` (value, id) finds among `values`."""
    return {value: int(id_) for value, id_ in _in_batches(conn, query, values)}


def save_raw_page(session: Session, page: PageIn, *, article_id: int | None = None) -> None:
    """Keep the latest bytes fetched for a URL (compressed), with its validators."""
    _save_raw_page(session.connection(), page, article_id=article_id)


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
    """A raw page's bytes as stored; `load_raw_content` reads them back."""
    return zlib.compress(content, RAW_PAGE_COMPRESSION)


def load_raw_content(blob: bytes) -> bytes:
    return zlib.decompress(blob)
