"""The one ingest path over many pages, and its skipping of analysis (the slow step) for
articles that did not change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import pipeline.ingest
from pipeline.ingest import ingest_page
from pipeline.settings import Settings
from scrapers.files import page_from_file
from storage import models as m
from tests.cli import newsnote
from tests.conftest import REPO

EXAMPLE = REPO / "tests" / "fixtures" / "naver_article.html"
FIXTURES = REPO / "tests" / "fixtures"
# Articles for four site parsers, for the tests of several pages at once.
ARTICLE_PAGES = [
    EXAMPLE,
    FIXTURES / "ingest" / "naver_ai_startups.html",
    FIXTURES / "sites" / "nate" / "view_hankyung_og_title.html",
    FIXTURES / "sites" / "chosun" / "arc_biz_finance.html",
    FIXTURES / "sites" / "nate" / "view_yna_euckr.html",
    FIXTURES / "sites" / "chosun" / "arc_www_economy.html",
]


def test_unchanged_page_is_not_analysed_again(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=db_url)
    page = page_from_file(EXAMPLE)
    first = ingest_page(engine, page, settings)

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("analysis ran for an unchanged article")

    monkeypatch.setattr(pipeline.ingest, "begin_analysis", must_not_run)
    again = ingest_page(engine, page, settings)
    assert again.save.status == "unchanged"
    assert again.save.article_id == first.save.article_id
    assert again.analysis is None


def test_changed_page_is_analysed_and_replaced(engine: Engine, db_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=db_url)
    page = page_from_file(EXAMPLE)
    ingest_page(engine, page, settings)
    edited = EXAMPLE.read_text(encoding="utf-8").replace("역대 최대다", "역대 두 번째다")
    assert edited != EXAMPLE.read_text(encoding="utf-8")
    changed_page = dataclasses.replace(page, text=edited, content=edited.encode())
    result = ingest_page(engine, changed_page, settings)
    assert result.save.status == "changed"
    with Session(engine) as s:
        body = s.execute(select(m.Article.body_text)).scalar_one()
        assert "역대 두 번째다" in body
        assert s.execute(select(func.count()).select_from(m.Article)).scalar_one() == 1


def test_ingest_pages_keeps_order_and_reports_each_failure_in_place(
    engine: Engine, db_url: str
) -> None:
    from pipeline.ingest import ingest_pages
    from scrapers.errors import ScraperError

    settings = Settings(database_url=db_url)
    first = page_from_file(EXAMPLE)
    second = page_from_file(REPO / "tests" / "fixtures" / "ingest" / "naver_ai_startups.html")
    empty = dataclasses.replace(first, text="<html><body><p>목록</p></body></html>", content=b"")
    items = [
        ("a", first),
        ("load-failed", ScraperError("could not load")),
        ("not-an-article", empty),
        ("b", second),
    ]
    results = list(ingest_pages(engine, items, settings))
    assert [key for key, _ in results] == ["a", "load-failed", "not-an-article", "b"]
    kinds = {key: type(result).__name__ for key, result in results}
    assert kinds["a"] == kinds["b"] == "IngestResult"
    assert isinstance(results[1][1], ScraperError)
    assert isinstance(results[2][1], ScraperError)
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(m.Article)).scalar_one() == 2


def test_ingest_pages_gives_each_article_its_own_sentences_and_summary(
    engine: Engine, db_url: str
) -> None:
    """Kiwi tokenises the next articles ahead while one is finished: no article may get
    another's tokens, so each comes out as it does analysed alone."""
    from pipeline.analysis import analyze
    from pipeline.ingest import IngestResult, ingest_pages
    from scrapers.parse import parse_page

    pages = [(str(path), page_from_file(path)) for path in ARTICLE_PAGES]
    results = list(ingest_pages(engine, pages, Settings(database_url=db_url), ahead=2))
    assert len(results) == len(pages) >= 4
    for (key, page), (result_key, result) in zip(pages, results, strict=True):
        assert result_key == key
        assert isinstance(result, IngestResult), (key, result)
        alone = analyze(parse_page(page))
        assert result.analysis is not None
        assert result.analysis.sentences == alone.sentences, key
        assert result.analysis.summary == alone.summary, key


def test_reparse_analyses_only_what_changed_and_keeps_each_article_its_own(
    engine: Engine, db_url: str
) -> None:
    """`newsnote reparse` runs stored pages through the pipelined refresh: articles whose
    analysis is out of date are analysed again (revision 2, their own sentences), the
    others only have their raw page refreshed, and the tally counts both."""
    from sqlalchemy import update

    from pipeline.batch import reparse_stored
    from pipeline.ingest import IngestResult, ingest_pages

    paths = ARTICLE_PAGES[:4]
    settings = Settings(database_url=db_url)
    stored = [
        result
        for _, result in ingest_pages(engine, [(p, page_from_file(p)) for p in paths], settings)
    ]
    assert all(isinstance(r, IngestResult) for r in stored)
    outdated = {r.save.article_id: r for r in stored[::2] if isinstance(r, IngestResult)}
    with Session(engine) as s, s.begin():
        s.execute(
            update(m.Article)
            .where(m.Article.id.in_(outdated))
            .values(analysis_version="0", content_hash="stale")
        )

    report = reparse_stored(engine, settings)

    assert report.by_status["changed"] == len(outdated) == 2
    assert report.by_status["unchanged"] == len(paths) - len(outdated)
    with Session(engine) as s:
        for article_id, before in outdated.items():
            revision = s.execute(
                select(m.Article.revision).where(m.Article.id == article_id)
            ).scalar_one()
            texts = s.execute(
                select(m.Sentence.text)
                .where(m.Sentence.article_id == article_id)
                .order_by(m.Sentence.position)
            ).scalars()
            assert revision == 2
            assert before.analysis is not None
            assert list(texts) == [sentence.text for sentence in before.analysis.sentences]


def test_reparse_says_what_it_does_in_the_outcome_words_of_runs(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    example = str(REPO / "tests" / "fixtures" / "naver_article.html")
    assert newsnote("ingest", example, "--db", db).returncode == 0
    done = newsnote("reparse", "--all", "--no-progress", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "reparse: 1 stored pages to parse again" in done.stderr
    assert "fetch" not in done.stderr
    assert "[1/1] unchanged" in done.stderr
