"""`newsnote reparse`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("reparse")
@db_option
def reparse(db: str | None) -> None:
    """Re-run parsers and analysis on stored raw pages, without fetching."""
    not_yet("reparse", 7)
