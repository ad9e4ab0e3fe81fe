"""One ingest: a target (saved page, file:// URL or http(s) URL) to a stored, analysed article.

    target ──► Page (read or fetched) ──► parse_page ──► analyze ──► save_article

Analysis uses the store: document frequencies of keyword terms (one query for the terms an
article can yield) and the glossary terms that imported notes defined. Errors a user can
cause (unsupported scheme, missing file, network failure, page without an article) are
raised as typed errors before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from sqlalchemy import Connection, Engine, bindparam, func, or_, select
from sqlalchemy.orm import Session

from pipeline.errors import InputError
from pipeline.model import Analysis
from pipeline.settings import Settings, fetch_config_for
from pipeline.stories.assign import assign_story
from storage import models as m
from storage.db import for_reads, param_mark, placeholders
from storage.save import SaveResult, save_article

if TYPE_CHECKING:
    from pipeline.analysis.sentences import SplitInProgress, Tokenised
    from scrapers.model import Article, Page

Analyzer = Callable[..., Analysis]
K = TypeVar("K")
Outcome = tuple[K, "IngestResult | Exception"]
WEB_SCHEMES = ("http", "https")
SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):")
# Articles Kiwi has in hand beyond the one being finished: enough that its threads stay busy
# through an article the Python thread takes long over (docs/design.md, "Kiwi works ahead").
AHEAD = 6
DF_BATCH = 500  # terms per IN (...) list, well under every backend's parameter limit


@dataclass(frozen=True, slots=True)
class IngestResult:
    article: Article
    analysis: Analysis
    save: SaveResult


def ingest_target(
    target: str, settings: Settings, engine: Engine, *, url: str | None = None
) -> IngestResult:
    """Read or fetch `target`, then parse, analyse and store it.

    `target` is a path to a saved page, a `file://` URL, or an http(s) URL (fetched
    politely); `url` names a saved page's URL when the page does not say it.
    """
    return store_page(engine, load_page(target, settings, url=url), settings)


def load_page(target: str, settings: Settings, *, url: str | None = None) -> Page:
    from scrapers.files import page_from_file

    target = target.strip()
    if not target:
        raise InputError("an empty argument: give a URL or the path of a saved page")
    scheme = SCHEME.match(target)
    name = scheme["scheme"].lower() if scheme and len(scheme["scheme"]) > 1 else None
    if name in WEB_SCHEMES:
        if url is not None:
            raise InputError("--url is for a saved file; a URL argument is fetched as given")
        from scrapers.fetch import fetch_url

        return fetch_url(target, fetch_config_for(settings))
    if name == "file":
        parts = urlsplit(target)
        if parts.netloc not in ("", "localhost"):
            raise InputError(f"file URL on another host: {target}")
        path = Path(url2pathname(unquote(parts.path)))
    elif name is not None:
        raise InputError(
            f"unsupported URL scheme {name!r} in {target}: "
            "give an http(s) URL, a file:// URL or a path to a saved page"
        )
    else:
        path = Path(target).expanduser()
    if not path.exists():
        raise InputError(f"no such file: {path}")
    return page_from_file(path, url)


def store_page(
    engine: Engine, page: Page, settings: Settings, *, analyzer: Analyzer | None = None
) -> IngestResult:
    """Parse `page`, analyse the article against the store, save both (and the raw page)."""
    from scrapers.parse import parse_page

    return store_article(engine, parse_page(page), settings, page=page, analyzer=analyzer)


def refresh_page(
    engine: Engine, page: Page, settings: Settings, *, analyzer: Analyzer | None = None
) -> SaveResult:
    """Like `store_page`, but an article whose stored content and analysis version match is
    not analysed again (the slow step): only its raw page is refreshed. For batch runs."""
    from scrapers.parse import parse_page

    article = parse_page(page)
    if analyzer is None and (unchanged := _refresh_if_unchanged(engine, page, article)):
        return unchanged
    return store_article(engine, article, settings, page=page, analyzer=analyzer).save


def _refresh_if_unchanged(engine: Engine, page: Page, article: Article) -> SaveResult | None:
    """When the stored article has the same content and analysis version, refresh only its
    raw page and say so; else None."""
    from pipeline.analysis import ANALYSIS_VERSION
    from storage.save import save_raw_page, stored_unchanged

    unchanged = stored_unchanged(engine, article.url, article.content_hash(), ANALYSIS_VERSION)
    if unchanged is None:
        return None
    with Session(engine) as session, session.begin():
        save_raw_page(session, page, article_id=unchanged.article_id)
    return unchanged


def store_article(
    engine: Engine,
    article: Article,
    settings: Settings,
    *,
    page: Page | None = None,
    analyzer: Analyzer | None = None,
) -> IngestResult:
    analysis = analyse_against_store(engine, article, settings, analyzer=analyzer)
    save = save_article(engine, article, analysis, page=page)
    assign_story(engine, save, settings)
    return IngestResult(article, analysis, save)


def analyse_against_store(
    engine: Engine,
    article: Article,
    settings: Settings,
    *,
    analyzer: Analyzer | None = None,
    split: Tokenised | None = None,
) -> Analysis:
    """Analyse `article` with the store's document frequencies and known glossary terms.

    `split` is the article's sentences and tokens when Kiwi already tokenised it.
    """
    if analyzer is None:
        from pipeline.analysis import analyze

        analyzer = analyze
    ahead = {} if split is None else {"split": split}
    # One read transaction for every store read: each transaction's BEGIN and ROLLBACK cost
    # SQLite more than the small queries inside it.
    with for_reads(engine).connect() as conn:
        return analyzer(
            article,
            doc_freq=StoreDocFreq(conn, exclude_url=article.url),
            n_docs=count_articles(conn, exclude_url=article.url),
            known_terms=known_glossary_terms(conn),
            summary_sentences=settings.summary_sentences,
            **ahead,
        )


def store_pages(
    engine: Engine,
    pages: Iterable[tuple[K, Page | Exception]],
    settings: Settings,
    *,
    ahead: int = AHEAD,
) -> Iterator[Outcome[K]]:
    """Parse, analyse and save many pages in order, with Kiwi tokenising ahead.

    Tokenising is the costly step, and Kiwi does it in C++ on its own threads, without the
    GIL: each article is handed to Kiwi as soon as it is parsed and collected `ahead`
    articles later, while this thread does all the Python work (parsing, the rest of the
    analysis, saving). Each item is a key with its page (or the error loading it raised);
    each result is the key with its `IngestResult` or the user error it ended in, in the
    order of the items. An article's document frequencies do not count the articles still
    waiting beside it.
    """
    for key, outcome in _ingest_ahead(engine, pages, settings, ahead=ahead, refresh=False):
        assert not isinstance(outcome, SaveResult)  # only refreshing skips the analysis
        yield key, outcome


def refresh_pages(
    engine: Engine,
    pages: Iterable[tuple[K, Page | Exception]],
    settings: Settings,
    *,
    ahead: int = AHEAD,
) -> Iterator[tuple[K, SaveResult | Exception]]:
    """`store_pages` for pages stored before: as `refresh_page` does, an unchanged article
    only has its raw page refreshed, without analysis."""
    for key, outcome in _ingest_ahead(engine, pages, settings, ahead=ahead, refresh=True):
        yield key, outcome.save if isinstance(outcome, IngestResult) else outcome


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A parsed article (`split.article`) Kiwi is tokenising."""

    page: Page
    split: SplitInProgress


