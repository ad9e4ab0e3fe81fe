"""A store at the first revision keeps every row through upgrade to head, and the last
revision can be downgraded and upgraded again without losing data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from scrapers.model import Page
from storage import db as storage_db
from storage import models as m
from storage import runs
from storage.save import save_article
from tests import factories
from tests.reliability.conftest import COUNTS

FIRST = "0001"
ARTICLES = 12


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    with storage_db.connect_errors(url):
        command.downgrade(storage_db.alembic_config(url), revision)


def populate(engine: Engine) -> None:
    for i in range(ARTICLES):
        url = f"https://n.news.naver.com/mnews/article/015/{9_100_000_000 + i:010d}"
        article = replace(factories.article(url=url), title=f"이전 판 기사 {i}")
        page = Page(
            url=url,
            final_url=url,
            status=200,
            headers={"etag": f'"v{i}"'},
            content=f"<html>{i}</html>".encode(),
            text=f"<html>{i}</html>",
            charset="utf-8",
            fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
        save_article(engine, article, factories.analysis(), page=page)
    run_id = runs.create_run(engine, "batch", {"urls": 2})
    runs.add_urls(engine, run_id, ["https://example.com/a", "https://example.com/b"])
    runs.finish_run(engine, run_id, "done")


def snapshot(engine: Engine, tables: set[str]) -> dict[str, object]:
    """Row counts of these tables, and the article rows themselves."""
    out: dict[str, object] = {}
    with Session(engine) as s:
        for table in m.Base.metadata.sorted_tables:
            if table.name in tables:
                out[table.name] = s.execute(select(func.count()).select_from(table)).scalar_one()
        out["articles.rows"] = [
            tuple(r)
            for r in s.execute(
                select(
                    m.Article.url, m.Article.title, m.Article.body_text, m.Article.content_hash
                ).order_by(m.Article.id)
            )
        ]
    return out


def check_upgrade_keeps_rows(url: str) -> None:
    # Today's save code writes for today's schema (on PostgreSQL it locks the keyword counts
    # of revision 0005), so the store is filled at head and taken down to the first
    # revision: what a store filled then holds, every row carried through each downgrade.
    storage_db.upgrade(url)
    engine = storage_db.make_engine(url)
    try:
        populate(engine)
        filled = snapshot(engine, set(storage_db.table_names(engine)))
        downgrade(url, FIRST)
        assert storage_db.current_revision(engine) == FIRST
        first_tables = set(storage_db.table_names(engine))  # later revisions add tables
        before = snapshot(engine, first_tables)
        assert before == {k: v for k, v in filled.items() if k in before}
        assert before["articles"] == ARTICLES, before
        assert before["figures"], before

        storage_db.upgrade(url)
        assert storage_db.current_revision(engine) == storage_db.head_revision(url)
        assert snapshot(engine, first_tables) == before
        with engine.connect() as conn:  # the views that came later see the old rows
            seen = conn.execute(text("SELECT count(*) FROM article_overview")).scalar_one()
        assert seen == ARTICLES
        assert_keyword_terms_count_keywords(engine)

        downgrade(url, "-1")
        assert storage_db.current_revision(engine) != storage_db.head_revision(url)
        assert snapshot(engine, first_tables) == before
        storage_db.upgrade(url)
        assert storage_db.current_revision(engine) == storage_db.head_revision(url)
        assert snapshot(engine, first_tables) == before
        assert_keyword_terms_count_keywords(engine)
        COUNTS["migrations: rows carried through upgrade/downgrade"] += sum(
            v for k, v in before.items() if isinstance(v, int)
        )
    finally:
        engine.dispose()


def assert_keyword_terms_count_keywords(engine: Engine) -> None:
    """The keyword counts a migration filled in agree with the keywords stored before it."""
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT term, articles FROM keyword_terms")).all()
        counted = conn.execute(text("SELECT term, count(*) FROM keywords GROUP BY term")).all()
    assert sorted(kept) == sorted(counted)
    assert kept


def test_populated_sqlite_store_upgrades_from_the_first_revision(tmp_path) -> None:  # type: ignore[no-untyped-def]
    check_upgrade_keeps_rows(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_populated_postgres_store_upgrades_from_the_first_revision(pg_url: str) -> None:
    check_upgrade_keeps_rows(pg_url)  # the per-test database comes migrated to head
