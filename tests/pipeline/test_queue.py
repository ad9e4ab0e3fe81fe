"""The distributed queue's promises that need no worker: set-up, enqueueing, politeness locks.

PostgreSQL only (the `pg_url` fixture gives each test its own migrated database).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli
from tests.conftest import REPO

pytestmark = pytest.mark.postgres


def newsnote(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return cli.newsnote(*args, stdin=stdin, timeout=120)


def pg_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    from pipeline.queue.connection import libpq_conninfo

    with psycopg.connect(libpq_conninfo(url)) as conn:
        return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]


# --- refusing what cannot work ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["worker", "enqueue"])
def test_sqlite_is_refused_with_one_line(command: str, tmp_path: Path) -> None:
    args = [command, "--db", str(tmp_path / "store.db")]
    if command == "enqueue":
        args += ["--urls", "-"]
    result = newsnote(*args, stdin="https://n.news.naver.com/mnews/article/001/0000000001\n")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsnote: error:")
    assert "PostgreSQL" in lines[0]


def test_enqueue_without_anything_to_queue_says_what_to_give(pg_url: str) -> None:
    result = newsnote("enqueue", "--db", pg_url)
    assert result.returncode == 1
    assert "--urls" in result.stderr
    assert "Traceback" not in result.stderr


# --- schema ------------------------------------------------------------------------------------


def test_db_upgrade_creates_the_queue_once(pg_url: str) -> None:
    first = newsnote("db", "upgrade", "--db", pg_url)
    assert first.returncode == 0, first.stderr
    assert "queue schema (procrastinate): created" in first.stdout
    second = newsnote("db", "upgrade", "--db", pg_url)
    assert second.returncode == 0, second.stderr
    assert "queue schema (procrastinate): present" in second.stdout
    tables = {r[0] for r in pg_rows(pg_url, "SELECT tablename FROM pg_tables")}
    assert {"procrastinate_jobs", "procrastinate_workers", "articles"} <= tables


def test_schema_apply_is_idempotent(pg_url: str) -> None:
    from pipeline.queue import schema

    assert not schema.is_applied(pg_url)
    assert schema.apply(pg_url) is True
    assert schema.apply(pg_url) is False
    assert schema.is_applied(pg_url)


# --- enqueue -----------------------------------------------------------------------------------


def test_enqueue_queues_each_url_once_and_spreads_hosts(pg_url: str) -> None:
    urls = [
        "https://a.example/1",
        "https://a.example/2",
        "https://a.example/3",
        "https://b.example/1",
        "https://a.example/1",  # twice in the input
        "# a comment",
        "",
        "https://c.example/1",
    ]
    result = newsnote("enqueue", "--urls", "-", "--db", pg_url, stdin="\n".join(urls))
    assert result.returncode == 0, result.stderr
    assert "queued 5 URLs (0 already queued, 1 duplicates in the input)" in result.stdout

    again = newsnote("enqueue", "--urls", "-", "--db", pg_url, stdin="https://b.example/1\n")
    assert "queued 0 URLs (1 already queued" in again.stdout

    rows = pg_rows(
        pg_url,
        "SELECT args->>'url' FROM procrastinate_jobs "
        "WHERE task_name = 'newsnote.ingest_url' ORDER BY id",
    )
    queued = [str(r[0]) for r in rows]
    assert sorted(queued) == sorted({u for u in urls if u.startswith("https")})
    # workers take jobs in id order: the first three jobs go to three different hosts
    assert [u.split("/")[2] for u in queued[:3]] == ["a.example", "b.example", "c.example"]


def test_a_url_is_queued_again_only_once_its_job_is_over(pg_url: str) -> None:
    import psycopg

    from pipeline.queue.connection import libpq_conninfo

    url = "https://n.news.naver.com/mnews/article/001/0000000001"

    def enqueue() -> str:
        result = newsnote("enqueue", "--urls", "-", "--db", pg_url, stdin=url)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def set_status(status: str) -> None:  # what a worker does when it takes / ends the job
        with psycopg.connect(libpq_conninfo(pg_url)) as conn:
            conn.execute(
                "UPDATE procrastinate_jobs SET status = %s WHERE args->>'url' = %s",
                (status, url),
            )

    assert "queued 1 URLs" in enqueue()
    set_status("doing")
    assert "queued 0 URLs (1 already queued" in enqueue()
    set_status("succeeded")
    assert "queued 1 URLs" in enqueue()  # asking again later re-checks the article


def test_enqueue_source_queues_its_discovery_and_refuses_unknown_sources(pg_url: str) -> None:
    queued = newsnote("enqueue", "--source", "naver:section=101", "--db", pg_url)
    assert queued.returncode == 0, queued.stderr
    assert "queued discovery of 1 sources" in queued.stdout
    jobs = pg_rows(
        pg_url,
        "SELECT args->>'source' FROM procrastinate_jobs "
        "WHERE task_name = 'newsnote.discover_source'",
    )
    assert jobs == [("naver:section=101",)]

    bad = newsnote("enqueue", "--source", "naver:section=999", "--db", pg_url)
    assert bad.returncode == 1
    assert bad.stderr.startswith("newsnote: error:")
    assert "section" in bad.stderr
    assert len(pg_rows(pg_url, "SELECT id FROM procrastinate_jobs")) == 1


def test_enqueue_of_an_empty_file_is_an_error(pg_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "urls.txt"
    empty.write_text("\n# nothing\n", encoding="utf-8")
    result = newsnote("enqueue", "--urls", str(empty), "--db", pg_url)
    assert result.returncode == 1
    assert "no URLs" in result.stderr


# --- cluster-wide politeness -------------------------------------------------------------------


def test_a_host_slot_is_held_across_processes_until_the_interval_has_passed(
    pg_url: str,
) -> None:
    from pipeline.queue.connection import libpq_conninfo
    from pipeline.queue.politeness import HostBusy, HostSlots

    conninfo = libpq_conninfo(pg_url)
    # two workers (two sessions); a long interval so it cannot pass during the test
    one = HostSlots(conninfo, limit=1, interval=600.0, max_wait=0.0)
    two = HostSlots(conninfo, limit=1, interval=600.0, max_wait=0.0)
    try:
        with one.hold("https://n.news.naver.com/mnews/article/001/0000000001"):
            with pytest.raises(HostBusy):
                two.acquire("n.news.naver.com")
            assert two.acquire("news.naver.com") == 0  # another host is free
        # the request is over but the interval is not: still busy, for both workers
        with pytest.raises(HostBusy):
            two.acquire("n.news.naver.com")
        with pytest.raises(HostBusy):
            one.acquire("n.news.naver.com")
        one.close()  # a worker that stops (or dies: its session ends) frees its hosts
        assert two.acquire("n.news.naver.com") == 0
    finally:
        one.close()
        two.close()


def test_per_host_limit_gives_that_many_slots(pg_url: str) -> None:
    from pipeline.queue.connection import libpq_conninfo
    from pipeline.queue.politeness import HostBusy, HostSlots

    conninfo = libpq_conninfo(pg_url)
    one = HostSlots(conninfo, limit=2, interval=0.0, max_wait=0.0)
    two = HostSlots(conninfo, limit=2, interval=0.0, max_wait=0.0)
    try:
        taken = {one.acquire("a.example"), two.acquire("a.example")}
        assert taken == {0, 1}
        with pytest.raises(HostBusy):
            one.acquire("a.example")
        with pytest.raises(HostBusy):
            two.acquire("a.example")
    finally:
        one.close()
        two.close()


# --- retries -----------------------------------------------------------------------------------


def test_retryable_errors_back_off_and_permanent_ones_fail_at_once() -> None:
    from pipeline.queue.retry import FetchRetry
    from scrapers.errors import PermanentFetchError, RetryableFetchError

    policy = FetchRetry(max_attempts=3, base=10.0, cap=1000.0)
    busy = RetryableFetchError("https://a.example/1", "503", status=503)
    assert policy.will_retry(busy, attempts=0)
    assert policy.will_retry(busy, attempts=1)
    assert not policy.will_retry(busy, attempts=2)  # the third run was the last
    assert not policy.will_retry(PermanentFetchError("https://a.example/1", "404", 404), 0)
    # waits grow (jitter is ±50 %: 5–15 s, then 10–30 s, then 20–60 s)
    assert 5.0 <= policy.delay(busy, 0) <= 15.0
    assert 20.0 <= policy.delay(busy, 2) <= 60.0
    slow_down = RetryableFetchError("https://a.example/1", "429", status=429, retry_after=120.0)
    assert policy.delay(slow_down, 0) >= 120.0


def test_conninfo_keeps_every_part_of_the_url() -> None:
    from psycopg.conninfo import conninfo_to_dict

    from pipeline.queue.connection import libpq_conninfo

    info = conninfo_to_dict(
        libpq_conninfo("postgresql+psycopg://news:p%40ss%20w@db.local:6543/store?sslmode=require")
    )
    assert info == {
        "host": "db.local",
        "port": "6543",
        "dbname": "store",
        "user": "news",
        "password": "p@ss w",
        "sslmode": "require",
    }


@pytest.mark.parametrize("command", ["worker", "enqueue"])
def test_without_procrastinate_the_line_says_what_to_install(command: str) -> None:
    code = (
        "import sys; sys.modules['procrastinate'] = None; "  # as if it were not installed
        "from pipeline.cli.app import main; main()"
    )
    args = [command, "--db", "postgresql://nobody@127.0.0.1:1/none"]
    if command == "enqueue":
        args += ["--urls", "-"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        input="https://n.news.naver.com/mnews/article/001/0000000001\n",
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"newsnote: error: `newsnote {command}` needs procrastinate: install newsnote[distributed]"
    ]
