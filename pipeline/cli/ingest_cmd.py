"""`newsnote ingest`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("ingest")
@db_option
def ingest(db: str | None) -> None:
    """Fetch or read articles, analyse and store them; print a summary or the note."""
    not_yet("ingest", 4)
