"""Pages parsed ahead of their analysis, in a child process when there are many.

Parsing (lxml and the site parsers) is pure Python, about a third of an article's Python
time. The analysis and the save stay in the thread that owns the store connection, and
Kiwi's threads want the rest of the CPU; for a long run (`reparse`, an ingest of many
files) the parsing moves to one spawned process, so the three work side by side. Until
that process is up (a tenth of a second or more), pages are parsed here, and if it dies,
the remaining pages are too.

Only `scrapers` is imported here: the child imports this module to run `_parse`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from scrapers.errors import ScraperError
from scrapers.model import Article, Page
from scrapers.parse import parse_page

K = TypeVar("K")
Parser = Callable[[Page], Article]
Parsed = tuple[Page, Article] | Exception  # the page and its article, or why there is none
MANY_PAGES = 16  # from this many pages on, a parse process pays for its start
WINDOW = 4  # pages handed to the child before their articles are wanted


def parsed_pages(
    pages: Iterable[tuple[K, Page | Exception]],
    *,
    in_child: bool = False,
    parse: Parser = parse_page,
) -> Iterator[tuple[K, Parsed]]:
    """Each key with its page and article, or with the error loading or parsing it raised,
    in the order of `pages`. `parse` must be a module-level function when `in_child`."""
    if not in_child:
        for key, page in pages:
            yield key, page if isinstance(page, Exception) else _parsed_here(parse, page)
        return
    yield from _parsed_in_child(pages, parse)


def _parsed_here(parse: Parser, page: Page) -> Parsed:
    try:
        return page, parse(page)
    except ScraperError as exc:
        return exc


def _parsed_in_child(
    pages: Iterable[tuple[K, Page | Exception]], parse: Parser
) -> Iterator[tuple[K, Parsed]]:
    child = _ChildParser(parse)
    pending: deque[tuple[K, Page | Exception, _Work | None]] = deque()

    def finish(key: K, page: Page | Exception, work: _Work | None) -> tuple[K, Parsed]:
        if isinstance(page, Exception):
            return key, page
        assert work is not None
        return key, child.result(page, work)

    try:
        for key, page in pages:
            pending.append((key, page, None if isinstance(page, Exception) else child.start(page)))
            while len(pending) > WINDOW:
                yield finish(*pending.popleft())
        while pending:
            yield finish(*pending.popleft())
    finally:
        child.close()


_Work = Future[Article | ScraperError] | Parsed  # a page in the child, or parsed here


class _ChildParser:
    """One spawned process parsing pages; `start` parses here while it is not up yet."""

    def __init__(self, parse: Parser) -> None:
        self._parse = parse
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts
        )
        self._up = self._pool.submit(_started)

    def wait_until_up(self) -> int:
        """Wait for the child to start; its process id."""
        return self._up.result()

    def start(self, page: Page) -> _Work:
        if self._pool is not None and self._up.done():
            try:
                return self._pool.submit(_parse, self._parse, page)
            except BrokenProcessPool:
                self.close()
        return _parsed_here(self._parse, page)

    def result(self, page: Page, work: _Work) -> Parsed:
        if not isinstance(work, Future):
            return work
        try:
            article = work.result()
        except BrokenProcessPool:  # the child died: what is left is parsed here
            self.close()
            return _parsed_here(self._parse, page)
        return article if isinstance(article, ScraperError) else (page, article)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _started() -> int:
    """Done once the child has started and imported this module: its process id."""
    return os.getpid()


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run, and the child
    # should go quietly with it rather than print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parse(parse: Parser, page: Page) -> Article | ScraperError:
    """Runs in the child; a user error comes back as a value (ScraperError pickles)."""
    try:
        return parse(page)
    except ScraperError as exc:
        return exc
