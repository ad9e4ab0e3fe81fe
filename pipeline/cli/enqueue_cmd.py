"""`newsnote enqueue`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("enqueue")
@db_option
def enqueue(db: str | None) -> None:
    """Queue URLs or sources for distributed workers."""
    not_yet("enqueue", 9)
