"""Alembic environment: newsnote's models, and the same database URL as the CLI."""

from __future__ import annotations

from sqlalchemy import text

from alembic import context
from storage.db import make_engine
from storage.location import resolve_database_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("newsnote_url")
    if url:
        return str(url)
    x_db = context.get_x_argument(as_dictionary=True).get("db")
    if x_db:
        return str(x_db)
    return resolve_database_url(None)  # the CLI's resolution: $NEWSNOTE_DATABASE_URL, default


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """procrastinate's queue tables (pipeline/queue/schema.py) are not Alembic's to migrate."""
    return not (
        type_ == "table"
        and reflected
        and compare_to is None
        and (name or "").startswith("procrastinate_")
    )


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    url = _url()
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            if connection.dialect.name == "sqlite":
                # batch migrations rebuild tables; without this SQLite rewrites the views
                # that read them and fails ("error in view article_overview")
                connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
            if connection.dialect.name == "postgresql":
                # two processes migrating a new database at once: the second waits
                connection.execute(text("SELECT pg_advisory_xact_lock(7432001)"))
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
