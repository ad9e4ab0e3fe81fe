"""Run records in `runs` / `run_items` (the one writer of outcomes), and what batch and
reparse read from the store (stored URLs, validators, `raw_pages`).

A queue worker is one run (kind "worker") whose items are made as URLs finish
(`record_url_outcome`), so a failure has a reason a user can query
(`SELECT url, error_kind, error FROM run_items WHERE status = 'failed'`). A batch lists its
URLs first:

A run owns its items. An item goes pending → claimed → one of the outcomes
(new | changed | unchanged | not_modified | failed). A run whose process died (same host and
its pid gone, or no heartbeat for `lease` seconds) or that was interrupted leaves items
pending or claimed; the next run *adopts* them: it marks the old run `interrupted`, copies
the unfinished URLs into itself and closes the old items as failed/interrupted, so every
URL has one open item at most and the history says what happened.

Claiming is one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) on PostgreSQL; on
SQLite the engine opens write transactions with BEGIN IMMEDIATE, which serialises claimers.
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import in_chunks
from storage.models import utcnow

ItemStatus = Literal["new", "changed", "unchanged", "not_modified", "failed"]
OUTCOMES: tuple[str, ...] = ("new", "changed", "unchanged", "not_modified", "failed")
UNFINISHED = ("pending", "claimed")
DEFAULT_LEASE = 15 * 60.0  # a run silent this long is dead, whatever host it ran on


@dataclass(frozen=True, slots=True)
class ClaimedItem:
    id: int
    url: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back, from the raw page last stored for a URL."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class StoredRawPage:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    charset: str | None
    content: bytes  # decompressed
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class RunTally:
    by_status: dict[str, int]
    failed_by_kind: dict[str, int]

    @property
    def failed(self) -> int:
        return self.by_status.get("failed", 0)

    @property
    def unfinished(self) -> int:
        return sum(self.by_status.get(s, 0) for s in UNFINISHED)


def this_host() -> str:
    return socket.gethostname()


def create_run(engine: Engine, kind: str, args: dict[str, Any]) -> int:
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(m.Run)
            .values(
                kind=kind,
                status="running",
                args=args,
                host=this_host(),
                pid=os.getpid(),
                started_at=utcnow(),
                heartbeat_at=utcnow(),
            )
            .returning(m.Run.id)
        ).scalar_one()
    return int(run_id)


def heartbeat(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(m.Run).where(m.Run.id == run_id).values(heartbeat_at=utcnow()))


def finish_run(engine: Engine, run_id: int, status: str = "done") -> None:
    """`status`: done | failed | interrupted."""
    with engine.begin() as conn:
        conn.execute(
            update(m.Run)
            .where(m.Run.id == run_id)
            .values(status=status, finished_at=utcnow(), heartbeat_at=utcnow())
        )


def add_urls(engine: Engine, run_id: int, urls: Iterable[str]) -> int:
    """Queue `urls` in the run (a URL already in it is left alone); returns how many were new."""
    added = 0
    with engine.begin() as conn:
        for chunk in in_chunks(list(dict.fromkeys(urls))):
            stmt = _insert_ignore(conn.dialect.name).values(_pending(run_id, chunk))
            added += len(conn.execute(stmt.returning(m.RunItem.id)).all())
    return added


def add_failed(engine: Engine, run_id: int, url: str, error_kind: str, error: str) -> None:
    """Record a URL that failed before it could be queued (not a web URL, say)."""
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            _insert_ignore(conn.dialect.name).values(
                run_id=run_id,
                url=url,
                status="failed",
                attempts=0,
                error_kind=error_kind,
                error=error,
                claimed_at=now,
                finished_at=now,
            )
        )


def is_dead(run: m.Run, *, lease: float, now: datetime | None = None) -> bool:
    """Whether a `running` run's process is gone: pid dead on this host, or no heartbeat."""
    now = now or utcnow()
    beat = run.heartbeat_at or run.started_at
    if beat < now - timedelta(seconds=lease):
        return True
    if run.host == this_host() and run.pid is not None:
        return run.pid != os.getpid() and not _pid_alive(run.pid)
    return False


