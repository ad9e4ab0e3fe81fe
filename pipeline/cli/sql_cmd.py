"""`newsnote sql`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("sql")
@db_option
def sql(db: str | None) -> None:
    """Run a read-only SQL query on the store."""
    not_yet("sql", 8)
