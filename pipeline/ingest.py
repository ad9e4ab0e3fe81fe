"""The one path of an article into the store, used by every command that stores one.

    target ──► Page (read or fetched: `load_page`) ──► parse_page ──► Article
    Article ──► unchanged? (storage) ──► analysis ──► save_article (storage) ──► IngestResult

`ingest_pages` runs that path over many items in order; `ingest_page` runs it for one page;
`ingest_target` reads or fetches a target first. `newsnote ingest`, `batch`, `reparse`,
`import-articles` and the queue's workers all come through `ingest_pages`.

Analysis is pure (`pipeline.analysis`): after Kiwi's tokens and the keyword candidates, the
counts it needs from the store are looked up once (`storage.corpus.corpus_view`) and handed
to it as plain values. Errors a user can cause (unsupported scheme, missing file, network
failure, page without an article) are raised, or yielded beside their item, before anything
of that article is written.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from pipeline.analysis import ANALYSIS_VERSION, Draft, begin_analysis, finish_analysis
from pipeline.analysis.sentences import SplitInProgress
from pipeline.errors import USER_ERRORS, InputError
from pipeline.settings import Settings, fetch_config_for
from pipeline.stories.assign import assign_story
from pipeline.stories.features import analysed_terms
from scrapers.fetch import fetch_url
from scrapers.files import page_from_file
from scrapers.model import Article, Page
from scrapers.parse import parse_page
from storage.corpus import corpus_view
from storage.save import SaveResult, save_article, stored_unchanged

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pipeline.model import Analysis

K = TypeVar("K")
WEB_SCHEMES = ("http", "https")
SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):")
# Articles Kiwi has in hand beyond the one being finished: enough that its threads stay busy
# through an article the Python thread takes long over (docs/design.md, "Kiwi works ahead").
AHEAD = 6


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one article: how it was saved, and its analysis when it was analysed
    (None for an article stored before with the same content and analysis version)."""

    article: Article
    save: SaveResult
    analysis: Analysis | None


Outcome = tuple[K, IngestResult | Exception]


def ingest_target(
    target: str, settings: Settings, engine: Engine, *, url: str | None = None
) -> IngestResult:
    """Read or fetch `target`, then parse, analyse and store it (always analysed, so the
    result has an analysis to show).

    `target` is a path to a saved page, a `file://` URL, or an http(s) URL (fetched
    politely); `url` names a saved page's URL when the page does not say it.
    """
    return ingest_page(engine, load_page(target, settings, url=url), settings, skip_unchanged=False)


def ingest_page(
    engine: Engine, page: Page, settings: Settings, *, skip_unchanged: bool = True
) -> IngestResult:
    """`ingest_pages` for one page: its result, or the user error it ended in raised."""
    [(_, outcome)] = ingest_pages(engine, [(None, page)], settings, skip_unchanged=skip_unchanged)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def ingest_pages(
    engine: Engine,
    items: Iterable[tuple[K, Page | Article | Exception]],
    settings: Settings,
    *,
    skip_unchanged: bool = True,
    ahead: int = AHEAD,
) -> Iterator[Outcome[K]]:
    """Parse, analyse and save each item's article, in order; each outcome is the item's key
    with its `IngestResult` or the user error it ended in.

    An item is a page (parsed here, its raw bytes kept with the article), an article already
    parsed (imported from another tool), or the error loading it raised (passed through).
    With `skip_unchanged`, an article stored with the same content and analysis version is
    not analysed again (only its raw page is refreshed); without it, it is analysed and the
    save finds it unchanged.

    Tokenising is the costly step, and Kiwi does it in C++ on its own threads, without the
    GIL: each article is handed to Kiwi as soon as it is parsed and collected `ahead` items
    later, while this thread does all the Python work (parsing, the rest of the analysis,
    saving). An article's document frequencies do not count the articles waiting beside it.
    """
    window: deque[tuple[K, _Waiting | IngestResult | Exception]] = deque()
    for key, item in items:
        window.append((key, _start(engine, item, skip_unchanged=skip_unchanged)))
        while len(window) > ahead:
            yield _finish(engine, settings, *window.popleft())
    while window:
        yield _finish(engine, settings, *window.popleft())


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A parsed article (`split.article`) Kiwi is tokenising."""

    page: Page | None
    split: SplitInProgress
    content_hash: str


def _start(
    engine: Engine, item: Page | Article | Exception, *, skip_unchanged: bool
) -> _Waiting | IngestResult | Exception:
    """Parse the item and decide whether it needs analysis; if so, hand it to Kiwi."""

    if isinstance(item, Exception):
        return item
    page = item if isinstance(item, Page) else None
    try:
        article = item if isinstance(item, Article) else parse_page(item)
        content_hash = article.content_hash()
        if skip_unchanged and (
            unchanged := stored_unchanged(
                engine, article.url, content_hash, ANALYSIS_VERSION, page=page
            )
        ):
            return IngestResult(article, unchanged, None)
        return _Waiting(page, SplitInProgress(article), content_hash)
    except USER_ERRORS as exc:
        return exc


def _finish(
    engine: Engine, settings: Settings, key: K, item: _Waiting | IngestResult | Exception
) -> Outcome[K]:
    """Analyse and save a waiting article; the one place every ingested article passes
    after its save (steps that follow a save belong here)."""

    if isinstance(item, _Waiting):
        article = item.split.article
        try:
            draft, analysis = _analyse(engine, item.split, settings)
            saved = save_article(
                engine, article, analysis, page=item.page, content_hash=item.content_hash
            )
            # matched on what analysis has in hand: nothing read back or tokenised again
            assign_story(engine, saved, settings, terms=analysed_terms(draft, analysis))
        except USER_ERRORS as exc:
            return key, exc
        item = IngestResult(article, saved, analysis)
    return key, item


def _analyse(engine: Engine, split: SplitInProgress, settings: Settings) -> tuple[Draft, Analysis]:
    """Finish Kiwi's tokens into an analysis, with the store's counts for the candidates
    (and the draft it was finished from, with the tokens)."""

    draft = begin_analysis(split.article, split.result())
    corpus = corpus_view(engine, url=split.article.url, terms=draft.terms)
    return draft, finish_analysis(
        draft,
        doc_freq=corpus.doc_freq,
        n_docs=corpus.n_docs,
        known_terms=corpus.known_terms,
        summary_sentences=settings.summary_sentences,
    )


def load_page(target: str, settings: Settings, *, url: str | None = None) -> Page:
    """The page of a target: an http(s) URL fetched politely, a `file://` URL or a path read."""

    target = target.strip()
    if not target:
        raise InputError("an empty argument: give a URL or the path of a saved page")
    scheme = SCHEME.match(target)
    name = scheme["scheme"].lower() if scheme and len(scheme["scheme"]) > 1 else None
    if name in WEB_SCHEMES:
        if url is not None:
            raise InputError("--url is for a saved file; a URL argument is fetched as given")
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
