"""Which database a command uses when none is named: light enough for `newsnote --help`.

`--db`, else $NEWSNOTE_DATABASE_URL, else a SQLite file in the user's data directory. The
CLI's settings and Alembic's environment both resolve it here, so `alembic upgrade` and
`newsnote db upgrade` always mean the same database.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATABASE_URL = "NEWSNOTE_DATABASE_URL"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("newsnote") / "newsnote.db"


def resolve_database_url(flag: str | None) -> str:
    """`--db`, then NEWSNOTE_DATABASE_URL, then a SQLite file in the user's data directory.

    A bare path (no `://`) is taken as a SQLite file. The default's folder is created; a
    folder the user named must exist.
    """
    url = flag or os.environ.get(ENV_DATABASE_URL)
    if not url:
        default = default_database_path()
        default.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{default}"
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