def _ingest_ahead(
    engine: Engine,
    pages: Iterable[tuple[K, Page | Exception]],
    settings: Settings,
    *,
    ahead: int,
    refresh: bool,
) -> Iterator[tuple[K, IngestResult | SaveResult | Exception]]:
    from collections import deque

    from pipeline.analysis.sentences import SplitInProgress
    from pipeline.errors import USER_ERRORS
    from scrapers.parse import parse_page

    def finish(
        key: K, item: _Waiting | SaveResult | Exception
    ) -> tuple[K, IngestResult | SaveResult | Exception]:
        if not isinstance(item, _Waiting):
            return key, item
        article = item.split.article
        try:
            split = item.split.result()
            analysis = analyse_against_store(engine, article, settings, split=split)
            saved = save_article(engine, article, analysis, page=item.page)
            assign_story(engine, saved, settings)
        except USER_ERRORS as exc:
            return key, exc
        return key, IngestResult(article, analysis, saved)

    window: deque[tuple[K, _Waiting | SaveResult | Exception]] = deque()
    for key, page in pages:
        if isinstance(page, Exception):
            window.append((key, page))
            continue
        try:
            article = parse_page(page)
            unchanged = _refresh_if_unchanged(engine, page, article) if refresh else None
        except USER_ERRORS as exc:
            window.append((key, exc))
        else:
            window.append((key, unchanged or _Waiting(page, SplitInProgress(article))))
        while len(window) > ahead:
            yield finish(*window.popleft())
    while window:
        yield finish(*window.popleft())


