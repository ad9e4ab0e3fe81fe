"""Putting URLs and sources on the queue.

A URL is queued only when no job for it is waiting or running: enqueuers take a
transaction-level advisory lock, look for pending jobs of those URLs and insert the rest in
the same transaction, so two enqueuers (or discovery jobs) never queue a URL twice.
procrastinate's own `queueing_lock` is not used: it only covers waiting jobs, and a running
job whose retry meets a newer waiting job with the same lock cannot be put back (unique
violation), which would leave it stuck.
URLs are interleaved by host so that workers taking jobs in order spread over hosts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from procrastinate import App
from sqlalchemy import Engine

from scrapers.politeness import host_key

BATCH_SIZE = 500
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
    import psycopg

    from pipeline.queue.tasks import ingest_url

    ordered, duplicates = interleave_by_host(u.strip() for u in urls if u.strip())
    queued = already = 0
    async with await psycopg.AsyncConnection.connect(conninfo) as conn:
        for start in range(0, len(ordered), BATCH_SIZE):
            chunk = ordered[start : start + BATCH_SIZE]
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
    from pipeline.queue.tasks import discover_source

    for source in sources:
        await discover_source.defer_async(source=source, since=since)
    return len(sources)


def drop_stored(engine: Engine, urls: Sequence[str]) -> list[str]:
    """The URLs not stored yet (as given; discovery yields canonical URLs)."""
    from storage.runs import stored_article_urls

    stored = stored_article_urls(engine, urls)
    return [u for u in urls if u not in stored]


async def enqueue(
    database_url: str,
    *,
    urls: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: str | None = None,
) -> tuple[EnqueueCounts, int]:
    """Queue `urls` and `sources` in the store's PostgreSQL; (URL counts, sources queued)."""
    from pipeline.queue.connection import libpq_conninfo, make_connector
    from pipeline.queue.tasks import app

    with app.replace_connector(make_connector(database_url)):
        async with app.open_async():
            counts = await defer_urls(app, libpq_conninfo(database_url), urls)
            n_sources = await defer_sources(app, sources, since)
    return counts, n_sources
