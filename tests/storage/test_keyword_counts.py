"""Keyword counts (`keyword_terms`) under concurrent saves: every save lands, none deadlocks,
and the counts equal the keyword rows, on SQLite and PostgreSQL.

Each keyword row deleted or inserted fires one count update for its term; concurrent saves
sharing terms would lock those count rows in different orders and deadlock on PostgreSQL,
unless each save locks them all first, in one order.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from sqlalchemy import Engine, text

from pipeline.model import Keyword
from storage.save import save_article
from tests import factories

WORKERS = 4
SAVES = 30  # per worker
TERMS = [f"공유어{i}" for i in range(12)]


def save_many(engine: Engine, worker: int) -> int:
    """Save SAVES new articles, then change each (its old keywords deleted, new ones added)."""
    rng = random.Random(worker)
    saved = 0
    for version in ("t1", "t2"):
        for i in range(SAVES):
            terms = rng.sample(TERMS, 8)  # shared terms, each save in its own order
            analysis = replace(
                factories.analysis(version=version),
                keywords=tuple(Keyword(t, 1.0 / r, r) for r, t in enumerate(terms, start=1)),
            )
            url = f"https://n.news.naver.com/mnews/article/015/{9_100_000_000 + worker * 100 + i}"
            result = save_article(engine, factories.article(url=url), analysis)
            saved += result.status == ("new" if version == "t1" else "changed")
    return saved


def test_concurrent_saves_keep_exact_keyword_counts(engine: Engine) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        saved = sum(pool.map(lambda w: save_many(engine, w), range(WORKERS)))
    assert saved == 2 * WORKERS * SAVES
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT term, articles FROM keyword_terms")).all()
        counted = conn.execute(text("SELECT term, count(*) FROM keywords GROUP BY term")).all()
    assert sorted(kept) == sorted(counted)
    assert sum(n for _, n in kept) == WORKERS * SAVES * 8
