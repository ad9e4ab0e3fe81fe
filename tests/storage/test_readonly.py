"""`run_readonly`: one query on a connection that cannot write, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from storage import models as m
from storage.errors import ReadOnlyViolation
from storage.readonly import QueryError, check_query, run_readonly, run_unchecked
from storage.save import save_article
from tests import factories as fx

REFUSED = [
    "INSERT INTO press (name) VALUES ('x')",
    "update articles set title = 'x'",
    "DELETE FROM articles",
    "DROP TABLE articles",
    "CREATE TABLE t (x int)",
    "ALTER TABLE articles ADD COLUMN x int",
    "PRAGMA query_only = OFF",
    "PRAGMA table_info(articles)",
    "ATTACH DATABASE '/tmp/other.db' AS other",
    "SELECT 1; DELETE FROM articles",
    "SELECT 1; SELECT 2",
    "WITH gone AS (DELETE FROM articles RETURNING id) SELECT * FROM gone",
    "EXPLAIN ANALYZE DELETE FROM articles",
    "EXPLAIN (ANALYZE, FORMAT JSON) UPDATE articles SET title = ''",
    "SELECT * INTO copy FROM articles",
    "SELECT * FROM articles FOR UPDATE",
    "VACUUM",
    "BEGIN",
    "COMMIT",
    "SET default_transaction_read_only = off",
    "  ",
    "-- only a comment",
]

ALLOWED = [
    "SELECT 1",
    "select count(*) from articles;",
    "WITH x AS (SELECT 1 AS n) SELECT n FROM x",
    "VALUES (1, 'a')",
    "EXPLAIN SELECT * FROM articles",
    "EXPLAIN QUERY PLAN SELECT * FROM articles",
    "(SELECT 1) UNION (SELECT 2)",
    "SELECT 'DELETE FROM articles; DROP TABLE x' AS harmless",
    'SELECT 1 AS "update"',
    "SELECT 1 -- ; DROP TABLE articles",
    "SELECT 1 /* ; DELETE */",
    "SELECT $$;DELETE$$",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_check_refuses_anything_but_one_query(sql: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        check_query(sql)


@pytest.mark.parametrize("sql", ALLOWED)
def test_check_lets_queries_through(sql: str) -> None:
    check_query(sql)


def test_refusal_says_why() -> None:
    with pytest.raises(ReadOnlyViolation, match="2 statements"):
        check_query("SELECT 1; SELECT 2")
    with pytest.raises(ReadOnlyViolation, match="not DELETE"):
        check_query("DELETE FROM articles")
    with pytest.raises(ReadOnlyViolation, match="pragma_table_info"):
        check_query("PRAGMA table_info(articles)")


def articles(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(m.Article)).scalar_one())


def test_query_returns_columns_and_rows(engine: Engine, db_url: str) -> None:
    save_article(engine, fx.article(), fx.analysis())
    columns, rows = run_readonly(db_url, "SELECT title, '50%:x' AS odd FROM articles")
    assert columns == ("title", "odd")
    assert list(rows) == [("떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크", "50%:x")]


def test_rows_stream_past_one_batch(db_url: str) -> None:
    sql = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
        "SELECT i FROM n"
    )
    columns, rows = run_readonly(db_url, sql)
    assert columns == ("i",)
    assert sum(1 for _ in rows) == 2500


def test_explain_runs(db_url: str) -> None:
    columns, rows = run_readonly(db_url, "EXPLAIN SELECT * FROM articles")
    assert columns
    assert list(rows)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO press (name) VALUES ('새 언론사')",
        "DELETE FROM articles",
        "UPDATE articles SET title = 'x'",
        "CREATE TABLE intruder (x int)",
        "DROP TABLE keywords",
    ],
)
def test_connection_refuses_writes_even_without_the_check(
    engine: Engine, db_url: str, sql: str
) -> None:
    save_article(engine, fx.article(), fx.analysis())
    with pytest.raises(ReadOnlyViolation, match="read-only connection"):
        list(run_unchecked(db_url, sql).rows)
    assert articles(engine) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Keyword)).scalar_one() == 2


def test_sql_error_is_one_line(db_url: str) -> None:
    with pytest.raises(QueryError) as info:
        run_readonly(db_url, "SELECT * FROM no_such_table")
    message = str(info.value)
    assert "no_such_table" in message
    assert "\n" not in message
