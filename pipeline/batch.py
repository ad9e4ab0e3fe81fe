"""Batch runs: discover, fetch politely, parse, analyse and store; recorded in `runs`.

    run_batch(engine, settings, options)   one `newsnote batch` run → BatchReport
    reparse_stored(engine, settings, urls) `newsnote reparse`: stored raw pages again

How a batch goes:
  1. a run row is created; unfinished items of dead or interrupted runs are adopted;
  2. sources are fetched (list pages, feeds) and their article URLs discovered; with the
     given URLs they are canonicalised and deduplicated; URLs stored before are fetched
     conditionally (ETag / Last-Modified from `raw_pages`) or, without validators, skipped;
     URLs another live run is working on are left to it;
  3. items are claimed and fetched, one queue per host so every host is busy at its own
     polite pace (the Fetcher enforces the per-host limits and robots.txt);
  4. each fetched page is parsed, analysed and saved in one worker thread (the analysis is
     CPU-bound) while fetching goes on; at most `max_pending` pages wait for it, so memory
     stays flat however long the batch;
  5. every item ends with an outcome (new, changed, unchanged, not_modified, failed with
     its error kind) and the run is closed; a crash leaves items claimed, which the next
     run adopts. `storage.save` is idempotent, so nothing is stored twice.

Errors users and the network cause (ScraperError, PipelineError) are recorded per item and
the batch goes on; anything else is a bug: the run is marked failed and the error raised.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pipeline.errors import InputError, PipelineError
from pipeline.ingest import ingest_page, ingest_pages
from pipeline.settings import Settings, fetch_config_for
from scrapers.decode import decoded_page
from scrapers.discover import discover, source_urls
from scrapers.errors import ScraperError
from scrapers.fetch import FEED_TYPES, HTML_TYPES, FetchConfig, Fetcher, NotModified
from scrapers.politeness import host_key
from scrapers.sites import canonical_url
from storage import runs
from storage.save import save_raw_page

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from scrapers.model import Page

EXIT_OK = 0
EXIT_FAILURES = 3  # the run finished, but some URLs or sources failed (see the tally)
HEARTBEAT_EVERY = 30.0  # seconds; far below runs.DEFAULT_LEASE
MAX_PENDING_PAGES = 8  # fetched pages waiting for analysis
# Outcomes are written in groups: one commit per item costs more than a polite fetch
# (bench/bench_batch.py). A crash loses at most these; their items are then adopted by
# the next run and fetched again, which storage.save makes harmless.
OUTCOME_FLUSH_EVERY = 50
OUTCOME_FLUSH_SECONDS = 2.0
USER_ERRORS = (ScraperError, PipelineError)

# (status, article_id) for a fetched page; raises ScraperError / PipelineError for bad pages.
StoreFn = Callable[["Engine", "Page"], tuple[str, int | None]]


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, url: str, outcome: str, detail: str | None = None) -> None: ...
    def note(self, message: str) -> None: ...
    def finish(self) -> None: ...


@dataclass(frozen=True, slots=True)
class BatchOptions:
    urls: Sequence[str] = ()
    sources: Sequence[str] = ()
    since: date | None = None
    limit: int | None = None
    recheck: bool = False  # also fetch stored URLs that have no ETag / Last-Modified
    lease: float = runs.DEFAULT_LEASE
    max_pending: int = MAX_PENDING_PAGES


@dataclass
class BatchReport:
    run_id: int
    queued: int = 0  # URLs this run set out to fetch (incl. adopted)
    adopted: int = 0
    skipped_stored: int = 0
    skipped_elsewhere: int = 0
    fetched: int = 0  # pages received (200s)
    by_status: dict[str, int] = field(default_factory=dict)
    failed_by_kind: dict[str, int] = field(default_factory=dict)
    source_failures: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.by_status.get("failed", 0)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILURES if self.failed or self.source_failures else EXIT_OK

    def lines(self) -> list[str]:
        s = self.by_status
        out = [
            f"run {self.run_id}: {self.queued} queued"
            + (f" ({self.adopted} taken over from interrupted runs)" if self.adopted else "")
            + f", {self.skipped_stored} skipped as stored before, "
            f"{self.skipped_elsewhere} left to another running batch",
            # The outcome words are run_items.status, as `report runs` and run_health show them.
            f"fetched {self.fetched}, new {s.get('new', 0)}, changed {s.get('changed', 0)}, "
            f"unchanged {s.get('unchanged', 0)}, not_modified {s.get('not_modified', 0)}, "
            f"failed {self.failed}",
        ]
        for kind, n in sorted(self.failed_by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  failed: {n} × {kind}")
        out.extend(f"  source failed: {msg}" for msg in self.source_failures)
        return out


class LogProgress:
    """Plain lines, for cron and pipes."""

    def __init__(
        self, out: TextIO | None = None, *, task: str = "batch", items: str = "URLs to fetch"
    ) -> None:
        self.out = out or sys.stderr
        self.task, self.items = task, items
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()

    def start(self, total: int) -> None:
        self.total = total
        self._print(f"{self.task}: {total} {self.items}")

    def advance(self, url: str, outcome: str, detail: str | None = None) -> None:
        with self._lock:
            self.done += 1
            n = self.done
        self._print(f"[{n}/{self.total}] {outcome} {url}" + (f" ({detail})" if detail else ""))

    def note(self, message: str) -> None:
        self._print(message)

    def finish(self) -> None:
        pass

    def _print(self, line: str) -> None:
        with self._lock:
            print(line, file=self.out, flush=True)


class RichProgress:
    """A progress bar with a running tally, for a terminal."""

    def __init__(self, *, task: str = "batch") -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn(f"[bold]{task}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tally]}"),
            console=Console(stderr=True),  # stdout keeps only the final tally
            transient=False,
        )
        self._counts: Counter[str] = Counter()
        self._task: Any = None
        self._lock = threading.Lock()

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("batch", total=total, tally="")

    def advance(self, url: str, outcome: str, detail: str | None = None) -> None:
        with self._lock:
            self._counts[outcome] += 1
            tally = " ".join(f"{k} {v}" for k, v in sorted(self._counts.items()))
            self._progress.update(self._task, advance=1, tally=tally)
            if outcome == "failed":
                self._progress.console.print(f"[red]failed[/] {url}: {detail}", markup=True)

    def note(self, message: str) -> None:
        self._progress.console.print(message, markup=False)

    def finish(self) -> None:
        self._progress.stop()


class NullProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, url: str, outcome: str, detail: str | None = None) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def finish(self) -> None:
        pass


def default_store(settings: Settings) -> StoreFn:
    """Parse, analyse and save a page (and its raw bytes) with `pipeline.ingest`."""

    def store(engine: Engine, page: Page) -> tuple[str, int | None]:
        saved = ingest_page(engine, page, settings).save
        return str(saved.status), saved.article_id

    return store


def run_batch(
    engine: Engine,
    settings: Settings,
    options: BatchOptions,
    *,
    progress: Progress | None = None,
    store: StoreFn | None = None,
    fetch_config: FetchConfig | None = None,
) -> BatchReport:
    """Run one batch to the end (or until interrupted: the run is then marked so)."""
    batch = _Batch(
        engine,
        options,
        progress or NullProgress(),
        store or default_store(settings),
        fetch_config or fetch_config_for(settings),
    )
    return asyncio.run(batch.run())


class _Batch:
    def __init__(
        self,
        engine: Engine,
        options: BatchOptions,
        progress: Progress,
        store: StoreFn,
        config: FetchConfig,
    ) -> None:
        self.engine = engine
        self.options = options
        self.progress = progress
        self.store = store
        self.config = config
        self.worker = f"{runs.this_host()}:{os.getpid()}"
        self.report = BatchReport(run_id=0)
        self.validators: dict[str, runs.Validators] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsnote-store")
        # Store-thread work not finished yet. Finished futures leave it (each held ~1.8 KB:
        # kept for the whole run they were most of the RSS growth of a long batch, issue #23).
        self.futures: set[Future[None]] = set()
        self.bug: BaseException | None = None
        self._pending: asyncio.Semaphore | None = None
        self._outcomes: list[runs.Outcome] = []  # touched by the store thread only
        self._flushed_at = time.monotonic()

    async def run(self) -> BatchReport:
        engine = self.engine
        lists: list[str] = []  # bad specs fail here, before a run is recorded
        for spec in self.options.sources:
            lists.extend(source_urls(spec, since=self.options.since))
        run_id = runs.create_run(engine, "batch", self._args())
        self.report.run_id = run_id
        status = "failed"
        heart: asyncio.Task[None] | None = None
        try:
            self.report.adopted = runs.adopt_interrupted(engine, run_id, lease=self.options.lease)
            heart = asyncio.create_task(self._heartbeat(run_id))
            async with Fetcher(self.config) as fetcher:
                urls = await self._gather_urls(fetcher, lists)
                queued = self._plan(run_id, urls)
                items = runs.claim(engine, run_id, self.worker, limit=max(1, queued))
                self.report.queued = len(items)
                self.validators = runs.validators_for(engine, [i.url for i in items])
                self.progress.start(len(items))
                await self._process(fetcher, items)
            status = "done"
        except (KeyboardInterrupt, asyncio.CancelledError):
            status = "interrupted"
            raise
        finally:
            if heart is not None:
                heart.cancel()
            self.pool.submit(self._flush).result()
            self.pool.shutdown(wait=True, cancel_futures=False)
            self.progress.finish()
            runs.finish_run(engine, run_id, status)
        t = runs.tally(engine, run_id)
        self.report.by_status = t.by_status
        self.report.failed_by_kind = t.failed_by_kind
        return self.report

    def _args(self) -> dict[str, Any]:
        o = self.options
        return {
            "urls": len(o.urls),
            "sources": list(o.sources),
            "since": o.since.isoformat() if o.since else None,
            "limit": o.limit,
            "recheck": o.recheck,
        }

    async def _heartbeat(self, run_id: int) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY)
            await asyncio.to_thread(runs.heartbeat, self.engine, run_id)

    async def _gather_urls(self, fetcher: Fetcher, lists: Sequence[str]) -> list[str]:
        found: list[str] = list(self.options.urls)

        async def one(list_url: str) -> list[str]:
            try:
                page = await fetcher.fetch(list_url, accept=HTML_TYPES | FEED_TYPES)
                urls = discover(page, since=self.options.since)
            except ScraperError as exc:
                self.report.source_failures.append(f"{list_url}: {exc}")
                self.progress.note(f"source failed: {list_url}: {exc}")
                return []
            self.progress.note(f"source {list_url}: {len(urls)} article URLs")
            return urls

        for urls in await asyncio.gather(*(one(u) for u in lists)):
            found.extend(urls)
        return found

    def _plan(self, run_id: int, urls: Sequence[str]) -> int:
        """Queue what needs fetching; returns the number of pending items in the run."""
        wanted: dict[str, None] = {}
        bad: list[tuple[str, str]] = []
        for raw in urls:
            raw = raw.strip()
            if not raw:
                continue
            try:
                wanted[canonical_url(raw)] = None
            except ScraperError as exc:
                bad.append((raw, str(exc)))
        candidates = list(wanted)
        stored = runs.stored_article_urls(self.engine, candidates)
        conditional = runs.validators_for(self.engine, candidates)
        fresh: list[str] = []
        for url in candidates:
            if url in stored and url not in conditional and not self.options.recheck:
                self.report.skipped_stored += 1
            else:
                fresh.append(url)
        elsewhere = runs.unfinished_elsewhere(self.engine, run_id, fresh)
        self.report.skipped_elsewhere = len(elsewhere)
        fresh = [u for u in fresh if u not in elsewhere]
        if self.options.limit is not None:
            fresh = fresh[: self.options.limit]
        runs.add_urls(self.engine, run_id, fresh)
        for url, reason in bad:
            runs.add_failed(self.engine, run_id, url, "UnsupportedSite", reason)
            self.progress.note(f"not a web URL: {url}")
        return len(fresh) + self.report.adopted

    async def _process(self, fetcher: Fetcher, items: Sequence[runs.ClaimedItem]) -> None:
        self._pending = asyncio.Semaphore(max(1, self.options.max_pending))
        by_host: dict[str, list[runs.ClaimedItem]] = defaultdict(list)
        for item in items:
            by_host[host_key(item.url)].append(item)
        queues: list[asyncio.Task[None]] = []
        for host_items in by_host.values():
            lanes = min(len(host_items), self.config.per_host_concurrency)
            shared = list(reversed(host_items))
            for _ in range(lanes):
                queues.append(asyncio.create_task(self._lane(fetcher, shared)))
        await asyncio.gather(*queues)
        for fut in list(self.futures):
            await asyncio.wrap_future(fut)
        if self.bug is not None:
            raise self.bug

    async def _lane(self, fetcher: Fetcher, stack: list[runs.ClaimedItem]) -> None:
        while stack and self.bug is None:
            await self._one(fetcher, stack.pop())

    async def _one(self, fetcher: Fetcher, item: runs.ClaimedItem) -> None:
        started = time.monotonic()
        v = self.validators.get(item.url)
        try:
            page = await fetcher.fetch(
                item.url,
                etag=v.etag if v else None,
                last_modified=v.last_modified if v else None,
            )
        except NotModified:
            ms = _ms(started)
            await self._submit(self._finish, item, "not_modified", None, None, ms, ms)
            return
        except ScraperError as exc:
            ms = _ms(started)
            await self._submit(self._finish, item, "failed", None, exc, ms, ms)
            return
        self.report.fetched += 1
        await self._submit(self._store_one, item, page, _ms(started), started)

    async def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn` in the store thread; wait only when `max_pending` pages are queued."""
        assert self._pending is not None
        await self._pending.acquire()
        loop = asyncio.get_running_loop()
        future = self.pool.submit(fn, *args)
        self.futures.add(future)

        def done(f: Future[None]) -> None:
            loop.call_soon_threadsafe(self._settled, f)
            if not f.cancelled() and f.exception() is not None and self.bug is None:
                self.bug = f.exception()

        future.add_done_callback(done)

    def _settled(self, future: Future[None]) -> None:
        """In the event loop, once `future` is done: its page's place is free again."""
        assert self._pending is not None
        self._pending.release()
        self.futures.discard(future)

    def _store_one(self, item: runs.ClaimedItem, page: Page, fetch_ms: int, t0: float) -> None:
        try:
            status, article_id = self.store(self.engine, page)
        except USER_ERRORS as exc:
            _keep_raw(self.engine, page)  # so `newsnote reparse` can try again later
            self._finish(item, "failed", None, exc, fetch_ms, _ms(t0))
            return
        self._finish(item, status, article_id, None, fetch_ms, _ms(t0))

    def _finish(
        self,
        item: runs.ClaimedItem,
        status: str,
        article_id: int | None,
        exc: BaseException | None,
        fetch_ms: int | None,
        total_ms: int | None,
    ) -> None:
        self._outcomes.append(
            runs.Outcome(
                item.id,
                status,  # type: ignore[arg-type]
                article_id=article_id,
                error_kind=type(exc).__name__ if exc else None,
                error=_reason(exc) if exc else None,
                fetch_ms=fetch_ms,
                total_ms=total_ms,
            )
        )
        if (
            len(self._outcomes) >= OUTCOME_FLUSH_EVERY
            or time.monotonic() - self._flushed_at >= OUTCOME_FLUSH_SECONDS
        ):
            self._flush()
        self.progress.advance(item.url, status, _reason(exc) if exc else None)

    def _flush(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        self._flushed_at = time.monotonic()
        runs.record_outcomes(self.engine, outcomes)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason) if reason else str(exc)


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _keep_raw(engine: Engine, page: Page) -> None:
    save_raw_page(engine, page)


