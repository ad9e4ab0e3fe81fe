"""`newsnote batch`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("batch")
@db_option
def batch(db: str | None) -> None:
    """Discover and ingest new articles (the hourly cron job)."""
    not_yet("batch", 7)
