"""Migrations create the whole schema on both databases, with no drift from the models."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import Engine

from storage import db as storage_db
from storage.models import Base
from tests.conftest import REPO


def test_upgrade_creates_every_table(engine: Engine) -> None:
    tables = set(storage_db.table_names(engine))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_alembic_check_finds_no_drift(db_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={db_url}", "check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "No new upgrade operations detected" in proc.stdout + proc.stderr


def test_ensure_schema_migrates_a_new_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new.db'}"
    eng = storage_db.make_engine(url)
    storage_db.ensure_schema(url, eng)
    assert storage_db.current_revision(eng) == storage_db.head_revision(url)
    eng.dispose()
