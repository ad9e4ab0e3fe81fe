"""What analysis reads from the store: the stored articles seen as a corpus.

Keyword weights need how many stored articles have each candidate term as a keyword and how
many articles there are; the glossary needs the terms note-takers defined. The article being
analysed is left out of both counts, so analysing it again gives the keywords it got the
first time. Every read of one article's analysis runs in one read transaction
(`corpus_view`): each transaction's BEGIN and ROLLBACK cost SQLite more than the small
queries inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, func, or_, select

from storage import models as m
from storage.db import for_reads, in_chunks


@dataclass(frozen=True, slots=True)
class CorpusView:
    """The store as one article's analysis sees it (that article left out)."""

    n_docs: int  # stored articles
    doc_freq: dict[str, int]  # term -> stored articles with it as a keyword (absent: none)
    known_terms: tuple[str, ...]  # glossary terms a note-taker defined


def corpus_view(engine: Engine, *, url: str, terms: Iterable[str]) -> CorpusView:
    """Counts for analysing the article at `url` (stored or not) with candidate `terms`."""
    with for_reads(engine).connect() as conn:
        n_docs = count_articles(conn, exclude_url=url)
        # With nothing else stored, keyword weights are not reweighted: no lookup needed.
        doc_freq = keyword_doc_freq(conn, terms, exclude_url=url) if n_docs else {}
        return CorpusView(n_docs, doc_freq, tuple(known_glossary_terms(conn)))


_articles = m.Article.__table__
_COUNT = select(func.count()).select_from(_articles)
# All articles less the one at the URL (0 or 1): a count with no WHERE reads the smallest
# index without comparing a value, and the URL is one index lookup; `url != :url` would
# compare every stored URL, a cost that grows with the store (docs/design.md).
_COUNT_OTHERS = select(
    _COUNT.scalar_subquery() - _COUNT.where(_articles.c.url == bindparam("url")).scalar_subquery()
)
_terms = m.KeywordTerm.__table__
_keywords = m.Keyword.__table__
# One row per term from the counts that triggers keep (migration 0005).
_DOC_FREQ = select(_terms.c.term, _terms.c.articles).where(
    _terms.c.term.in_(bindparam("terms", expanding=True))
)
# The excluded article takes away its own keyword, found through the (term, article_id) index.
_OWN_KEYWORD = (
    select(func.count())
    .select_from(_keywords)
    .where(
        _keywords.c.term == _terms.c.term,
        _keywords.c.article_id
        == select(_articles.c.id).where(_articles.c.url == bindparam("url")).scalar_subquery(),
    )
    .scalar_subquery()
)
_DOC_FREQ_OTHERS = select(_terms.c.term, _terms.c.articles - _OWN_KEYWORD).where(
    _terms.c.term.in_(bindparam("terms", expanding=True))
)
_NOTE_TERMS = select(m.GlossaryTerm.term).where(
    or_(
        select(m.GlossaryDefinition.id)
        .where(m.GlossaryDefinition.term_id == m.GlossaryTerm.id)
        .where(m.GlossaryDefinition.source == "note")
        .exists(),
        select(m.ArticleGlossary.term_id)
        .where(m.ArticleGlossary.term_id == m.GlossaryTerm.id)
        .where(m.ArticleGlossary.source == "note")
        .exists(),
    )
)


def count_articles(db: Engine | Connection, *, exclude_url: str | None = None) -> int:
    """Stored articles, not counting the one at `exclude_url`."""
    with _connection(db) as conn:
        if exclude_url is None:
            return int(conn.execute(_COUNT).scalar_one())
        return int(conn.execute(_COUNT_OTHERS, {"url": exclude_url}).scalar_one())


def keyword_doc_freq(
    db: Engine | Connection, terms: Iterable[str], *, exclude_url: str | None = None
) -> dict[str, int]:
    """Stored articles (other than `exclude_url`'s) that have each term as a keyword; terms
    no other article has are left out."""
    wanted = sorted(set(terms))
    out: dict[str, int] = {}
    with _connection(db) as conn:
        for batch in in_chunks(wanted):
            if exclude_url is None:
                rows = conn.execute(_DOC_FREQ, {"terms": batch})
            else:
                rows = conn.execute(_DOC_FREQ_OTHERS, {"terms": batch, "url": exclude_url})
            out.update({term: int(n) for term, n in rows if n})
    return out


def known_glossary_terms(db: Engine | Connection) -> list[str]:
    """Glossary terms a note-taker wrote (imported notes), not those analysis found."""
    with _connection(db) as conn:
        return list(conn.execute(_NOTE_TERMS).scalars())


@contextmanager
def _connection(db: Engine | Connection) -> Iterator[Connection]:
    """The given connection, or a new one on the given engine (closed afterwards)."""
    if isinstance(db, Connection):
        yield db
        return
    with for_reads(db).connect() as conn:
        yield conn
