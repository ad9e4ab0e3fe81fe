"""Run bookkeeping on both backends: queueing, claiming, outcomes, adoption after a crash."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from scrapers.model import Page
from storage import models as m
from storage import runs
from storage.models import utcnow
from storage.save import save_raw_page

URLS = [f"https://n.news.naver.com/mnews/article/001/{i:010d}" for i in range(10)]


def items(engine: Engine, run_id: int) -> dict[str, str]:
    with Session(engine) as s:
        rows = s.execute(select(m.RunItem.url, m.RunItem.status).where(m.RunItem.run_id == run_id))
        return {str(r[0]): str(r[1]) for r in rows.all()}


def test_adding_urls_is_idempotent_per_run(engine: Engine) -> None:
    run_id = runs.create_run(engine, "batch", {"urls": 10})
    assert runs.add_urls(engine, run_id, URLS) == 10
    assert runs.add_urls(engine, run_id, [*URLS[:5], URLS[0]]) == 0
    assert set(items(engine, run_id).values()) == {"pending"}
    assert len(items(engine, run_id)) == 10


def test_claims_hand_out_each_item_once(engine: Engine) -> None:
    run_id = runs.create_run(engine, "batch", {})
    runs.add_urls(engine, run_id, URLS)
    first = runs.claim(engine, run_id, "w1", limit=4)
    second = runs.claim(engine, run_id, "w2", limit=100)
    third = runs.claim(engine, run_id, "w3", limit=100)
    assert len(first) == 4
    assert len(second) == 6
    assert third == []
    assert {i.url for i in first} | {i.url for i in second} == set(URLS)
    assert all(i.attempts == 1 for i in first + second)


def test_concurrent_claimers_never_share_an_item(engine: Engine) -> None:
    run_id = runs.create_run(engine, "batch", {})
    many = [f"https://example.com/a/{i}" for i in range(200)]
    runs.add_urls(engine, run_id, many)
    got: list[list[str]] = [[] for _ in range(4)]

    def work(n: int) -> None:
        while batch := runs.claim(engine, run_id, f"w{n}", limit=3):
            got[n].extend(i.url for i in batch)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [u for g in got for u in g]
    assert sorted(flat) == sorted(many)


def test_outcomes_and_tally(engine: Engine) -> None:
    run_id = runs.create_run(engine, "batch", {})
    runs.add_urls(engine, run_id, URLS[:5])
    claimed = runs.claim(engine, run_id, "w", limit=5)
    statuses: list[runs.ItemStatus] = ["new", "changed", "not_modified", "failed", "failed"]
    for item, status in zip(claimed, statuses, strict=True):
        kind = "RetryableFetchError" if status == "failed" else None
        runs.record_outcome(engine, item.id, status, error_kind=kind, error="x", fetch_ms=3)
    tally = runs.tally(engine, run_id)
    assert tally.by_status == {"new": 1, "changed": 1, "not_modified": 1, "failed": 2}
    assert tally.failed_by_kind == {"RetryableFetchError": 2}
    assert tally.unfinished == 0


def test_a_dead_runs_unfinished_items_are_adopted_once(engine: Engine) -> None:
    old = runs.create_run(engine, "batch", {})
    runs.add_urls(engine, old, URLS)
    done = runs.claim(engine, old, "w", limit=3)
    for item in done:
        runs.record_outcome(engine, item.id, "new")
    runs.claim(engine, old, "w", limit=2)  # claimed, then the process "died"
    with Session(engine) as s, s.begin():  # no heartbeat for an hour
        s.execute(
            update(m.Run).where(m.Run.id == old).values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
    new = runs.create_run(engine, "batch", {})
    assert runs.adopt_interrupted(engine, new, lease=60) == 7
    assert set(items(engine, new)) == set(URLS) - {i.url for i in done}
    old_items = items(engine, old)
    assert sorted(old_items.values()) == ["failed"] * 7 + ["new"] * 3
    # A third run finds nothing left to adopt.
    third = runs.create_run(engine, "batch", {})
    assert runs.adopt_interrupted(engine, third, lease=60) == 0
    with Session(engine) as s:
        assert s.get(m.Run, old).status == "interrupted"  # type: ignore[union-attr]


def test_a_live_run_is_not_adopted(engine: Engine) -> None:
    live = runs.create_run(engine, "batch", {})
    runs.add_urls(engine, live, URLS)
    other = runs.create_run(engine, "batch", {})
    assert runs.adopt_interrupted(engine, other, lease=60) == 0
    assert runs.unfinished_elsewhere(engine, other, URLS[:3]) == set(URLS[:3])


def test_a_run_whose_process_is_gone_is_adopted_at_once(engine: Engine) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(proc.stdout)
    old = runs.create_run(engine, "batch", {})
    runs.add_urls(engine, old, URLS[:2])
    with Session(engine) as s, s.begin():
        s.execute(update(m.Run).where(m.Run.id == old).values(pid=dead_pid))
    new = runs.create_run(engine, "batch", {})
    assert runs.adopt_interrupted(engine, new) == 2


def test_validators_come_from_the_stored_raw_page(engine: Engine) -> None:
    page = Page(
        url="https://example.com/a",
        final_url="https://example.com/a",
        status=200,
        headers={"ETag": '"abc"', "Last-Modified": "Wed, 01 May 2024 12:00:00 GMT"},
        content="<p>기사</p>".encode(),
        text="<p>기사</p>",
        charset="utf-8",
        fetched_at=datetime.now(UTC),
    )
    save_raw_page(engine, page)
    found = runs.validators_for(engine, ["https://example.com/a", "https://example.com/b"])
    assert found == {
        "https://example.com/a": runs.Validators('"abc"', "Wed, 01 May 2024 12:00:00 GMT")
    }
    stored = runs.load_raw_page(engine, "https://example.com/a")
    assert stored is not None
    assert stored.content == page.content
    assert [p.url for p in runs.iter_raw_pages(engine)] == ["https://example.com/a"]
