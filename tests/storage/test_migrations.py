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


def test_a_store_another_process_is_creating_is_not_taken_for_someone_elses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # what a second process sees while the first is still migrating a new store: newsnote's
    # tables, and no revision yet
    url = f"sqlite:///{tmp_path / 'new.db'}"
    eng = storage_db.make_engine(url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    assert storage_db.foreign_database(url, eng, None) is None
    with eng.begin() as conn:
        conn.exec_driver_sql("DROP TABLE articles")
    assert "without newsnote's tables" in str(storage_db.foreign_database(url, eng, None))
    eng.dispose()