# --- small store reads -------------------------------------------------------------------
# Built once: building a statement costs more than SQLite takes to run these.

_articles = m.Article.__table__
_COUNT = select(func.count()).select_from(_articles)
# All articles less the one at the URL (0 or 1): a count with no WHERE reads the smallest
# index without comparing a value, and the URL is one index lookup; `url != :url` would
# compare every stored URL, a cost that grows with the store.
_COUNT_OTHERS = select(
    _COUNT.scalar_subquery() - _COUNT.where(_articles.c.url == bindparam("url")).scalar_subquery()
)
# Plain SQL: SQLAlchemy renders an `expanding` IN list anew on every call, at a cost above
# the query's own. One row per term from the counts triggers keep (migration 0005); the
# excluded article takes away its own keyword, found through the (term, article_id) index.
_DOC_FREQ_SQL = (
    f"SELECT term, articles{{others}} FROM {m.KeywordTerm.__tablename__} WHERE term IN ({{marks}})"
)
_OTHERS = (
    f" - (SELECT count(*) FROM {m.Keyword.__tablename__} k"
    f" WHERE k.term = {m.KeywordTerm.__tablename__}.term AND k.article_id ="
    f" (SELECT id FROM {m.Article.__tablename__} WHERE url = {{mark}}))"
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
    """Stored articles, not counting the one at `exclude_url`.

    The article being analysed is left out of the counts, so analysing it again gives the
    same keywords as the first time.
    """
    with _connection(db) as conn:
        if exclude_url is None:
            return int(conn.execute(_COUNT).scalar_one())
        return int(conn.execute(_COUNT_OTHERS, {"url": exclude_url}).scalar_one())


def keyword_doc_freq(
    db: Engine | Connection, terms: Iterable[str], *, exclude_url: str | None = None
) -> dict[str, int]:
    """Stored articles (other than `exclude_url`'s) that have each term as a keyword."""
    wanted = sorted(set(terms))
    out: dict[str, int] = {}
    others = () if exclude_url is None else (exclude_url,)
    with _connection(db) as conn:
        for i in range(0, len(wanted), DF_BATCH):
            batch = wanted[i : i + DF_BATCH]
            sql = _DOC_FREQ_SQL.format(
                marks=placeholders(conn, len(batch)),
                others=_OTHERS.format(mark=param_mark(conn)) if others else "",
            )
            rows = conn.exec_driver_sql(sql, (*others, *batch))
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
    with db.connect() as conn:
        yield conn


class StoreDocFreq(Mapping[str, int]):
    """Keyword document frequencies read from the store on demand.

    Keyword extraction calls `prefetch` with all its candidate terms, so one query answers
    every lookup that follows; a term not prefetched costs its own query.
    """

    def __init__(self, db: Engine | Connection, *, exclude_url: str | None = None) -> None:
        self._db = db
        self._exclude_url = exclude_url
        self._known: dict[str, int] = {}

    def prefetch(self, terms: Iterable[str]) -> None:
        missing = [t for t in terms if t not in self._known]
        if missing:
            found = keyword_doc_freq(self._db, missing, exclude_url=self._exclude_url)
            self._known.update({t: found.get(t, 0) for t in missing})

    def __getitem__(self, term: str) -> int:
        if term not in self._known:
            self.prefetch([term])
        return self._known[term]

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)
