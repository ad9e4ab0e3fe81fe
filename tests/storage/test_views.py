"""The views of migration 0002: what someone writing SQL by hand sees, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, inspect, select, text

from alembic import command
from storage import db as storage_db
from storage import models as m
from storage.save import save_article
from tests import factories as fx

VIEWS = {
    "article_overview",
    "keyword_daily",
    "figure_facts",
    "quote_facts",
    "quotes_by_speaker",
    "press_daily",
    "run_health",
}


def query(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql))]


def test_article_overview_shows_kst_keywords_and_summary(engine: Engine) -> None:
    save_article(engine, fx.article(), fx.analysis())
    [row] = query(engine, "SELECT * FROM article_overview")
    # published 2023-10-24 17:41 UTC is 2023-10-25 02:41 KST
    assert str(row["published_kst"]).startswith("2023-10-25 02:41")
    assert row["press"] == "한국경제"
    assert row["top_keywords"] == "엔비디아, 트웰브랩스"
    assert row["summary"].startswith("엔비디아가 트웰브랩스에 투자했다. 아마존은")


def test_keyword_daily_and_press_daily_group_by_kst_day(engine: Engine) -> None:
    save_article(engine, fx.article(), fx.analysis())
    save_article(engine, fx.article(url="https://example.com/2"), fx.analysis())
    got = query(engine, "SELECT day, term, articles FROM keyword_daily ORDER BY term")
    assert [(str(r["day"]), r["term"], r["articles"]) for r in got] == [
        ("2023-10-25", "엔비디아", 2),
        ("2023-10-25", "트웰브랩스", 2),
    ]
    [press] = query(engine, "SELECT * FROM press_daily")
    assert (str(press["day"]), press["press"], press["articles"]) == ("2023-10-25", "한국경제", 2)


def test_figure_facts_carry_their_sentence(engine: Engine) -> None:
    save_article(engine, fx.article(), fx.analysis())
    got = query(engine, "SELECT figure, kind, unit, value_text, sentence FROM figure_facts")
    assert sorted((r["figure"], r["unit"], r["value_text"]) for r in got) == [
        ("40억달러", "USD", "4000000000"),
        ("5조4000억원", "KRW", "5400000000000"),
    ]
    assert all(r["sentence"].startswith("아마존은 앤스로픽에") for r in got)


def test_quotes_by_speaker_counts(engine: Engine) -> None:
    save_article(engine, fx.article(), fx.analysis())
    save_article(engine, fx.article(url="https://example.com/2"), fx.analysis())
    [row] = query(engine, "SELECT * FROM quotes_by_speaker")
    assert (row["speaker"], row["quotes"], row["articles"]) == ("관계자", 2, 2)
    quotes = query(engine, "SELECT speaker, quote, press FROM quote_facts")
    assert quotes[0] == {"speaker": "관계자", "quote": "투자는 계속된다", "press": "한국경제"}


def test_run_health_counts_items_and_duration(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(m.Run).values(
                id=1,
                kind="batch",
                status="done",
                args={},
                started_at=datetime(2024, 3, 1, 0, 0, tzinfo=UTC),
                finished_at=datetime(2024, 3, 1, 0, 1, 30, tzinfo=UTC),
            )
        )
        conn.execute(
            insert(m.RunItem),
            [
                {"run_id": 1, "url": "https://e.com/1", "status": "new"},
                {"run_id": 1, "url": "https://e.com/2", "status": "failed"},
            ],
        )
    [row] = query(engine, "SELECT * FROM run_health")
    assert (row["items"], row["new"], row["failed"]) == (2, 1, 1)
    assert float(row["seconds"]) == 90.0
    assert str(row["started_kst"]).startswith("2024-03-01 09:00")


def test_downgrade_to_0001_and_back_keeps_rows(engine: Engine, db_url: str) -> None:
    save_article(engine, fx.article(), fx.analysis())
    cfg = storage_db.alembic_config(db_url)
    command.downgrade(cfg, "0001")
    assert VIEWS.isdisjoint(inspect(engine).get_view_names())
    command.upgrade(cfg, "head")
    engine.dispose()
    assert set(inspect(engine).get_view_names()) >= VIEWS
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Figure)).scalar_one() == 2
    assert len(query(engine, "SELECT * FROM article_overview")) == 1
