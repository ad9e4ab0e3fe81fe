"""Running one worker process: procrastinate's worker with newsnote's runtime."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from pipeline.queue.connection import libpq_conninfo, make_connector
from pipeline.queue.politeness import HostSlots
from pipeline.queue.tasks import (
    DEFAULT_DISCOVERY_CRON,
    RUNTIME_KEY,
    WorkerRuntime,
    app,
    schedule_discovery,
)
from pipeline.settings import Settings, fetch_config_for
from storage.runs import create_run, finish_run

if TYPE_CHECKING:
    pass

DEFAULT_CONCURRENCY = 4
# A worker whose heartbeat is older than this is dead and its running jobs are retried.
DEFAULT_STALLED_AFTER = 30.0
HEARTBEATS_PER_STALL = 3


# Inside a job the fetcher retries quick blips only; longer waits (a Retry-After over
# WORKER_MAX_RETRY_AFTER) end the job and procrastinate runs it again after that wait,
# so a slow host does not keep a worker's slot.
WORKER_FETCH_RETRIES = 2
WORKER_MAX_RETRY_AFTER = 30.0


def warm_up() -> None:
    """Load the tokenizer's model before taking jobs, not inside the first one."""
    from pipeline.analysis.kiwi import get_kiwi

    get_kiwi()


def run_worker(
    settings: Settings,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    sources: Sequence[str] = (),
    every: str | None = None,
    stalled_after: float = DEFAULT_STALLED_AFTER,
    until_empty: bool = False,
) -> None:
    """Work on the queue until stopped (SIGINT/SIGTERM finish running jobs first), or with
    `until_empty` until no job is waiting."""
    from storage import db as storage_db

    url = settings.database_url
    fetch_config = fetch_config_for(
        settings, retries=WORKER_FETCH_RETRIES, max_retry_after=WORKER_MAX_RETRY_AFTER
    )
    engine = storage_db.make_engine(url)
    slots = HostSlots(
        libpq_conninfo(url),
        limit=settings.per_host_concurrency,
        interval=settings.per_host_interval,
    )
    with storage_db.connect_errors(url):
        run_id = create_run(
            engine,
            "worker",
            {"concurrency": concurrency, "sources": list(sources), "every": every},
        )
    if sources:
        schedule_discovery(list(sources), every or DEFAULT_DISCOVERY_CRON)
    warm_up()

    async def main() -> None:
        from scrapers.fetch import Fetcher

        # blocking work (host slots, parsing, saving) runs in the loop's default executor
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=concurrency + 2, thread_name_prefix="newsnote-job")
        )
        with app.replace_connector(make_connector(url)):
            async with app.open_async(), Fetcher(fetch_config) as fetcher:
                runtime = WorkerRuntime(
                    settings=settings,
                    engine=engine,
                    slots=slots,
                    fetcher=fetcher,
                    run_id=run_id,
                    stalled_after=stalled_after,
                )
                await app.run_worker_async(
                    name=f"newsnote@{socket.gethostname()}:{os.getpid()}",
                    concurrency=concurrency,
                    wait=not until_empty,
                    additional_context={RUNTIME_KEY: runtime},
                    update_heartbeat_interval=stalled_after / HEARTBEATS_PER_STALL,
                    stalled_worker_timeout=stalled_after,
                )

    status = "interrupted"
    try:
        asyncio.run(main())
        status = "done"
    finally:
        slots.close()
        finish_run(engine, run_id, status)
        engine.dispose()