# --- reparse ---------------------------------------------------------------------------------


@dataclass
class ReparseReport:
    by_status: Counter[str] = field(default_factory=Counter)
    failed_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILURES if self.by_status.get("failed") else EXIT_OK

    def lines(self) -> list[str]:
        s = self.by_status
        out = [
            f"reparsed {sum(s.values())}: new {s['new']}, changed {s['changed']}, "
            f"unchanged {s['unchanged']}, failed {s['failed']}"
        ]
        out.extend(f"  failed: {n} × {k}" for k, n in self.failed_by_kind.most_common())
        return out


def reparse_stored(
    engine: Engine,
    settings: Settings,
    urls: Sequence[str] | None = None,
    *,
    progress: Progress | None = None,
) -> ReparseReport:
    """Parse and analyse stored raw pages again (all, or those of `urls`), without fetching.

    CPU-bound, so the pages go through `ingest_pages`, which keeps Kiwi working ahead.
    """
    progress = progress or NullProgress()
    wanted = runs.raw_page_urls(engine, urls)
    if urls is not None and not wanted:
        raise InputError("none of the given URLs has a stored raw page")
    report = ReparseReport()
    progress.start(len(wanted))
    try:
        for url, outcome in ingest_pages(engine, _stored_pages(engine, wanted), settings):
            if isinstance(outcome, Exception):
                report.by_status["failed"] += 1
                report.failed_by_kind[type(outcome).__name__] += 1
                progress.advance(url, "failed", _reason(outcome))
            else:
                report.by_status[outcome.save.status] += 1
                progress.advance(url, outcome.save.status)
    finally:
        progress.finish()
    return report


def _stored_pages(engine: Engine, urls: Sequence[str]) -> Iterator[tuple[str, Page | Exception]]:
    """Each URL's stored raw page, decoded (or the error decoding it raised)."""
    for url in urls:
        raw = runs.load_raw_page(engine, url)
        if raw is None:  # deleted meanwhile
            continue
        try:
            page = decoded_page(
                raw.url,
                raw.content,
                fetched_at=raw.fetched_at,
                final_url=raw.final_url,
                status=raw.status,
                headers=raw.headers,
            )
        except USER_ERRORS as exc:
            yield url, exc
            continue
        yield url, page


__all__ = [
    "EXIT_FAILURES",
    "EXIT_OK",
    "BatchOptions",
    "BatchReport",
    "LogProgress",
    "NullProgress",
    "Progress",
    "ReparseReport",
    "RichProgress",
    "StoreFn",
    "default_store",
    "reparse_stored",
    "run_batch",
]