def adopt_interrupted(engine: Engine, run_id: int, *, lease: float = DEFAULT_LEASE) -> int:
    """Take over the unfinished items of dead or interrupted runs; returns how many URLs.

    A dead run with nothing left to do (killed after its last item) is marked interrupted.
    """
    adopted = 0
    with Session(engine) as session, session.begin():
        candidates = (
            session.execute(
                select(m.Run)
                .where(
                    m.Run.id != run_id,
                    m.Run.kind == "batch",
                    or_(
                        m.Run.status == "running",
                        m.Run.status.in_(("interrupted", "failed"))
                        & m.Run.id.in_(
                            select(m.RunItem.run_id).where(m.RunItem.status.in_(UNFINISHED))
                        ),
                    ),
                )
                .order_by(m.Run.id)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        for run in candidates:
            if run.status == "running" and not is_dead(run, lease=lease):
                continue
            urls = (
                session.execute(
                    select(m.RunItem.url).where(
                        m.RunItem.run_id == run.id, m.RunItem.status.in_(UNFINISHED)
                    )
                )
                .scalars()
                .all()
            )
            dialect = session.get_bind().dialect.name
            for chunk in in_chunks(list(urls)):
                stmt = _insert_ignore(dialect).values(_pending(run_id, chunk))
                adopted += len(session.execute(stmt.returning(m.RunItem.id)).all())
            session.execute(
                update(m.RunItem)
                .where(m.RunItem.run_id == run.id, m.RunItem.status.in_(UNFINISHED))
                .values(
                    status="failed",
                    error_kind="interrupted",
                    error=f"run {run.id} stopped before this item; taken over by run {run_id}",
                    finished_at=utcnow(),
                )
            )
            if run.status == "running":
                run.status = "interrupted"
            run.finished_at = run.finished_at or utcnow()
    return adopted


def claim(engine: Engine, run_id: int, worker: str, limit: int = 1) -> list[ClaimedItem]:
    """Atomically mark up to `limit` pending items of the run as claimed by `worker`."""
    with engine.begin() as conn:
        pending = (
            select(m.RunItem.id)
            .where(m.RunItem.run_id == run_id, m.RunItem.status == "pending")
            .order_by(m.RunItem.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = conn.execute(
            update(m.RunItem)
            .where(m.RunItem.id.in_(pending.scalar_subquery()))
            .values(
                status="claimed",
                claimed_by=worker,
                claimed_at=utcnow(),
                attempts=m.RunItem.attempts + 1,
            )
            .returning(m.RunItem.id, m.RunItem.url, m.RunItem.attempts)
        ).all()
    return sorted((ClaimedItem(r.id, r.url, r.attempts) for r in rows), key=lambda i: i.id)


@dataclass(frozen=True, slots=True)
class Outcome:
    item_id: int
    status: ItemStatus
    article_id: int | None = None
    error_kind: str | None = None
    error: str | None = None
    fetch_ms: int | None = None
    total_ms: int | None = None


def record_outcome(
    engine: Engine,
    item_id: int,
    status: ItemStatus,
    *,
    article_id: int | None = None,
    error_kind: str | None = None,
    error: str | None = None,
    fetch_ms: int | None = None,
    total_ms: int | None = None,
) -> None:
    record_outcomes(
        engine, [Outcome(item_id, status, article_id, error_kind, error, fetch_ms, total_ms)]
    )


def record_outcomes(engine: Engine, outcomes: Sequence[Outcome]) -> None:
    """Close several items in one transaction (one commit, not one per item)."""
    if not outcomes:
        return
    now = utcnow()
    with engine.begin() as conn:
        for o in outcomes:
            conn.execute(
                update(m.RunItem).where(m.RunItem.id == o.item_id).values(**_closed(o, now))
            )


def record_url_outcome(
    engine: Engine,
    run_id: int,
    url: str,
    status: ItemStatus,
    *,
    attempts: int,
    article_id: int | None = None,
    error_kind: str | None = None,
    error: str | None = None,
    fetch_ms: int | None = None,
    total_ms: int | None = None,
) -> None:
    """Record what became of `url` in a run whose items are not listed beforehand (a queue
    worker's: one item per URL, made when it finishes), and beat the run's heart."""
    now = utcnow()
    outcome = Outcome(0, status, article_id, error_kind, error, fetch_ms, total_ms)
    values = {**_closed(outcome, now), "attempts": attempts}
    with engine.begin() as conn:
        upsert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = upsert(m.RunItem).values(run_id=run_id, url=url, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["run_id", "url"], set_=values))
        conn.execute(update(m.Run).where(m.Run.id == run_id).values(heartbeat_at=now))


def _closed(o: Outcome, now: datetime) -> dict[str, Any]:
    """The columns of a run item that an outcome sets (`item_id` is not one)."""
    if o.status not in OUTCOMES:
        raise ValueError(f"not an outcome: {o.status}")
    return {
        "status": o.status,
        "article_id": o.article_id,
        "error_kind": o.error_kind,
        "error": o.error,
        "fetch_ms": o.fetch_ms,
        "total_ms": o.total_ms,
        "finished_at": now,
    }


def tally(engine: Engine, run_id: int) -> RunTally:
    with engine.connect() as conn:
        by_status = Counter(
            {
                str(s): int(n)
                for s, n in conn.execute(
                    select(m.RunItem.status, func.count())
                    .where(m.RunItem.run_id == run_id)
                    .group_by(m.RunItem.status)
                )
            }
        )
        failed = {
            str(k or "unknown"): int(n)
            for k, n in conn.execute(
                select(m.RunItem.error_kind, func.count())
                .where(m.RunItem.run_id == run_id, m.RunItem.status == "failed")
                .group_by(m.RunItem.error_kind)
            )
        }
    return RunTally(dict(by_status), failed)


def unfinished_elsewhere(engine: Engine, run_id: int, urls: Sequence[str]) -> set[str]:
    """URLs among `urls` that another running run has queued or is working on."""
    found: set[str] = set()
    with engine.connect() as conn:
        for chunk in in_chunks(list(urls)):
            found.update(
                conn.execute(
                    select(m.RunItem.url)
                    .join(m.Run, m.Run.id == m.RunItem.run_id)
                    .where(
                        m.RunItem.url.in_(chunk),
                        m.RunItem.run_id != run_id,
                        m.RunItem.status.in_(UNFINISHED),
                        m.Run.status == "running",
                    )
                ).scalars()
            )
    return found


# --- raw pages ------------------------------------------------------------------------------


def validators_for(engine: Engine, urls: Sequence[str]) -> dict[str, Validators]:
    """ETag / Last-Modified of the raw page stored for each URL (asked-for or final URL)."""
    out: dict[str, Validators] = {}
    with engine.connect() as conn:
        for chunk in in_chunks(list(urls)):
            rows = conn.execute(
                select(
                    m.RawPage.url, m.RawPage.final_url, m.RawPage.etag, m.RawPage.last_modified
                ).where(or_(m.RawPage.url.in_(chunk), m.RawPage.final_url.in_(chunk)))
            )
            wanted = set(chunk)
            for url, final_url, etag, last_modified in rows:
                for key in (url, final_url):
                    if key in wanted and (etag or last_modified):
                        out[key] = Validators(etag, last_modified)
    return out


def stored_article_urls(engine: Engine, urls: Sequence[str]) -> set[str]:
    """Which of these URLs are stored articles (by the article's URL or the page's)."""
    found: set[str] = set()
    with engine.connect() as conn:
        for chunk in in_chunks(list(urls)):
            found.update(
                conn.execute(select(m.Article.url).where(m.Article.url.in_(chunk))).scalars()
            )
            found.update(
                conn.execute(
                    select(m.RawPage.url).where(
                        m.RawPage.url.in_(chunk), m.RawPage.article_id.is_not(None)
                    )
                ).scalars()
            )
    return found


def raw_page_urls(engine: Engine, urls: Sequence[str] | None = None) -> list[str]:
    """URLs of stored raw pages (all, or those among `urls`, matched on either URL)."""
    with engine.connect() as conn:
        if urls is None:
            return list(conn.execute(select(m.RawPage.url).order_by(m.RawPage.id)).scalars())
        found: list[str] = []
        for chunk in in_chunks(list(urls)):
            found.extend(
                conn.execute(
                    select(m.RawPage.url)
                    .where(or_(m.RawPage.url.in_(chunk), m.RawPage.final_url.in_(chunk)))
                    .order_by(m.RawPage.id)
                ).scalars()
            )
        return list(dict.fromkeys(found))


def load_raw_page(engine: Engine, url: str) -> StoredRawPage | None:
    from storage.save import load_raw_content

    with engine.connect() as conn:
        row = conn.execute(select(m.RawPage).where(m.RawPage.url == url)).mappings().first()
    if row is None:
        return None
    return StoredRawPage(
        url=row["url"],
        final_url=row["final_url"],
        status=row["status"],
        headers={str(k): str(v) for k, v in (row["headers"] or {}).items()},
        charset=row["charset"],
        content=load_raw_content(row["content"]),
        fetched_at=row["fetched_at"],
    )


def iter_raw_pages(engine: Engine, urls: Sequence[str] | None = None) -> Iterator[StoredRawPage]:
    """Stored raw pages one at a time (memory stays flat however many there are)."""
    for url in raw_page_urls(engine, urls):
        page = load_raw_page(engine, url)
        if page is not None:
            yield page


# --- helpers --------------------------------------------------------------------------------


def _pending(run_id: int, urls: Sequence[str]) -> list[dict[str, Any]]:
    return [{"run_id": run_id, "url": u, "status": "pending", "attempts": 0} for u in urls]


def _insert_ignore(dialect: str) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(m.RunItem).on_conflict_do_nothing(index_elements=["run_id", "url"])
    if dialect == "sqlite":
        return sqlite.insert(m.RunItem).on_conflict_do_nothing(index_elements=["run_id", "url"])
    raise NotImplementedError(f"run bookkeeping on {dialect}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


__all__ = [
    "DEFAULT_LEASE",
    "ClaimedItem",
    "Outcome",
    "RunTally",
    "StoredRawPage",
    "Validators",
    "add_failed",
    "add_urls",
    "adopt_interrupted",
    "claim",
    "create_run",
    "finish_run",
    "heartbeat",
    "is_dead",
    "iter_raw_pages",
    "load_raw_page",
    "raw_page_urls",
    "record_outcome",
    "record_outcomes",
    "record_url_outcome",
    "stored_article_urls",
    "tally",
    "unfinished_elsewhere",
    "validators_for",
]
