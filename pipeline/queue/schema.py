"""procrastinate's own schema in the store's PostgreSQL.

Applied from procrastinate's SQL (not an Alembic revision): it belongs to the installed
procrastinate version and is optional (the `distributed` extra), while Alembic's head must
be the same on every installation and on SQLite.
"""

from __future__ import annotations

from pipeline.queue.connection import libpq_conninfo

MARKER_TABLE = "procrastinate_jobs"
# newsnote's one addition: enqueueing looks up pending jobs by URL (pipeline/queue/enqueue.py)
PENDING_URL_INDEX = (
    "CREATE INDEX IF NOT EXISTS newsnote_jobs_pending_url_idx "
    "ON procrastinate_jobs ((args->>'url')) WHERE status IN ('todo', 'doing')"
)
# Serialises two `newsnote db upgrade` racing on a new database (same key as Alembic's env).
SCHEMA_LOCK_KEY = 7432002


def is_applied(url: str) -> bool:
    import psycopg

    with psycopg.connect(libpq_conninfo(url)) as conn:
        return _has_marker(conn)


def apply(url: str) -> bool:
    """Create procrastinate's tables unless they exist; True when they were created now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    from storage.db import safe_url
    from storage.errors import DatabaseUnavailable

    try:
        with psycopg.connect(libpq_conninfo(url)) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            created = not _has_marker(conn)
            if created:
                conn.execute(SchemaManager.get_schema())
            conn.execute(PENDING_URL_INDEX)
            return created
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"cannot use database {safe_url(url)}: {first}") from exc


def _has_marker(conn: object) -> bool:
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (MARKER_TABLE,)).fetchone()
    return bool(row and row[0])
