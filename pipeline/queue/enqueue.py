"""Putting URLs and sources on the queue from outside a worker (`newsnote enqueue`).

How jobs are queued (one pending job per URL, interleaved by host) is the tasks' own
business: `pipeline.queue.tasks.defer_urls` and `defer_sources`, which discovery jobs use too.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.queue.tasks import EnqueueCounts, app, defer_sources, defer_urls


async def enqueue(
    database_url: str,
    *,
    urls: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: str | None = None,
) -> tuple[EnqueueCounts, int]:
    """Queue `urls` and `sources` in the store's PostgreSQL; (URL counts, sources queued)."""
    from pipeline.queue.connection import libpq_conninfo, make_connector

    with app.replace_connector(make_connector(database_url)):
        async with app.open_async():
            counts = await defer_urls(app, libpq_conninfo(database_url), urls)
            n_sources = await defer_sources(app, sources, since)
    return counts, n_sources
