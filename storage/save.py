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
from typing import Any, Literal

from sqlalchemy import Engine, bindparam, delete, insert, select, update
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
    content_hash = article.content_hash()
    press_id = _press_id(session, article.press, article.press_code)
    values: dict[str, Any] = {
        "url": article.url,
        "site": article.site,
        "press_id": press_id,
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
    new_id = session.execute(
        _insert_ignore(session, m.Article).values(**values).returning(_table(m.Article).c.id)
    ).scalar_one_or_none()
    if new_id is not None:
        _insert_derived(session, new_id, article, analysis)
        _link_related(session, new_id, article.url)
        return SaveResult(new_id, "new", 1)

    row = session.execute(
        select(m.Article.id, m.Article.content_hash, m.Article.analysis_version, m.Article.revision)
        .where(m.Article.url == article.url)
        .with_for_update()
    ).one()
    if row.content_hash == content_hash and row.analysis_version == analysis.version:
        return SaveResult(row.id, "unchanged", row.revision)

    revision = row.revision + 1
    values.pop("origin")  # an imported note that is later ingested stays a note's article
    session.execute(
        update(m.Article)
        .where(m.Article.id == row.id)
        .values(**values, revision=revision, stored_at=utcnow())
    )
    session.add(
        m.ArticleRevision(
            article_id=row.id, revision=revision, content_hash=content_hash, title=article.title
        )
    )
    delete_derived(session, row.id)
    _insert_derived(session, row.id, article, analysis)
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


def _insert_ignore(session: Session, model: type[m.Base]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(_table(model)).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(_table(model)).on_conflict_do_nothing()
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def _table(model: type[m.Base]) -> Any:
    """The model's Core table: inserting into it skips the ORM's bulk-insert machinery,
    which costs more than the statement itself for rows of a few columns."""
    return m.Base.metadata.tables[model.__tablename__]


def _press_id(session: Session, name: str | None, code: str | None) -> int | None:
    if not name:
        return None
    session.execute(_insert_ignore(session, m.Press).values(name=name, naver_code=code))
    press = session.execute(select(m.Press).where(m.Press.name == name)).scalar_one()
    if code and not press.naver_code:
        press.naver_code = code
    return press.id


def _number(value: int | float | str | None) -> tuple[float | None, str | None]:
    """(sortable float, exact text) for a figure value; dates have no float."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return None, value
    return float(value), repr(value) if isinstance(value, float) else str(value)


def _insert_derived(
    session: Session, article_id: int, article: ArticleIn, analysis: AnalysisIn
) -> None:
    if article.subheadings:
        session.execute(
            insert(_table(m.ArticleSubheading)),
            [
                {"article_id": article_id, "position": i, "text": t}
                for i, t in enumerate(article.subheadings)
            ],
        )
    if article.authors:
        session.execute(
            insert(_table(m.Author)),
            [
                {"article_id": article_id, "position": i, "name": a.name, "email": a.email}
                for i, a in enumerate(article.authors)
            ],
        )
    if article.images:
        session.execute(
            insert(_table(m.Image)),
            [
                {"article_id": article_id, "position": i, "url": im.url, "caption": im.caption}
                for i, im in enumerate(article.images)
            ],
        )
    if article.related:
        urls = [link.url for link in article.related]
        stored = _ids_by(session, m.Article.url, m.Article.id, urls)
        session.execute(
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
        session,
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
                session,
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
    _insert_figures(session, article_id, analysis, sentence_ids)
    texts = {s.index: s.text for s in analysis.sentences}
    if analysis.keywords:
        session.execute(
            insert(_table(m.Keyword)),
            [
                {"article_id": article_id, "term": k.term, "score": k.score, "rank": k.rank}
                for k in analysis.keywords
            ],
        )
    if analysis.quotes:
        session.execute(
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
        session.execute(
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
        session.execute(
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
        session, article_id, [(g.term, g.definitions) for g in analysis.glossary], source="auto"
    )


def _insert_returning_ids(
    session: Session, model: type[m.Base], rows: list[dict[str, Any]], key: tuple[str, ...]
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
    ids = {tuple(found[1:]): found[0] for found in session.execute(stmt, rows)}
    return [ids[tuple(row[k] for k in key)] for row in rows]


def _insert_figures(
    session: Session, article_id: int, analysis: AnalysisIn, sentence_ids: dict[int, int]
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
    ids = _insert_returning_ids(session, m.Figure, rows, key=("sentence_id", "position"))
    if converts:
        figures = _table(m.Figure)
        session.execute(
            update(figures).where(figures.c.id == bindparam("fid")),
            [{"fid": ids[row], "converts_id": ids[target]} for row, target in converts],
        )


def link_glossary(
    session: Session, article_id: int, term: str, definitions: Any, *, source: str
) -> int:
    """Attach `term` (created if new) and any new definitions to an article."""
    return link_glossary_terms(session, article_id, [(term, definitions)], source=source)[term]


def link_glossary_terms(
    session: Session,
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
    terms = list(dict.fromkeys(term for term, _ in entries))
    session.execute(_insert_ignore(session, m.GlossaryTerm), [{"term": t} for t in terms])
    ids = _ids_by(session, m.GlossaryTerm.term, m.GlossaryTerm.id, terms)
    known: dict[int, set[str]] = defaultdict(set)
    term_ids = sorted(set(ids.values()))
    for i in range(0, len(term_ids), IN_BATCH):
        stored = select(m.GlossaryDefinition.term_id, m.GlossaryDefinition.text).where(
            m.GlossaryDefinition.term_id.in_(term_ids[i : i + IN_BATCH])
        )
        for term_id, text in session.execute(stored):
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
        session.execute(insert(_table(m.GlossaryDefinition)), new_definitions)
    session.execute(
        _insert_ignore(session, m.ArticleGlossary),
        [{"article_id": article_id, "term_id": ids[t], "source": source} for t in terms],
    )
    return ids


def _ids_by(session: Session, key: Any, id_column: Any, values: Sequence[str]) -> dict[str, int]:
    """{value: id} of the rows whose `key` column is one of `values` (batched IN lists)."""
    ids: dict[str, int] = {}
    for i in range(0, len(values), IN_BATCH):
        found = select(key, id_column).where(key.in_(values[i : i + IN_BATCH]))
        ids.update(dict(session.execute(found).all()))
    return ids


def _link_related(session: Session, article_id: int, url: str) -> None:
    """Links stored earlier that point at this URL now point at this article."""
    session.execute(
        update(m.RelatedLink)
        .where(m.RelatedLink.url == url, m.RelatedLink.related_article_id.is_(None))
        .values(related_article_id=article_id)
    )


def save_raw_page(session: Session, page: PageIn, *, article_id: int | None = None) -> None:
    """Keep the latest bytes fetched for a URL (compressed), with its validators."""
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
    existing = session.execute(
        select(m.RawPage.id).where(m.RawPage.url == page.url)
    ).scalar_one_or_none()
    if existing is None:
        session.execute(_insert_ignore(session, m.RawPage).values(url=page.url, **values))
    else:
        session.execute(update(m.RawPage).where(m.RawPage.id == existing).values(**values))


def load_raw_content(blob: bytes) -> bytes:
    return zlib.decompress(blob)
