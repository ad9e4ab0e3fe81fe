"""`newsnote enqueue`: put URLs or sources on the distributed queue (PostgreSQL only)."""

from __future__ import annotations

from typing import IO

import click

from pipeline.cli.common import db_option, fail, settings


def read_url_lines(stream: IO[str]) -> list[str]:
    """One URL a line; blank lines and `#` comments skipped."""
    lines = (line.strip() for line in stream)
    return [line for line in lines if line and not line.startswith("#")]


def check_sources(sources: tuple[str, ...]) -> None:
    """A spec that names nothing fails here (one line), not later inside a worker."""
    from scrapers.discover import source_urls

    for spec in sources:
        source_urls(spec)


@click.command("enqueue")
@click.option(
    "--urls",
    "urls_file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE|-",
    help="File of article URLs, one a line ('-' for stdin).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="SPEC",
    help="A source to discover from, e.g. naver:section=101 (repeatable).",
)
@click.option("--since", metavar="DATE", help="With --source: only articles from DATE on.")
@db_option
def enqueue(
    urls_file: IO[str] | None, sources: tuple[str, ...], since: str | None, db: str | None
) -> None:
    """Queue URLs or sources for distributed workers (`newsnote worker`)."""
    import asyncio
    from datetime import date

    from pipeline.errors import InputError
    from pipeline.queue.connection import require_distributed, require_postgres

    if urls_file is None and not sources:
        fail("give --urls FILE|- or --source SPEC")
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            fail(f"--since: not a date (YYYY-MM-DD): {since!r}")
    url = settings(db).database_url
    require_postgres(url, "enqueue")
    require_distributed("enqueue")
    check_sources(sources)
    urls = read_url_lines(urls_file) if urls_file is not None else []
    if urls_file is not None and not urls:
        raise InputError(f"no URLs in {urls_file.name}")

    from pipeline.queue import schema
    from pipeline.queue.enqueue import enqueue as enqueue_all
    from storage import db as storage_db

    with storage_db.connect_errors(url):
        storage_db.ensure_schema(url, storage_db.make_engine(url))
    schema.apply(url)
    counts, n_sources = asyncio.run(enqueue_all(url, urls=urls, sources=sources, since=since))
    parts = []
    if urls_file is not None:
        parts.append(
            f"queued {counts.queued} URLs ({counts.already_queued} already queued, "
            f"{counts.duplicates} duplicates in the input)"
        )
    if sources:
        parts.append(f"queued discovery of {n_sources} sources")
    click.echo("; ".join(parts))
