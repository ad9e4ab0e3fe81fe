"""Named reports on both databases: the rows a user would check (counts, order, filters)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from pipeline.model import Keyword, Quote
from storage import models as m
from storage.errors import StorageError, UnknownReport
from storage.reports import REPORTS, ReportFilters, ReportUnavailable, as_query_rows, run_report
from storage.save import save_article
from tests import factories as fx

KST = timezone(timedelta(hours=9))


def add(
    engine: Engine,
    n: int,
    when_kst: datetime,
    keywords: tuple[str, ...] = (),
    press: str = "한국경제",
    speaker: str = "관계자",
) -> None:
    """Article number `n`, published at `when_kst` (a naive KST wall time)."""
    an = fx.analysis()
    an = replace(
        an,
        keywords=tuple(Keyword(t, 1.0 - i / 10, i + 1) for i, t in enumerate(keywords)),
        quotes=(Quote(speaker, f"인용 {n}", 1),),
    )
    art = fx.article(
        url=f"https://example.com/a/{n}",
        title=f"기사 {n}",
        press=press,
        published_at=when_kst.replace(tzinfo=KST).astimezone(UTC),
    )
    save_article(engine, art, an)


def rows(url: str, name: str, **kw: Any) -> list[dict[str, Any]]:
    result = run_report(url, name, ReportFilters(**kw))
    return [dict(zip(result.columns, r, strict=True)) for r in result.rows]


@pytest.fixture
def week_store(engine: Engine, db_url: str) -> str:
    """Two KST weeks: 2024-03-01..07 (previous) and 2024-03-08..14 (current)."""
    add(engine, 1, datetime(2024, 3, 3, 9, 0), ("금리", "반도체"))
    add(engine, 2, datetime(2024, 3, 5, 9, 0), ("금리",), press="조선일보")
    add(engine, 3, datetime(2024, 3, 10, 9, 0), ("반도체", "금리"))
    add(engine, 4, datetime(2024, 3, 12, 9, 0), ("반도체",), press="조선일보")
    # 23:30 KST on the 14th is 14:30 UTC the same day: inside the current week
    add(engine, 5, datetime(2024, 3, 14, 23, 30), ("반도체", "환율"), speaker="이창용")
    # 00:10 KST on the 15th is still the 14th in UTC: outside it
    add(engine, 6, datetime(2024, 3, 15, 0, 10), ("환율",))
    return db_url


def test_articles_are_newest_first_in_kst(week_store: str) -> None:
    got = rows(week_store, "articles", limit=3)
    assert [r["title"] for r in got] == ["기사 6", "기사 5", "기사 4"]
    assert got[1]["published_kst"].strftime("%Y-%m-%d %H:%M") == "2024-03-14 23:30"
    assert got[1]["top_keywords"] == "반도체, 환율"


def test_articles_filters_combine(week_store: str) -> None:
    got = rows(
        week_store,
        "articles",
        since=date(2024, 3, 8),
        until=date(2024, 3, 14),
        press="한국경제",
        keyword="반도체",
    )
    assert [r["title"] for r in got] == ["기사 5", "기사 3"]


def test_keywords_counts_the_period_against_the_previous_one(week_store: str) -> None:
    got = rows(week_store, "keywords", since=date(2024, 3, 8), until=date(2024, 3, 14))
    table = {r["term"]: (r["articles"], r["previous"], r["change"]) for r in got}
    assert table == {"반도체": (3, 1, 2), "금리": (1, 2, -1), "환율": (1, 0, 1)}
    assert got[0]["term"] == "반도체"


def test_keywords_default_period_is_the_week_up_to_the_newest_article(week_store: str) -> None:
    # newest article: 2024-03-15 KST, so the week is 03-09..03-15 and 03-08 is outside it
    got = {r["term"]: r["articles"] for r in rows(week_store, "keywords")}
    assert got == {"반도체": 3, "환율": 2, "금리": 1}


def test_keywords_with_a_keyword_lists_terms_seen_with_it(week_store: str) -> None:
    got = rows(
        week_store, "keywords", since=date(2024, 3, 8), until=date(2024, 3, 14), keyword="환율"
    )
    assert [(r["term"], r["articles"]) for r in got] == [("반도체", 1)]


def test_keyword_trend_counts_per_kst_day(week_store: str) -> None:
    got = rows(week_store, "keyword-trend", term="환율", since=date(2024, 3, 1))
    assert [(str(r["day"]), r["articles"]) for r in got] == [("2024-03-14", 1), ("2024-03-15", 1)]


def test_keyword_trend_needs_a_term(week_store: str) -> None:
    with pytest.raises(StorageError, match="TERM"):
        run_report(week_store, "keyword-trend")


def test_figures_filter_by_unit_and_kind(week_store: str) -> None:
    got = rows(week_store, "figures", unit="KRW", limit=2)
    # figures-spec: 5조4000억원 -> 5400000000000 KRW
    assert [(r["figure"], r["value"], r["kind"]) for r in got] == [
        ("5조4000억원", "5400000000000", "money"),
        ("5조4000억원", "5400000000000", "money"),
    ]
    assert all("앤스로픽" in r["sentence"] for r in got)
    assert rows(week_store, "figures", kind="percent") == []
    # each article has two money figures: 40억달러 first, as in the sentence
    first = rows(week_store, "figures", kind="money", limit=2)
    assert [r["figure"] for r in first] == ["40억달러", "5조4000억원"]


def test_figures_keyword_matches_article_keyword_or_sentence_word(week_store: str) -> None:
    assert len(rows(week_store, "figures", keyword="환율", limit=0)) == 4  # articles 5 and 6
    assert len(rows(week_store, "figures", keyword="앤스로픽", limit=0)) == 12  # every sentence
    assert rows(week_store, "figures", keyword="100%_없는말") == []


def test_quotes_by_speaker_keyword(week_store: str) -> None:
    got = rows(week_store, "quotes", keyword="이창용")
    assert [(r["speaker"], r["quote"]) for r in got] == [("이창용", "인용 5")]


def test_press_counts_articles_per_press(week_store: str) -> None:
    got = rows(week_store, "press")
    assert [(r["press"], r["articles"], r["days"]) for r in got] == [
        ("한국경제", 4, 4),
        ("조선일보", 2, 2),
    ]
    assert got[1]["first_kst"].strftime("%m-%d %H:%M") == "03-05 09:00"


def test_runs_count_items_by_outcome(engine: Engine, db_url: str) -> None:
    started = datetime(2024, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(m.Run),
            [
                {"id": 1, "kind": "batch", "status": "done", "args": {}, "started_at": started},
                {
                    "id": 2,
                    "kind": "batch",
                    "status": "running",
                    "args": {},
                    "started_at": started + timedelta(hours=1),
                },
            ],
        )
        statuses = ["new", "new", "failed", "unchanged", "not_modified"]
        conn.execute(
            insert(m.RunItem),
            [
                {"run_id": 1, "url": f"https://e.com/{i}", "status": s}
                for i, s in enumerate(statuses)
            ]
            + [{"run_id": 2, "url": "https://e.com/x", "status": "pending"}],
        )
    got = rows(db_url, "runs")
    assert [(r["run_id"], r["status"], r["items"]) for r in got] == [
        (2, "running", 1),
        (1, "done", 5),
    ]
    # one word per outcome, the run_items.status the batch tally and run_health use
    assert (got[1]["new"], got[1]["failed"]) == (2, 1)
    assert (got[1]["unchanged"], got[1]["not_modified"]) == (1, 1)
    assert got[0]["pending"] == 1


def test_limit_zero_returns_everything_and_the_default_limits(engine: Engine, db_url: str) -> None:
    for n in range(60):
        add(engine, n, datetime(2024, 1, 1, 9, 0) + timedelta(hours=n), ("AI",))
    assert len(rows(db_url, "articles")) == REPORTS["articles"].default_limit == 50
    assert len(rows(db_url, "articles", limit=0)) == 60


def test_unknown_report_names_the_known_ones(sqlite_url: str) -> None:
    with pytest.raises(UnknownReport, match="keyword-trend"):
        run_report(sqlite_url, "nope")


def test_figure_diff_runs_or_says_plainly_it_is_unavailable(sqlite_url: str) -> None:
    if importlib.util.find_spec("storage.figure_diff") is None:
        with pytest.raises(ReportUnavailable, match="figure-diff is not available"):
            run_report(sqlite_url, "figure-diff")
    else:
        filters = ReportFilters(since=date(2024, 1, 1), until=date(2024, 1, 31), limit=0)
        result = run_report(sqlite_url, "figure-diff", filters)
        assert "reason" in result.columns
        assert list(result.rows) == []


def test_since_after_until_is_refused(sqlite_url: str) -> None:
    with pytest.raises(StorageError, match="after"):
        run_report(
            sqlite_url, "articles", ReportFilters(since=date(2024, 2, 1), until=date(2024, 1, 1))
        )


@dataclass(frozen=True)
class Change:
    figure: str
    before: str
    after: str


def test_figure_diff_results_of_any_shape_become_rows() -> None:
    closed: list[bool] = []
    for result in (
        [Change("40억달러", "4000000000", "5000000000")],
        [{"figure": "40억달러", "before": "4000000000", "after": "5000000000"}],
    ):
        got = as_query_rows(result, on_close=lambda: closed.append(True))
        assert got.columns == ("figure", "before", "after")
        assert list(got.rows) == [("40억달러", "4000000000", "5000000000")]
    assert closed == [True, True]
    assert as_query_rows([], on_close=lambda: None).columns == ()


def test_figure_diff_reports_a_conversion_that_differs(engine: Engine, db_url: str) -> None:
    if importlib.util.find_spec("storage.figure_diff") is None:
        pytest.skip("storage.figure_diff not in this tree")
    save_article(engine, fx.article(), fx.analysis())  # 40억달러 -> 5조4000억원, links to B
    an = fx.analysis()
    sentence = an.sentences[2]
    usd, krw = sentence.figures
    other = replace(krw, text="5조3680억원", value=5_368_000_000_000)
    an = replace(an, sentences=(*an.sentences[:2], replace(sentence, figures=(usd, other))))
    save_article(engine, fx.article(url="https://www.chosun.com/economy/x/", press="조선일보"), an)
    # both published 2023-10-25 KST; a period of that KST day finds the pair
    got = rows(db_url, "figure-diff", since=date(2023, 10, 25), until=date(2023, 10, 25))
    pairs = {frozenset((r["figure_1"], r["figure_2"])) for r in got}
    assert frozenset(("5조4000억원", "5조3680억원")) in pairs
    assert rows(db_url, "figure-diff", since=date(2023, 10, 26)) == []
