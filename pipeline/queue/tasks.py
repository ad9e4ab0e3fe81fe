"""The procrastinate app and newsnote's tasks.

The app is defined once, with a connector that is replaced by one for the store's database
when a worker or `enqueue` runs (`pipeline.queue.worker`, `pipeline.queue.enqueue`).
What a task needs at run time (settings, engine, host slots, …) comes through the worker's
`additional_context` under `RUNTIME_KEY`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import psycopg
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.types import JSONValue
from sqlalchemy import Engine

from pipeline.ingest import ingest_page
from pipeline.queue.politeness import HostBusy, HostSlots
from pipeline.queue.retry import FetchRetry
from pipeline.settings import Settings
from scrapers.discover import discover, source_urls
from scrapers.errors import ScraperError
from scrapers.fetch import FEED_TYPES, HTML_TYPES
from scrapers.politeness import host_key
from storage.db import in_chunks
from storage.runs import record_url_outcome, stored_article_urls

if TYPE_CHECKING:
    from scrapers.fetch import Fetcher

RUNTIME_KEY = "newsnote"
REQUEUED = "requeued (host busy)"
INGEST_QUEUE = "ingest"
DISCOVER_QUEUE = "discover"
MAINTENANCE_QUEUE = "maintenance"
# Stalled-job recovery runs this often (6-field cron: the last field is seconds).
STALLED_CHECK_CRON = "* * * * * */10"
# A job whose worker died this many times in a row is failed instead of run again.
MAX_STALLED_RUNS = 5
CLEANUP_CRON = "7 * * * *"
MAINTENANCE_KEEP_HOURS = 6
# Periodic discovery when a worker is given sources and no --every: hourly, like the cron job.
DEFAULT_DISCOVERY_CRON = "0 * * * *"

app = App(connector=PsycopgConnector())
fetch_retry = FetchRetry()


@dataclass(frozen=True, slots=True)
class WorkerRuntime:
    """What tasks need from the worker process that runs them."""

    settings: Settings
    engine: Engine
    slots: HostSlots
    fetcher: Fetcher  # one client, robots.txt cache and in-process host gates for all jobs
    run_id: int
    stalled_after: float


def runtime_of(context: JobContext) -> WorkerRuntime:
    runtime = context.additional_context.get(RUNTIME_KEY)
    if not isinstance(runtime, WorkerRuntime):
        raise RuntimeError("newsnote tasks run inside `newsnote worker` only")
    return runtime


@app.task(name="newsnote.ingest_url", queue=INGEST_QUEUE, pass_context=True, retry=fetch_retry)
async def ingest_url(context: JobContext, url: str) -> str:
    """Fetch `url` politely (a cluster-wide slot of its host), then parse, analyse, store."""
    rt = runtime_of(context)
    attempts = context.job.attempts + 1
    started = time.monotonic()
    fetch_ms: int | None = None
    host = host_key(url)
    try:
        slot = await asyncio.to_thread(rt.slots.acquire, host)
    except HostBusy:
        # give the worker slot back; a fresh job (attempts not spent) comes back soon
        delay = round(fetch_retry.delay(HostBusy(host), 0) * 1000)
        await ingest_url.configure(
            task_kwargs={"url": url}, schedule_in={"milliseconds": delay}
        ).defer_async()
        return REQUEUED
    try:
        try:
            fetch_started = time.monotonic()
            page = await rt.fetcher.fetch(url)
            fetch_ms = round((time.monotonic() - fetch_started) * 1000)
        finally:
            rt.slots.release_later(host, slot)
        # parsing and analysis are CPU work: a thread, so the loop keeps serving other jobs
        result = await asyncio.to_thread(ingest_page, rt.engine, page, rt.settings)
    except ScraperError as exc:
        if not fetch_retry.will_retry(exc, context.job.attempts):
            await asyncio.to_thread(
                record_url_outcome,
                rt.engine,
                rt.run_id,
                url,
                "failed",
                attempts=attempts,
                error_kind=type(exc).__name__,
                error=str(exc),
                fetch_ms=fetch_ms,
                total_ms=round((time.monotonic() - started) * 1000),
            )
        raise
    status = result.save.status
    await asyncio.to_thread(
        record_url_outcome,
        rt.engine,
        rt.run_id,
        url,
        status,
        attempts=attempts,
        article_id=result.save.article_id,
        fetch_ms=fetch_ms,
        total_ms=round((time.monotonic() - started) * 1000),
    )
    return status


@app.task(
    name="newsnote.discover_source", queue=DISCOVER_QUEUE, pass_context=True, retry=fetch_retry
)
async def discover_source(context: JobContext, source: str, since: str | None = None) -> int:
    """Fetch a source's list pages or feeds (politely), queue the article URLs not stored
    yet; returns how many were queued. A list page that fails is retried with the job."""
    rt = runtime_of(context)
    since_day = date.fromisoformat(since) if since else None
    found: list[str] = []
    for list_url in source_urls(source, since=since_day):
        host = host_key(list_url)
        slot = await asyncio.to_thread(rt.slots.acquire, host)
        try:
            page = await rt.fetcher.fetch(list_url, accept=HTML_TYPES | FEED_TYPES)
        finally:
            rt.slots.release_later(host, slot)
        found.extend(discover(page, since=since_day))
    stored = await asyncio.to_thread(stored_article_urls, rt.engine, found)
    fresh = [u for u in found if u not in stored]
    counts = await defer_urls(context.app, rt.slots.conninfo, fresh)
    return counts.queued


@app.task(name="newsnote.scheduled_discovery", queue=DISCOVER_QUEUE, pass_context=True)
async def scheduled_discovery(context: JobContext, timestamp: int, sources: list[str]) -> int:
    """The periodic batch: one discovery job per configured source (so no cron is needed)."""
    return await defer_sources(context.app, sources)


@app.periodic(cron=STALLED_CHECK_CRON, periodic_id="stalled")
@app.task(name="newsnote.retry_stalled_jobs", queue=MAINTENANCE_QUEUE, pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> int:
    """Put back in the queue the jobs of workers whose heartbeat stopped (killed, lost)."""
    rt = runtime_of(context)
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=rt.stalled_after))
    retried = 0
    for job in stalled:
        try:
            if job.attempts + 1 >= MAX_STALLED_RUNS:
                # it took its worker down every time (a page that exhausts memory?): give up
                assert job.id is not None
                await manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)
                continue
            await manager.retry_job(job)
            retried += 1
        except ConnectorException:
            continue  # another worker's recovery got to it first
    return retried


@app.periodic(cron=CLEANUP_CRON, periodic_id="cleanup")
@app.task(name="newsnote.remove_old_maintenance_jobs", queue=MAINTENANCE_QUEUE, pass_context=True)
async def remove_old_maintenance_jobs(context: JobContext, timestamp: int) -> None:
    """The stalled-job check leaves a finished job every 10 s: keep only the last hours'."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=MAINTENANCE_KEEP_HOURS, queue=MAINTENANCE_QUEUE
    )


