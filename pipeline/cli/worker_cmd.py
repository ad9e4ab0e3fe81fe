"""`newsnote worker`."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, not_yet


@click.command("worker")
@db_option
def worker(db: str | None) -> None:
    """Run a distributed worker (PostgreSQL + procrastinate)."""
    not_yet("worker", 9)
