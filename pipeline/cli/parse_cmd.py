"""`newsnote parse`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("parse")
@db_option
def parse(db: str | None) -> None:
    """Parse a saved page or URL and print the article (no storage)."""
    not_yet("parse", 3)
