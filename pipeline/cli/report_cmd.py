"""`newsnote report`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("report")
@db_option
def report(db: str | None) -> None:
    """Named reports over the store."""
    not_yet("report", 8)
