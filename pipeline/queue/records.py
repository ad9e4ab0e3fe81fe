"""What a worker did with each URL, in the store's `run_items` table.

One run per worker process (`storage.runs.create_run`, kind "worker"); one item per URL
with its final outcome, so failures have a reason a user can query
(`SELECT url, error_kind, error FROM run_items WHERE status='failed'`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from storage import models as m
from storage.models import utcnow


@dataclass(frozen=True, slots=True)
class Outcome:
    url: str
    status: str  # new | changed | unchanged | not_modified | failed
    attempts: int
    article_id: int | None = None
    error_kind: str | None = None
    error: str | None = None
    fetch_ms: int | None = None
    total_ms: int | None = None


def record(engine: Engine, run_id: int, outcome: Outcome) -> None:
    values = {
        "status": outcome.status,
        "attempts": outcome.attempts,
        "article_id": outcome.article_id,
        "error_kind": outcome.error_kind,
        "error": outcome.error,
        "fetch_ms": outcome.fetch_ms,
        "total_ms": outcome.total_ms,
        "finished_at": utcnow(),
    }
    stmt = pg_insert(m.RunItem).values(run_id=run_id, url=outcome.url, **values)
    with engine.begin() as conn:
        conn.execute(stmt.on_conflict_do_update(index_elements=["run_id", "url"], set_=values))
        conn.execute(update(m.Run).where(m.Run.id == run_id).values(heartbeat_at=utcnow()))
