"""A cluster on the real PostgreSQL: several `newsnote worker` processes, one killed mid-job.

Workers fetch Naver article URLs through a loopback proxy (tests/pipeline/
test_queue_loopback.py) that plays five Naver hosts and records how many requests were in
flight to each host at once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import cli
from tests.conftest import REPO
from tests.pipeline.test_queue_loopback import article_ids, article_urls, naver_proxy

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ARTICLES = 220
WAIT_SECONDS = 240.0
STALLED_AFTER = "4"  # seconds without heartbeat before a worker's jobs are retried
CANONICAL = "https://n.news.naver.com/mnews/article/{}/{}"
REGULAR_HOSTS = ("n.news.naver.com", "news.naver.com", "m.news.naver.com", "sports.naver.com")
SLOW_URL = "http://entertain.naver.com/mnews/article/001/0000099999"  # alone on its host
MISSING_URL = "http://m.news.naver.com/mnews/article/001/0000088888"  # answered 404


def newsnote(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return cli.newsnote(*args, stdin=stdin, timeout=120)


def start_worker(db: str, proxy: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable, "-m", "pipeline.cli.app", "worker", "--db", db,
                "--concurrency", "3", "--interval", "0.02", "--proxy", proxy,
                "--stalled-after", STALLED_AFTER,
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_PROXY": ""},
        )  # fmt: skip


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    from pipeline.queue.connection import libpq_conninfo

    with psycopg.connect(libpq_conninfo(url)) as conn:
        return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]


def wait_for(what: str, condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_cluster_stores_each_article_once_keeps_hosts_polite_and_survives_a_kill(
    pg_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    articles = article_urls(ARTICLES, REGULAR_HOSTS)
    # the same articles under another Naver host: queued next to their originals (enqueue
    # interleaves hosts), so two workers often ingest one article at the same time
    aliases = [
        "http://m.entertain.naver.com/mnews/article/{}/{}".format(*(article_ids(u) or ("", "")))
        for u in articles[0 : 4 * 15 : 4]  # the first 15 of n.news.naver.com
    ]
    urls = [SLOW_URL, *articles, *aliases, MISSING_URL]
    expected = {CANONICAL.format(*(article_ids(u) or ("", ""))) for u in [SLOW_URL, *articles]}
    assert len(expected) == ARTICLES + 1

    with naver_proxy(delay=0.005) as proxy:
        proxy.slow.add(SLOW_URL.removeprefix("http://"))
        proxy.missing.add(MISSING_URL.removeprefix("http://"))
        queued = newsnote("enqueue", "--urls", "-", "--db", pg_url, stdin="\n".join(urls))
        assert queued.returncode == 0, queued.stderr

        proxy.gate.clear()  # hold every page but SLOW_URL until both workers are up
        first = start_worker(pg_url, proxy.url, tmp_path / "first.log")
        workers.append(first)
        assert proxy.slow_started.wait(WAIT_SECONDS), (tmp_path / "first.log").read_text()
        second = start_worker(pg_url, proxy.url, tmp_path / "second.log")
        workers.append(second)
        wait_for(
            "the second worker to start",
            lambda: rows(pg_url, "SELECT count(*) FROM procrastinate_workers") == [(2,)],
        )
        proxy.gate.set()

        def second_has_stored(n: int) -> Callable[[], bool]:
            sql = (
                "SELECT count(*) FROM run_items JOIN runs ON runs.id = run_items.run_id "
                f"WHERE runs.pid = {second.pid} AND run_items.status = 'new'"
            )
            return lambda: int(str(rows(pg_url, sql)[0][0])) >= n

        wait_for("the second worker to store articles", second_has_stored(10))
        first.send_signal(signal.SIGKILL)  # in the middle of fetching SLOW_URL, at least
        first.wait(30)

        def queue_drained() -> bool:
            left = rows(
                pg_url,
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                "'newsnote.ingest_url' AND status IN ('todo', 'doing')",
            )
            return int(str(left[0][0])) == 0

        wait_for("every ingest job to finish", queue_drained)

    stored = rows(pg_url, "SELECT url, revision FROM articles")
    assert sorted(str(u) for u, _ in stored) == sorted(expected)  # each exactly once
    assert {r for _, r in stored} == {1}  # never stored twice as a "change"
    assert rows(pg_url, "SELECT count(*) FROM article_revisions") == [(0,)]

    # the job the killed worker was running came back and was done by another worker
    assert proxy.hits[SLOW_URL.removeprefix("http://")] >= 2
    # politeness: one request at a time per host, across both workers
    assert set(proxy.max_in_flight) >= {*REGULAR_HOSTS, "entertain.naver.com"}
    assert max(proxy.max_in_flight.values()) == 1, dict(proxy.max_in_flight)

    # a page that is gone fails once, with its reason recorded; nothing else failed
    failed = rows(
        pg_url,
        "SELECT args->>'url', attempts FROM procrastinate_jobs WHERE status = 'failed'",
    )
    assert failed == [(MISSING_URL, 1)]  # one run, not retried
    assert proxy.hits[MISSING_URL.removeprefix("http://")] == 1
    reasons = rows(pg_url, "SELECT url, error_kind FROM run_items WHERE status = 'failed'")
    assert [str(u) for u, _ in reasons] == [MISSING_URL]
    assert "Permanent" in str(reasons[0][1]) or "404" in str(reasons[0][1])
    # and the worker logged it as one line, not a traceback; no newsnote code raised anything
    # unexpected (procrastinate may log its own connection hiccups on a loaded machine)
    logs = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    lines = logs.splitlines()
    failures = [i for i, line in enumerate(lines) if MISSING_URL in line and "failed" in line]
    assert failures
    assert not [i for i in failures if "Traceback" in "".join(lines[i + 1 : i + 2])], logs
    own_frames = re.compile(r'File ".*/(pipeline|scrapers|storage)/[^"]+\.py"')
    assert not own_frames.search(logs), logs


def test_a_worker_given_sources_discovers_on_schedule_and_queues_only_new_articles(
    pg_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    from datetime import UTC, datetime

    from pipeline.ingest import ingest_page
    from pipeline.queue import schema
    from pipeline.settings import Settings
    from scrapers.model import Page
    from storage.db import make_engine
    from tests.pipeline.test_queue_loopback import render_article

    on_list = [f"https://n.news.naver.com/mnews/article/001/{n:010d}" for n in (101, 102, 103)]
    schema.apply(pg_url)
    # the first is already stored: discovery must not queue it again
    body = render_article("001", "0000000101")
    engine = make_engine(pg_url)
    ingest_page(
        engine,
        Page(
            url=on_list[0],
            final_url=on_list[0],
            status=200,
            headers={"content-type": "text/html; charset=utf-8"},
            content=body,
            text=body.decode(),
            charset="utf-8",
            fetched_at=datetime.now(UTC),
        ),
        Settings(database_url=pg_url),
    )
    engine.dispose()

    with naver_proxy(delay=0.005) as proxy:
        proxy.lists["news.naver.com/section/101"] = on_list
        log = tmp_path / "worker.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable, "-m", "pipeline.cli.app", "worker", "--db", pg_url,
                    "--proxy", proxy.url, "--interval", "0.02",
                    "--source", "url:http://news.naver.com/section/101",
                    "--every", "* * * * * */2",  # every two seconds (6th field: seconds)
                ],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "NO_PROXY": ""},
            )  # fmt: skip
        workers.append(proc)

        def queued_urls() -> set[str]:
            found = rows(
                pg_url,
                "SELECT args->>'url' FROM procrastinate_jobs "
                "WHERE task_name = 'newsnote.ingest_url'",
            )
            return {str(u) for (u,) in found}

        wait_for("discovery to queue articles", lambda: len(queued_urls()) >= 2)
        # a few more scheduled rounds: still only the two new articles
        wait_for(
            "more discovery rounds",
            lambda: (
                rows(
                    pg_url,
                    "SELECT count(*) >= 2 FROM procrastinate_jobs "
                    "WHERE task_name = 'newsnote.discover_source' AND status = 'succeeded'",
                )
                == [(True,)]
            ),
        )
    assert queued_urls() == set(on_list[1:]), log.read_text()
    assert proxy.hits["news.naver.com/section/101"] >= 2


def test_a_server_error_that_outlasts_the_fetchers_retries_is_retried_by_the_queue(
    pg_url: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    from pipeline.queue.worker import WORKER_FETCH_RETRIES

    flaky = "http://n.news.naver.com/mnews/article/015/0000000777"
    job_sql = (
        "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = 'newsnote.ingest_url'"
    )
    in_job = 1 + WORKER_FETCH_RETRIES  # requests in one run of the job: all answered 503
    with naver_proxy(delay=0.005) as proxy:
        proxy.flaky[flaky.removeprefix("http://")] = in_job
        queued = newsnote("enqueue", "--urls", "-", "--db", pg_url, stdin=flaky)
        assert queued.returncode == 0, queued.stderr
        workers.append(start_worker(pg_url, proxy.url, tmp_path / "worker.log"))

        def done() -> bool:
            status = rows(pg_url, job_sql)
            return bool(status) and status[0][0] in ("succeeded", "failed")

        wait_for("the job to end", done)
        assert proxy.hits[flaky.removeprefix("http://")] == in_job + 1
    assert rows(pg_url, job_sql) == [("succeeded", 2)]  # two runs: retried once
    assert rows(pg_url, "SELECT url FROM articles") == [
        ("https://n.news.naver.com/mnews/article/015/0000000777",)
    ]
    assert rows(pg_url, "SELECT status, attempts FROM run_items") == [("new", 2)]
