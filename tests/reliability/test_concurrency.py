"""Two batches and an ingest at once on one store: no lost or duplicated rows, no lock errors.

Real processes, started together, on SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and on
PostgreSQL. The batches' URL lists overlap, and the ingest fetches some of the same URLs
while also reading saved pages of other articles.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers.sites import canonical_url
from storage import db as storage_db
from storage import models as m
from tests.loopback import LoopbackServer, html
from tests.reliability.conftest import COUNTS
from tests.reliability.pages import article_page
from tests.reliability.proc import (
    RUN_TIMEOUT,
    batch_argv,
    check_articles_whole,
    clean_env,
    newsnote_argv,
)

HOSTS = 3
PER_BATCH = 24
OVERLAP = 12
SAVED_PAGES = 5
FETCHED_BY_INGEST = 3
NAVER_URL = "https://n.news.naver.com/mnews/article/015/{aid}"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=HOSTS) as s:
        yield s


def start(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env()
    )


def race(db: str, server: LoopbackServer, tmp_path: Path) -> None:
    total = 2 * PER_BATCH - OVERLAP
    urls = [server.route(i % HOSTS, f"/race/{i}", html(article_page(i))) for i in range(total)]
    first, second = urls[:PER_BATCH], urls[PER_BATCH - OVERLAP :]
    lists = []
    for name, chunk in (("a", first), ("b", second)):
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(chunk) + "\n", encoding="utf-8")
        lists.append(path)
    saved = []
    for k in range(SAVED_PAGES):
        path = tmp_path / f"saved-{k}.html"
        path.write_text(article_page(1000 + k), encoding="utf-8")
        saved.append(str(path))
    shared = urls[PER_BATCH - OVERLAP : PER_BATCH - OVERLAP + FETCHED_BY_INGEST]

    # A new SQLite file is created and migrated by whichever process comes first.
    procs = [
        start(batch_argv(lists[0], db)),
        start(batch_argv(lists[1], db)),
        start(newsnote_argv("ingest", *saved, *shared, "--db", db)),
    ]
    outputs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert "database is locked" not in err.lower(), err
        assert "Traceback" not in err, err
        assert proc.returncode == 0, f"{proc.args!r}\n{out}\n{err}"
    COUNTS["concurrency: processes raced"] += len(procs)

    expected = {canonical_url(u) for u in urls}
    expected |= {
        NAVER_URL.format(aid=f"{9_000_000_000 + 1000 + k:010d}") for k in range(SAVED_PAGES)
    }
    engine = storage_db.make_engine(db)
    try:
        with Session(engine) as s:
            stored = list(s.execute(select(m.Article.url)).scalars())
            open_items = s.execute(
                select(m.RunItem.url).where(m.RunItem.status.in_(("pending", "claimed")))
            ).all()
            failed = s.execute(
                select(m.RunItem.url, m.RunItem.error).where(m.RunItem.status == "failed")
            ).all()
        assert len(stored) == len(set(stored)), "no article stored twice"
        assert set(stored) == expected, "no article lost"
        assert not open_items, open_items
        assert not failed, failed
        COUNTS["concurrency: rows checked"] += check_articles_whole(engine)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_two_batches_and_an_ingest_at_once_sqlite(server: LoopbackServer, tmp_path: Path) -> None:
    race(f"sqlite:///{tmp_path / 'store.db'}", server, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_batches_and_an_ingest_at_once_postgres(
    server: LoopbackServer, tmp_path: Path, pg_url: str
) -> None:
    race(pg_url, server, tmp_path)