def schedule_discovery(sources: list[str], cron: str) -> None:
    """Register the periodic discovery of `sources` (every worker with the same sources and
    cron registers the same periodic job; PostgreSQL defers it once per tick)."""
    key = hashlib.sha256("\n".join([cron, *sorted(sources)]).encode()).hexdigest()[:12]
    app.periodic(
        cron=cron, periodic_id=key, task_kwargs={"sources": list[JSONValue](sorted(sources))}
    )(scheduled_discovery)


# --- putting jobs on the queue ----------------------------------------------------------
# A URL is queued only when no job for it is waiting or running: enqueuers take a
# transaction-level advisory lock, look for pending jobs of those URLs and insert the rest in
# the same transaction, so two enqueuers (or discovery jobs) never queue a URL twice.
# procrastinate's own `queueing_lock` is not used: it only covers waiting jobs, and a running
# job whose retry meets a newer waiting job with the same lock cannot be put back (unique
# violation), which would leave it stuck. URLs are interleaved by host so that workers
# taking jobs in order spread over hosts.

ENQUEUE_LOCK_KEY = 7432003  # beside Alembic's 7432001 and the queue schema's 7432002
PENDING_SQL = (
    "SELECT args->>'url' FROM procrastinate_jobs WHERE task_name = %s "
    "AND status IN ('todo', 'doing') AND args->>'url' = ANY(%s)"
)


@dataclass(frozen=True, slots=True)
class EnqueueCounts:
    queued: int = 0
    already_queued: int = 0  # a job for the URL was already waiting or running
    duplicates: int = 0  # the same URL twice in the input


def interleave_by_host(urls: Iterable[str]) -> tuple[list[str], int]:
    """Unique URLs, round-robin over their hosts; and how many duplicates were dropped."""
    by_host: OrderedDict[str, list[str]] = OrderedDict()
    seen: set[str] = set()
    duplicates = 0
    for url in urls:
        if url in seen:
            duplicates += 1
            continue
        seen.add(url)
        by_host.setdefault(host_key(url), []).append(url)
    out: list[str] = []
    queues = list(by_host.values())
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return out, duplicates


async def defer_urls(app: App, conninfo: str, urls: Iterable[str]) -> EnqueueCounts:
    """Queue an ingest job per URL not already pending."""
    ordered, duplicates = interleave_by_host(u.strip() for u in urls if u.strip())
    queued = already = 0
    async with await psycopg.AsyncConnection.connect(conninfo) as conn:
        # one transaction per IN-list's worth of URLs (the lookup of pending jobs is one list)
        for chunk in in_chunks(ordered):
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (ENQUEUE_LOCK_KEY,))
                cur = await conn.execute(PENDING_SQL, (ingest_url.name, chunk))
                pending = {str(row[0]) for row in await cur.fetchall()}
                jobs = [
                    ingest_url.configure(task_kwargs={"url": url}).job
                    for url in chunk
                    if url not in pending
                ]
                if jobs:
                    await app.job_manager.batch_defer_jobs_async(jobs, connection=conn)
            queued += len(jobs)
            already += len(pending)
    return EnqueueCounts(queued, already, duplicates)


async def defer_sources(app: App, sources: Sequence[str], since: str | None = None) -> int:
    """Queue a discovery job per source."""
    for source in sources:
        await discover_source.defer_async(source=source, since=since)
    return len(sources)
