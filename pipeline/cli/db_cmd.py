"""`newsnote db`: migrations and which database is in use."""

from __future__ import annotations

import click

from pipeline.cli.common import db_option, settings


@click.group("db")
def db() -> None:
    """Create, migrate and inspect the store."""


@db.command("upgrade")
@db_option
def upgrade(db: str | None) -> None:
    """Create or migrate the database to the newest schema."""
    from storage import db as storage_db

    url = settings(db).database_url
    storage_db.upgrade(url)
    engine = storage_db.make_engine(url)
    click.echo(f"{storage_db.safe_url(url)}: at revision {storage_db.current_revision(engine)}")
    _upgrade_queue(url)


def _upgrade_queue(url: str) -> None:
    """procrastinate's own schema, beside the store, when it can be used (PostgreSQL and the
    `distributed` extra installed); see pipeline/queue/schema.py for why not Alembic."""
    import importlib.util

    from storage.db import is_sqlite

    if is_sqlite(url) or importlib.util.find_spec("procrastinate") is None:
        return
    from pipeline.queue import schema

    created = schema.apply(url)
    click.echo(f"queue schema (procrastinate): {'created' if created else 'present'}")


@db.command("current")
@db_option
def current(db: str | None) -> None:
    """Print the database in use and its schema revision (reads only, creates nothing)."""
    from storage import db as storage_db
    from storage.errors import DatabaseUnavailable

    url = settings(db).database_url
    engine = storage_db.make_engine(url, read_only=True)
    try:
        with storage_db.connect_errors(url):
            rev = storage_db.current_revision(engine)
            foreign = storage_db.foreign_database(url, engine, rev)
    finally:
        engine.dispose()
    if foreign:
        raise DatabaseUnavailable(foreign)
    head = storage_db.head_revision(url)
    state = "up to date" if rev == head else f"behind head {head}: run `newsnote db upgrade`"
    click.echo(f"database: {storage_db.safe_url(url)}")
    click.echo(f"revision: {rev or 'none (empty database)'} ({state})")
