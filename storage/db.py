"""Engines, sessions and migrations.

SQLite runs in WAL mode with foreign keys on, a busy timeout, and write transactions opened
with BEGIN IMMEDIATE: a deferred transaction that later tries to write fails at once with
"database is locked" instead of waiting, which concurrent batches would hit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from storage.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 60_000
READS_ONLY = "newsnote_reads_only"  # execution option set by `for_reads`
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def backend_name(url: str) -> str:
    """`postgresql`, `sqlite`, … of a database URL (the driver left out)."""
    return make_url(url).get_backend_name()


def connection_params(url: str) -> dict[str, str | int]:
    """A database URL's host, port, dbname, user, password and query options, as libpq
    names them (those the URL gives)."""
    parsed = make_url(url)
    params: dict[str, str | int | None] = {
        "host": parsed.host,
        "port": parsed.port,
        "dbname": parsed.database,
        "user": parsed.username,
        "password": parsed.password,
    }
    for key, value in parsed.query.items():
        params[key] = str(value[-1] if isinstance(value, tuple) else value)
    return {k: v for k, v in params.items() if v is not None}


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`. A SQLite file's folder must exist (only the default data
    folder is created, by the settings), and an in-memory SQLite database is refused."""
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"malformed database URL: {url!r}") from exc
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseUnavailable(
            f"unsupported database {backend!r} in {safe_url(url)}: use sqlite:/// or postgresql://"
        )
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, read_only=read_only)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    # Read-only is the session default on the server, so it holds for every transaction
    # whatever the client does (streaming cursors included); every statement is prepared,
    # so a query string cannot carry a second command that switches that default off.
    connect_args: dict[str, Any] = (
        {"options": "-c default_transaction_read_only=on", "prepare_threshold": 0}
        if read_only
        else {}
    )
    try:
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (ModuleNotFoundError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(
            f"no driver for {parsed.drivername}: install newsnote[postgres]"
        ) from exc


def _sqlite_engine(url: str, database: str | None, *, read_only: bool) -> Engine:
    if not database or database == ":memory:" or "mode=memory" in url:
        raise DatabaseUnavailable(
            "an in-memory SQLite database keeps nothing between commands: "
            "give a file path, e.g. --db news.db"
        )
    path = Path(database).expanduser()
    if read_only:
        if not path.is_file():
            raise DatabaseUnavailable(f"no database at {path}")
        url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    elif path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
    elif not path.parent.is_dir():
        raise DatabaseUnavailable(
            f"no folder {path.parent} for the database {path.name}: create it or pass another --db"
        )
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
            # safe in WAL mode (never corrupts); skips an fsync per commit
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        deferred = read_only or conn.get_execution_options().get(READS_ONLY, False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


def for_reads(engine: Engine) -> Engine:
    """The same engine (and pool) for transactions that only read: on SQLite they begin
    with a plain BEGIN, which in WAL mode neither waits for nor blocks the writer."""
    return engine.execution_options(**{READS_ONLY: True})


# Values per `IN (...)` list: well under every backend's parameter limit (SQLite's 32,766,
# psycopg's 65,535) and small enough that one list is one cheap statement.
IN_LIST_MAX = 500


def in_chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `IN_LIST_MAX`, one `IN (...)` list each."""
    for start in range(0, len(values), IN_LIST_MAX):
        yield values[start : start + IN_LIST_MAX]


# What SQLite says of a file that is not, or no longer, a database.
NOT_A_DATABASE = "file is not a database"
DAMAGED = ("database disk image is malformed", "malformed database schema")


@contextmanager
def connect_errors(url: str) -> Iterator[None]:
    """Turn "cannot connect" and "this is no database" into one clear `DatabaseUnavailable`."""
    try:
        yield
    except DatabaseError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = shown(url)
        if NOT_A_DATABASE in first:
            raise DatabaseUnavailable(f"{where} is not a SQLite database") from exc
        if any(sign in first for sign in DAMAGED):
            raise DatabaseUnavailable(f"{where} is a damaged SQLite database ({first})") from exc
        if not isinstance(exc, OperationalError):
            raise
        raise DatabaseUnavailable(f"cannot use database {where}: {first}") from exc


def shown(url: str) -> str:
    """The database as a user named it, for messages: a SQLite file's path, else the URL
    with any password hidden."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return safe_url(url)


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# --- migrations ----------------------------------------------------------------------------


def alembic_dir() -> Path:
    """The migration scripts: `alembic/` in a checkout, `storage/_alembic` in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "alembic", here / "_alembic"):
        if (candidate / "env.py").exists():
            return candidate
    raise DatabaseUnavailable("migration scripts not found (broken installation)")


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(alembic_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["newsnote_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    with connect_errors(url):
        command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def ensure_schema(url: str, engine: Engine) -> None:
    """Migrate a new or old store to head; cheap when it is already there.

    A database that holds other tables and none of newsnote's, or that another
    application's migrations have marked, is refused: only `newsnote db upgrade`, asked
    for by name, adds newsnote's tables to it.
    """
    with connect_errors(url):
        revision = current_revision(engine)
        if revision == head_revision(url):
            return
        if problem := foreign_database(url, engine, revision):
            raise DatabaseUnavailable(f"{problem}: pass --db to choose another")
        upgrade(url)


def foreign_database(url: str, engine: Engine, revision: str | None) -> str | None:
    """What makes this database someone else's, or None when it is newsnote's or empty."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is not None:
        try:
            ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
        except CommandError:
            return (
                f"{shown(url)} is at schema revision {revision!r}, which newsnote does "
                "not know (another application's database, or a newer newsnote's)"
            )
        return None
    from storage.models import Base

    tables = table_names(engine)
    if set(tables) & set(Base.metadata.tables):
        return None  # newsnote's own, being created by another process right now
    other = [t for t in tables if not t.startswith(OWN_TABLE_PREFIXES)]
    if other:
        return (
            f"{shown(url)} is a database without newsnote's tables "
            f"(it holds {', '.join(other[:3])}{', …' if len(other) > 3 else ''})"
        )
    return None


# Tables in a database that is still newsnote's before its first migration: Alembic's own
# and the queue's (procrastinate keeps its schema outside Alembic, see pipeline/queue).
OWN_TABLE_PREFIXES = ("alembic_version", "procrastinate_")


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
