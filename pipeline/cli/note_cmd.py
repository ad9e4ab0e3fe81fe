"""`newsnote note`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("note")
@db_option
def note(db: str | None) -> None:
    """Render a stored article as a study note."""
    not_yet("note", 4)
