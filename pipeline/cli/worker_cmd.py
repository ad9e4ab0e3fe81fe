"""`newsnote worker`: work on the distributed queue (PostgreSQL + procrastinate)."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, politeness_options, politeness_overrides, settings


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=4,
    show_default=True,
    help="Jobs this worker runs at once (threads).",
)
@politeness_options
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="SPEC",
    help="Discover from SPEC periodically (repeatable); replaces a cron job.",
)
@click.option(
    "--every",
    metavar="CRON",
    default=None,
    help="When to discover the --source specs, as a cron line [default: hourly, '0 * * * *'].",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(3),
    default=30.0,
    show_default=True,
    help="Seconds without heartbeat after which a worker is dead and its jobs are retried.",
)
@click.option("--until-empty", is_flag=True, help="Stop when no job is waiting.")
@click.option("-v", "--verbose", is_flag=True, help="Log every job.")
@db_option
def worker(
    concurrency: int,
    per_host: int | None,
    interval: float | None,
    proxy: str | None,
    sources: tuple[str, ...],
    every: str | None,
    stalled_after: float,
    until_empty: bool,
    verbose: bool,
    db: str | None,
) -> None:
    """Run a distributed worker (PostgreSQL + procrastinate); stop with Ctrl-C or SIGTERM."""
    import logging

    from pipeline.queue.connection import require_distributed, require_postgres

    conf = settings(db, **politeness_overrides(per_host, interval, proxy))
    require_postgres(conf.database_url, "worker")
    require_distributed("worker")
    if every is not None:
        _check_cron(every)
    from pipeline.cli.enqueue_cmd import check_sources

    check_sources(sources)

    from pipeline.queue import schema
    from pipeline.queue.worker import run_worker
    from storage import db as storage_db

    url = conf.database_url
    with storage_db.connect_errors(url):
        storage_db.ensure_schema(url, storage_db.make_engine(url))
    schema.apply(url)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from pipeline.queue import logs

    logs.install()
    click.echo(
        f"newsnote worker on {storage_db.safe_url(url)}: concurrency {concurrency}, "
        f"{conf.per_host_concurrency} per host every {conf.per_host_interval:g} s",
        err=True,
    )
    run_worker(
        conf,
        concurrency=concurrency,
        sources=sources,
        every=every,
        stalled_after=stalled_after,
        until_empty=until_empty,
    )


def _check_cron(line: str) -> None:
    from croniter import croniter  # type: ignore[import-untyped]  # procrastinate's dependency

    from pipeline.cli.common import fail

    if not croniter.is_valid(line):
        fail(f"--every: not a cron line: {line!r}")
