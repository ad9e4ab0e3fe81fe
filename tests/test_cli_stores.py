"""Stores that are not newsnote's: one clear line, a non-zero exit, nothing written."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import FIXTURES, REPO, _pg_admin_url
from tests.test_cli_basics import run

EXAMPLE = str(REPO / "tests" / "fixtures" / "naver_article.html")
NOTE = str(FIXTURES / "notes" / "winter_heater_safety.md")
# Commands that open a store, each as a user would type it.
COMMANDS = (
    ("ingest", EXAMPLE),
    ("note", "1"),
    ("import-note", NOTE),
    ("db", "current"),
    ("db", "upgrade"),
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_refusal(args: tuple[str, ...], db: str, says: str) -> None:
    result = run(*args, "--db", db)
    assert result.returncode != 0, args
    assert result.stderr.startswith("newsnote: error: "), (args, result.stderr)
    assert result.stderr.count("\n") == 1, (args, result.stderr)
    assert says in result.stderr, (args, result.stderr)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_file_that_is_no_database_is_named_and_left_alone(tmp_path: Path, args: tuple) -> None:
    for name, content in (
        ("random.db", bytes(range(256)) * 40),
        ("ls.db", Path("/bin/ls").read_bytes()),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        before = digest(path)
        assert_one_line_refusal(args, str(path), f"{path} is not a SQLite database")
        assert digest(path) == before


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_truncated_store_is_called_damaged(tmp_path: Path, args: tuple) -> None:
    good = tmp_path / "good.db"
    assert run("ingest", EXAMPLE, "--db", str(good)).returncode == 0
    cut = tmp_path / "cut.db"
    data = good.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    before = digest(cut)
    assert_one_line_refusal(args, str(cut), "damaged SQLite database")
    assert digest(cut) == before


def test_someone_elses_sqlite_database_gets_no_newsnote_tables(tmp_path: Path) -> None:
    path = tmp_path / "accounts.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    for args in COMMANDS[:4]:
        assert_one_line_refusal(args, str(path), "without newsnote's tables (it holds accounts)")
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"accounts"}
    # asked for by name, the upgrade adds them
    assert run("db", "upgrade", "--db", str(path)).returncode == 0
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"accounts", "articles"} <= tables


def test_an_in_memory_store_is_refused() -> None:
    for args in COMMANDS:
        assert_one_line_refusal(args, "sqlite:///", "in-memory SQLite database keeps nothing")


def test_a_missing_folder_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "news.db"
    assert_one_line_refusal(("ingest", EXAMPLE), str(missing), f"no folder {missing.parent}")
    assert_one_line_refusal(("db", "current"), str(missing), f"no database at {missing}")
    assert not (tmp_path / "no").exists()


def test_db_current_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    assert_one_line_refusal(("db", "current"), str(path), "no database at")
    assert not path.exists()


@pytest.fixture
def foreign_pg() -> Iterator[str]:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL tests need NEWSNOTE_TEST_PG_URL")
    name = f"nn_foreign_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE accounts (id int PRIMARY KEY, owner text)"))
    engine.dispose()
    yield url
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.mark.postgres
def test_someone_elses_postgresql_database_gets_no_newsnote_tables(foreign_pg: str) -> None:
    for args in COMMANDS[:4]:
        assert_one_line_refusal(args, foreign_pg, "without newsnote's tables (it holds accounts)")
    engine = create_engine(foreign_pg)
    assert inspect(engine).get_table_names() == ["accounts"]
    engine.dispose()
