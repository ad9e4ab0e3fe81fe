"""`newsnote report` and `newsnote sql` as a user runs them (subprocesses, real databases)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, func, select

from pipeline.cli.output import TABLE_MAX_ROWS, write_rows
from storage import models as m
from storage.reports import REPORTS
from storage.save import save_article
from tests import factories as fx
from tests.cli import newsnote
from tests.conftest import REPO
from tests.storage.test_reports import add


def seed(engine: Engine) -> None:
    add(engine, 1, datetime(2024, 3, 10, 9, 0), ("반도체", "금리"))
    add(engine, 2, datetime(2024, 3, 11, 9, 0), ("반도체",), press="조선일보")


def test_list_describes_every_report() -> None:
    out = newsnote("report", "--list").stdout
    for name, r in REPORTS.items():
        assert f"\n{name}" in f"\n{out}"
        assert r.description.split()[0] in out
    assert "keyword-trend TERM" in out


def test_report_as_csv_json_jsonl_and_markdown(engine: Engine, db_url: str) -> None:
    seed(engine)
    proc = newsnote("report", "keywords", "--db", db_url, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    got = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["term"], r["articles"]) for r in got] == [("반도체", "2"), ("금리", "1")]

    proc = newsnote("report", "articles", "--db", db_url, "--format", "json", "--press", "조선일보")
    [article] = json.loads(proc.stdout)
    assert article["title"] == "기사 2"
    assert article["published_kst"] == "2024-03-11T09:00:00+09:00"

    proc = newsnote("report", "keyword-trend", "반도체", "--db", db_url, "--format", "jsonl")
    days = [json.loads(line) for line in proc.stdout.splitlines()]
    assert days == [{"day": "2024-03-10", "articles": 1}, {"day": "2024-03-11", "articles": 1}]

    proc = newsnote("report", "press", "--db", db_url, "--format", "markdown")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("| press | articles |")
    assert len(lines) == 4


def test_report_table_is_readable(engine: Engine, db_url: str) -> None:
    seed(engine)
    proc = newsnote("report", "articles", "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    assert "기사 1" in proc.stdout
    assert "2024-03-10 09:00" in proc.stdout


def test_a_piped_table_keeps_every_value_whole(engine: Engine, db_url: str) -> None:
    long_url = "https://example.com/" + "a" * 150
    save_article(engine, fx.article(url=long_url, title="긴 주소의 기사 " * 8), fx.analysis())
    proc = newsnote("report", "articles", "--db", db_url)  # stdout is a pipe here
    assert proc.returncode == 0, proc.stderr
    assert long_url in proc.stdout
    assert "긴 주소의 기사 " * 8 in proc.stdout
    assert "…" not in proc.stdout


def test_report_user_mistakes_are_one_line(sqlite_url: str) -> None:
    for args in (
        ("report", "nope"),
        ("report", "runs", "--press", "한국경제"),
        ("report", "keyword-trend"),
        ("report", "articles", "--since", "2024-13-01"),
    ):
        proc = newsnote(*args, "--db", sqlite_url)
        assert proc.returncode != 0, args
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip(), args


def test_sql_prints_a_query(engine: Engine, db_url: str) -> None:
    seed(engine)
    proc = newsnote(
        "sql",
        "SELECT title, top_keywords FROM article_overview ORDER BY id",
        "--db",
        db_url,
        "--format",
        "csv",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "title,top_keywords",
        '기사 1,"반도체, 금리"',
        "기사 2,반도체",
    ]


def test_sql_write_is_refused_with_one_line_and_nothing_changes(
    engine: Engine, db_url: str
) -> None:
    seed(engine)
    for statement in ("DELETE FROM articles", "SELECT 1; DROP TABLE articles"):
        proc = newsnote("sql", statement, "--db", db_url)
        assert proc.returncode == 1
        assert proc.stderr.startswith("newsnote: error:")
        assert len(proc.stderr.strip().splitlines()) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Article)).scalar_one() == 2


def test_sql_reads_the_query_from_stdin(sqlite_url: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.app",
            "sql",
            "-",
            "--db",
            sqlite_url,
            "--format",
            "csv",
        ],
        input="SELECT 1 AS one",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.stdout.splitlines() == ["one", "1"]


def test_reporting_does_not_load_the_tokenizer(engine: Engine, db_url: str) -> None:
    seed(engine)
    code = (
        "import sys; from pipeline.cli.app import cli\n"
        f"for args in (['report', 'articles'], ['report', 'keywords'], ['sql', 'SELECT 1']):\n"
        f"    cli.main([*args, '--db', {db_url!r}, '--format', 'csv'], standalone_mode=False)\n"
        "assert 'kiwipiepy' not in sys.modules, 'kiwipiepy loaded'\n"
        "assert 'sqlalchemy' in sys.modules  # the commands did run\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_writers_stream_and_a_table_stops_at_its_cap(capsys: pytest.CaptureFixture[str]) -> None:
    def numbers(n: int) -> Iterator[tuple[int, str]]:
        yield from ((i, f"줄 {i}") for i in range(n))

    out = io.StringIO()
    assert write_rows(("n", "text"), numbers(0), "json", out) == 0
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    assert write_rows(("n", "text"), numbers(3), "json", out) == 3
    assert json.loads(out.getvalue())[2] == {"n": 2, "text": "줄 2"}
    out = io.StringIO()
    assert write_rows(("n", "text"), numbers(TABLE_MAX_ROWS + 5), "table", out) == TABLE_MAX_ROWS
    assert f"first {TABLE_MAX_ROWS} rows" in capsys.readouterr().err
    out = io.StringIO()
    write_rows(("a|b",), [("x|y\nz",)], "markdown", out)
    assert out.getvalue().splitlines()[2] == "| x\\|y z |"
