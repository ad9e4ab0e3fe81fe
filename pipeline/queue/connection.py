"""From the store's SQLAlchemy URL to what procrastinate and psycopg need."""

from __future__ import annotations

from typing import Any

from pipeline.errors import NeedsPostgres, PipelineError

INSTALL_HINT = "install newsnote[distributed]"


class DistributedNotInstalled(PipelineError):
    """procrastinate or psycopg is missing."""


def require_distributed(command: str) -> None:
    import importlib.util

    missing = [m for m in ("procrastinate", "psycopg") if importlib.util.find_spec(m) is None]
    if missing:
        raise DistributedNotInstalled(
            f"`newsnote {command}` needs {' and '.join(missing)}: {INSTALL_HINT}"
        )


def require_postgres(url: str, command: str) -> None:
    """Refuse anything but PostgreSQL: the queue lives in the store's database."""
    from storage.db import backend_name

    if backend_name(url) != "postgresql":
        raise NeedsPostgres(
            f"`newsnote {command}` needs a PostgreSQL database (the queue lives beside the "
            "store); pass --db postgresql://… or set NEWSNOTE_DATABASE_URL"
        )


def libpq_conninfo(url: str) -> str:
    """`postgresql+psycopg://u:p@h:5432/db?sslmode=require` -> `user=u password=p host=h …`."""
    from psycopg.conninfo import make_conninfo

    from storage.db import connection_params

    return make_conninfo("", **connection_params(url))


# procrastinate's own pool per process: a worker needs one connection to listen, one to
# fetch jobs and a few for heartbeats and job status; PostgreSQL's connections are shared
# by every machine of the cluster, so keep this small.
POOL_MIN = 1
POOL_MAX = 4


def make_connector(url: str, *, max_size: int = POOL_MAX) -> Any:
    """A procrastinate `PsycopgConnector` for the store's database."""
    from procrastinate import PsycopgConnector

    return PsycopgConnector(conninfo=libpq_conninfo(url), min_size=POOL_MIN, max_size=max_size)
