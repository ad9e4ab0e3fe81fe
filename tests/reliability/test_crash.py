"""kill -9 during `newsnote batch`, several times, then rerun: every URL stored exactly once.

The batch runs as a real process against loopback hosts serving Naver-structure article
pages; it is killed at seeded random points (during start-up, after a few stored articles),
then run again until it finishes. The store must hold each article once and whole, and the
run records must say which runs were interrupted and what the next run took over.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from scrapers.sites import canonical_url
from storage import db as storage_db
from storage import models as m
from tests.loopback import LoopbackServer, html
from tests.reliability.conftest import COUNTS
from tests.reliability.pages import article_page
from tests.reliability.proc import RUN_TIMEOUT, batch_argv, check_articles_whole, clean_env, run

ARTICLES = 40
HOSTS = 3
SEED = 11
KILLS = 4
MAX_RERUNS = 3
DONE_STATUSES = ("new", "changed", "unchanged", "not_modified")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=HOSTS) as s:
        yield s


def serve_articles(server: LoopbackServer, n: int, tmp_path: Path) -> tuple[Path, list[str]]:
    urls = [server.route(i % HOSTS, f"/news/{i}", html(article_page(i))) for i in range(n)]
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return urls_file, urls


def run_and_kill(argv: list[str], *, after_lines: int | None, after_seconds: float) -> bool:
    """Start the batch; SIGKILL it after `after_lines` progress lines (or the delay).

    Returns whether it was killed (False when it finished first).
    """
    with subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=clean_env()
    ) as proc:
        progressed = threading.Event()
        seen = 0

        def read() -> None:
            nonlocal seen
            assert proc.stderr is not None
            for line in proc.stderr:
                if line.startswith("["):
                    seen += 1
                    if after_lines is not None and seen >= after_lines:
                        progressed.set()
            progressed.set()  # the process ended

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if after_lines is None:
            time.sleep(after_seconds)
        else:
            progressed.wait(timeout=RUN_TIMEOUT)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    return killed


def crash_and_recover(db: str, urls_file: Path, urls: list[str]) -> None:
    rng = random.Random(SEED)
    argv = batch_argv(urls_file, db)
    kills = 0
    # one kill during start-up or planning, the others after a few articles were stored
    plan: list[tuple[int | None, float]] = [(None, rng.uniform(0.5, 4.0))]
    plan += [(rng.randint(1, 6), 0.0) for _ in range(KILLS - 1)]
    for after_lines, after_seconds in plan:
        kills += run_and_kill(argv, after_lines=after_lines, after_seconds=after_seconds)
    assert kills >= KILLS - 1, "the batch ended before it could be killed"
    COUNTS["crash: SIGKILLs delivered"] += kills

    for _ in range(MAX_RERUNS):
        done = run(argv)
        assert "Traceback" not in done.stderr, done.stderr
        assert "database is locked" not in done.stderr
        if done.returncode == 0:
            break
    assert done.returncode == 0, f"batch did not finish cleanly:\n{done.stdout}\n{done.stderr}"

    engine = storage_db.make_engine(db)
    try:
        check_store_after_crashes(engine, [canonical_url(u) for u in urls])
        COUNTS["crash: rows checked"] += check_articles_whole(engine)
    finally:
        engine.dispose()


def check_store_after_crashes(engine: Engine, expected_urls: list[str]) -> None:
    with Session(engine) as s:
        stored = s.execute(select(m.Article.url, m.Article.id)).all()
        urls = [u for u, _ in stored]
        assert sorted(urls) == sorted(set(expected_urls)), "every URL stored exactly once"
        ids = dict(stored)

        runs_ = s.execute(select(m.Run).order_by(m.Run.id)).scalars().all()
        items = s.execute(select(m.RunItem).order_by(m.RunItem.id)).scalars().all()
        by_run: dict[int, list[m.RunItem]] = {}
        for item in items:
            by_run.setdefault(item.run_id, []).append(item)

        assert runs_, "runs are recorded"
        assert runs_[-1].status == "done"
        assert not [i for i in items if i.status in ("pending", "claimed")], "nothing left open"
        for run_ in runs_:
            assert run_.status in ("done", "interrupted"), (run_.id, run_.status)
            if run_.status == "interrupted":
                assert run_.finished_at is not None
        # each taken-over item says so and names the run that took it over
        for item in items:
            if item.error_kind == "interrupted":
                assert "taken over by run" in (item.error or "")
                assert next(r for r in runs_ if r.id == item.run_id).status == "interrupted"
        # every article's URL ended in a success that points at it; created ("new") once
        ok = [i for i in items if i.status in DONE_STATUSES]
        for url, article_id in ids.items():
            assert any(i.url == url and i.article_id == article_id for i in ok), url
        new_ids = Counter(i.article_id for i in items if i.status == "new")
        assert all(n == 1 for n in new_ids.values()), new_ids
        assert not [i for i in items if i.status == "failed" and i.error_kind != "interrupted"]
        COUNTS["crash: runs recorded"] += len(runs_)
        COUNTS["crash: interrupted runs recorded"] += sum(r.status == "interrupted" for r in runs_)


@pytest.mark.slow
def test_kill_9_during_batch_then_rerun_sqlite(server: LoopbackServer, tmp_path: Path) -> None:
    urls_file, urls = serve_articles(server, ARTICLES, tmp_path)
    crash_and_recover(f"sqlite:///{tmp_path / 'store.db'}", urls_file, urls)


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_during_batch_then_rerun_postgres(
    server: LoopbackServer, tmp_path: Path, pg_url: str
) -> None:
    urls_file, urls = serve_articles(server, ARTICLES, tmp_path)
    crash_and_recover(pg_url, urls_file, urls)


def dead_pid() -> int:
    with subprocess.Popen(["true"]) as proc:
        proc.wait()
    return proc.pid


def test_a_run_killed_after_its_last_item_is_not_left_running(
    sqlite_url: str, server: LoopbackServer
) -> None:
    """A kill between the last item's outcome and closing the run: the next run says so."""
    from sqlalchemy import update

    from pipeline.batch import BatchOptions, run_batch
    from pipeline.settings import Settings
    from scrapers.fetch import FetchConfig
    from storage import runs

    engine = storage_db.make_engine(sqlite_url)
    try:
        killed = runs.create_run(engine, "batch", {})
        runs.add_urls(engine, killed, ["https://example.com/done"])
        (item,) = runs.claim(engine, killed, "w")
        runs.record_outcome(engine, item.id, "failed", error_kind="X", error="x")
        with engine.begin() as conn:  # as if its process had died right here
            conn.execute(update(m.Run).where(m.Run.id == killed).values(pid=dead_pid()))
        url = server.route(0, "/one", html(article_page(1)))
        run_batch(
            engine,
            Settings(database_url=sqlite_url),
            BatchOptions(urls=[url]),
            fetch_config=FetchConfig(per_host_interval=0.0, trust_env=False),
        )
        with Session(engine) as s:
            status = s.execute(select(m.Run.status).where(m.Run.id == killed)).scalar_one()
        assert status != "running", "a dead run is recorded as still running"
    finally:
        engine.dispose()
