"""The procrastinate app and newsnote's tasks.

The app is defined once, with a connector that is replaced by one for the store's database
when a worker or `enqueue` runs (`pipeline.queue.worker`, `pipeline.queue.enqueue`).
What a task needs at run time (settings, engine, host slots, …) comes through the worker's
`additional_context` under `RUNTIME_KEY`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.types import JSONValue
from sqlalchemy import Engine

from pipeline.queue.politeness import HostBusy, HostSlots
from pipeline.queue.records import Outcome, record
from pipeline.queue.retry import FetchRetry
from pipeline.settings import Settings
from scrapers.errors import ScraperError
from scrapers.politeness import host_key

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
    from pipeline.ingest import refresh_page

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
        saved = await asyncio.to_thread(refresh_page, rt.engine, page, rt.settings)
    except ScraperError as exc:
        if not fetch_retry.will_retry(exc, context.job.attempts):
            outcome = Outcome(
                url,
                "failed",
                attempts,
                error_kind=type(exc).__name__,
                error=str(exc),
                fetch_ms=fetch_ms,
                total_ms=round((time.monotonic() - started) * 1000),
            )
            await asyncio.to_thread(record, rt.engine, rt.run_id, outcome)
        raise
    status = str(saved.status)
    outcome = Outcome(
        url,
        status,
        attempts,
        article_id=saved.article_id,
        fetch_ms=fetch_ms,
        total_ms=round((time.monotonic() - started) * 1000),
    )
    await asyncio.to_thread(record, rt.engine, rt.run_id, outcome)
    return status


@app.task(
    name="newsnote.discover_source", queue=DISCOVER_QUEUE, pass_context=True, retry=fetch_retry
)
async def discover_source(context: JobContext, source: str, since: str | None = None) -> int:
    """Fetch a source's list pages or feeds (politely), queue the article URLs not stored
    yet; returns how many were queued. A list page that fails is retried with the job."""
    from datetime import date

    from pipeline.queue.enqueue import defer_urls, drop_stored
    from scrapers.discover import discover, source_urls
    from scrapers.fetch import FEED_TYPES, HTML_TYPES

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
    fresh = await asyncio.to_thread(drop_stored, rt.engine, found)
    counts = await defer_urls(context.app, rt.slots.conninfo, fresh)
    return counts.queued


@app.task(name="newsnote.scheduled_discovery", queue=DISCOVER_QUEUE, pass_context=True)
async def scheduled_discovery(context: JobContext, timestamp: int, sources: list[str]) -> int:
    """The periodic batch: one discovery job per configured source (so no cron is needed)."""
    from pipeline.queue.enqueue import defer_sources

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
    import hashlib

    key = hashlib.sha256("\n".join([cron, *sorted(sources)]).encode()).hexdigest()[:12]
    app.periodic(
        cron=cron, periodic_id=key, task_kwargs={"sources": list[JSONValue](sorted(sources))}
    )(scheduled_discovery)
