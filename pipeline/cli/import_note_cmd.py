"""`newsnote import-note`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("import-note")
@db_option
def import_note(db: str | None) -> None:
    """Store study notes written by hand."""
    not_yet("import-note", 6)
