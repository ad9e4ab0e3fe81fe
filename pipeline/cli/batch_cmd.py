"""`newsnote batch`: discover and ingest new articles, politely; the hourly cron job."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from pipeline.cli.common import (
    SQL_INT_MAX,
    db_option,
    fail,
    politeness_options,
    politeness_overrides,
    settings,
)

STDIN = "-"


@click.command("batch")
@click.option(
    "--urls",
    "urls_file",
    metavar="FILE",
    default=None,
    help="Article URLs, one per line ('-' for stdin; blank lines and #comments skipped).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="SPEC",
    help="Where to discover URLs: naver:section=101[,sub=259,pages=N], chosun:rss[=category], "
    "nate:mid=n0100, url:|rss:|sitemap:<URL>. Repeatable.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Discover from daily lists back to this day; drop older feed entries.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, SQL_INT_MAX),
    default=None,
    metavar="N",
    help="Fetch at most N new URLs in this run.",
)
@click.option(
    "--recheck",
    is_flag=True,
    help="Fetch stored articles again even without an ETag/Last-Modified.",
)
@politeness_options
@click.option(
    "--progress/--no-progress",
    "show_bar",
    default=None,
    help="Progress bar [default: on a terminal; plain log lines otherwise].",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the final tally.")
@db_option
def batch(
    urls_file: str | None,
    sources: tuple[str, ...],
    since: datetime | None,
    limit: int | None,
    recheck: bool,
    interval: float | None,
    per_host: int | None,
    proxy: str | None,
    show_bar: bool | None,
    quiet: bool,
    db: str | None,
) -> None:
    """Discover and ingest new articles (the hourly cron job).

    Every run is recorded (tables runs, run_items); a run that was killed is picked up by
    the next one and nothing is stored twice. Articles stored before are fetched again only
    when the server can say whether they changed (ETag / Last-Modified), unless --recheck.

    \b
    Exit codes:
      0  every URL was fetched and stored (or was already current)
      1  nothing ran: bad option, unreadable URL file, database unavailable
      3  the run finished but some URLs or sources failed (see the tally and run_items)

    \b
    Examples:
      newsnote batch --source naver:section=101 --source chosun:rss
      newsnote batch --source naver:section=105,sub=230,pages=3 --since 2024-05-01
      newsnote batch --urls urls.txt --limit 100
    """
    from pipeline.batch import BatchOptions, LogProgress, NullProgress, RichProgress, run_batch
    from storage import db as storage_db

    if not urls_file and not sources:
        fail("give --urls FILE (or -) and/or --source SPEC")
    urls = _read_urls(urls_file) if urls_file else []
    conf = settings(db, **politeness_overrides(per_host, interval, proxy))
    options = BatchOptions(
        urls=urls,
        sources=sources,
        since=since.date() if since else None,
        limit=limit,
        recheck=recheck,
    )
    bar = sys.stderr.isatty() if show_bar is None else show_bar
    progress = NullProgress() if quiet else RichProgress() if bar else LogProgress()
    engine = storage_db.make_engine(conf.database_url)
    with storage_db.connect_errors(conf.database_url):
        storage_db.ensure_schema(conf.database_url, engine)
    report = run_batch(engine, conf, options, progress=progress)
    for line in report.lines():
        click.echo(line)
    if report.exit_code:
        sys.exit(report.exit_code)


def _read_urls(path: str) -> list[str]:
    from pipeline.errors import InputError

    try:
        if path == STDIN:
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read URL list {path}: {exc}") from exc
    urls = [line.strip() for line in text.splitlines()]
    urls = [u for u in urls if u and not u.startswith("#")]
    if not urls:
        raise InputError(f"no URLs in {path if path != STDIN else 'stdin'}")
    return urls
