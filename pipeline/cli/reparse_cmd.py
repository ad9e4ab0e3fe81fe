"""`newsnote reparse`: parse and analyse stored raw pages again, without fetching."""

from __future__ import annotations

import sys

import click

from pipeline.cli.common import db_option, fail, settings


@click.command("reparse")
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="A stored page's URL (as fetched or final). Repeatable.",
)
@click.option("--all", "everything", is_flag=True, help="Every stored raw page.")
@click.option(
    "--progress/--no-progress",
    "show_bar",
    default=None,
    help="Progress bar [default: on a terminal; plain log lines otherwise].",
)
@db_option
def reparse(urls: tuple[str, ...], everything: bool, show_bar: bool | None, db: str | None) -> None:
    """Re-run parsers and analysis on stored raw pages, without fetching.

    Use it after a parser or the analysis improved: articles whose content changes are
    replaced (revision bumped), the others stay as they are. Exit code 3 when some page
    failed to parse (the tally names why), 1 when nothing could run.
    """
    from pipeline.batch import LogProgress, RichProgress, reparse_stored
    from storage import db as storage_db

    if bool(urls) == everything:
        fail("give --url URL (repeatable) or --all")
    conf = settings(db)
    engine = storage_db.make_engine(conf.database_url)
    with storage_db.connect_errors(conf.database_url):
        storage_db.ensure_schema(conf.database_url, engine)
    bar = sys.stderr.isatty() if show_bar is None else show_bar
    progress = (
        RichProgress(task="reparse")
        if bar
        else LogProgress(task="reparse", items="stored pages to parse again")
    )
    report = reparse_stored(engine, conf, list(urls) if urls else None, progress=progress)
    for line in report.lines():
        click.echo(line)
    if report.exit_code:
        sys.exit(report.exit_code)
