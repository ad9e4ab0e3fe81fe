"""`newsnote batch` and `reparse` against a loopback server, on SQLite and PostgreSQL.

Most tests store pages with `simple_store` (a hand-made article per page, saved by the real
`storage.save`), so they test the batch, not the parsers; the end-to-end tests use the real
parser and analysis on corpus pages.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.batch import EXIT_FAILURES, BatchOptions, BatchReport, run_batch
from pipeline.cli.app import cli
from pipeline.model import Analysis
from pipeline.settings import Settings
from scrapers.fetch import FetchConfig
from scrapers.model import Page
from storage import models as m
from storage.save import save_article
from tests import factories
from tests.loopback import (
    LoopbackServer,
    html,
    raw,
    reset,
    sequence,
    slow,
    too_many,
    unavailable,
    with_etag,
)

FAST = FetchConfig(
    per_host_interval=0.02, backoff_base=0.01, backoff_cap=0.05, retries=2, trust_env=False
)
EMPTY_ANALYSIS = Analysis(sentences=(), version="t")


def simple_store(engine: Engine, page: Page) -> tuple[str, int | None]:
    """A hand-made article for the page (title from the URL), saved with its raw page."""
    article = factories.article(url=page.final_url, title=f"기사 {page.final_url}")
    result = save_article(engine, article, EMPTY_ANALYSIS, page=page)
    return result.status, result.article_id


def batch(engine: Engine, urls: list[str], config: FetchConfig = FAST, **kw: object) -> BatchReport:
    settings = Settings(database_url=str(engine.url))
    options = BatchOptions(urls=urls, **kw)  # type: ignore[arg-type]
    return run_batch(engine, settings, options, store=simple_store, fetch_config=config)


def count(engine: Engine, model: type[m.Base]) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=3) as s:
        yield s


def page_html(n: int) -> str:
    return f"<html><head><title>기사 {n}</title></head><body><p>본문 {n}</p></body></html>"


def test_batch_stores_each_url_once_and_records_failures(
    engine: Engine, server: LoopbackServer
) -> None:
    good = [server.route(i % 3, f"/a/{i}", html(page_html(i))) for i in range(9)]
    flaky = server.route(0, "/flaky", sequence(unavailable(), html(page_html(99))))
    gone = server.url(1, "/gone")  # 404
    broken = server.route(2, "/rst", reset())
    report = batch(engine, [*good, flaky, gone, broken, good[0]])
    assert report.by_status == {"new": 10, "failed": 2}
    assert report.failed_by_kind == {"PermanentFetchError": 1, "RetryableFetchError": 1}
    assert report.exit_code == EXIT_FAILURES
    assert count(engine, m.Article) == 10
    with Session(engine) as s:
        errors = dict(
            s.execute(
                select(m.RunItem.url, m.RunItem.error).where(m.RunItem.status == "failed")
            ).all()
        )
    assert errors[gone] == "HTTP 404"
    assert "connection" in str(errors[broken])


def test_a_second_run_skips_what_is_stored(engine: Engine, server: LoopbackServer) -> None:
    urls = [server.route(0, f"/a/{i}", html(page_html(i))) for i in range(4)]
    first = batch(engine, urls)
    assert first.by_status == {"new": 4}
    assert first.exit_code == 0
    second = batch(engine, urls)
    assert second.skipped_stored == 4
    assert second.queued == 0
    assert all(server.hits(0, f"/a/{i}") == 1 for i in range(4))
    assert count(engine, m.Article) == 4


def test_stored_pages_with_an_etag_are_fetched_conditionally(
    engine: Engine, server: LoopbackServer
) -> None:
    url = server.route(0, "/e/1", with_etag(html(page_html(1)), '"v1"'))
    assert batch(engine, [url]).by_status == {"new": 1}
    again = batch(engine, [url])
    assert again.by_status == {"not_modified": 1}
    assert again.fetched == 0
    assert server.requests_to(0, "/e/1")[-1].headers["if-none-match"] == '"v1"'
    assert count(engine, m.Article) == 1


def test_recheck_fetches_stored_pages_again(engine: Engine, server: LoopbackServer) -> None:
    url = server.route(0, "/a/1", html(page_html(1)))
    batch(engine, [url])
    report = batch(engine, [url], recheck=True)
    assert report.by_status == {"unchanged": 1}
    assert server.hits(0, "/a/1") == 2


def test_per_host_limit_holds_during_a_batch(engine: Engine, server: LoopbackServer) -> None:
    urls = [
        server.route(h, f"/s/{i}", slow(html(page_html(i)), 0.03))
        for h in range(3)
        for i in range(8)
    ]
    report = batch(engine, urls)
    assert report.by_status == {"new": 24}
    for h in range(3):
        assert server.max_in_flight(h) == 1
    records = [r for r in server.records() if r.path.startswith("/s/")]
    assert any(
        a.host != b.host and a.started < b.ended and b.started < a.ended
        for a in records
        for b in records
    )


def test_retry_after_on_one_host_does_not_stop_the_others(
    engine: Engine, server: LoopbackServer
) -> None:
    busy = server.route(0, "/busy", sequence(too_many("1"), html(page_html(0))))
    others = [server.route(1, f"/o/{i}", html(page_html(i))) for i in range(5)]
    report = batch(engine, [busy, *others])
    assert report.by_status == {"new": 6}
    retried = server.requests_to(0, "/busy")[1].started
    # The other host was served while the busy one was waiting out its Retry-After.
    assert all(r.started < retried for r in server.requests_to(1) if r.path.startswith("/o/"))


def test_limit_caps_the_urls_fetched(engine: Engine, server: LoopbackServer) -> None:
    urls = [server.route(0, f"/a/{i}", html(page_html(i))) for i in range(5)]
    report = batch(engine, urls, limit=2)
    assert report.queued == 2
    assert count(engine, m.Article) == 2


def test_bad_urls_are_recorded_and_the_rest_goes_on(engine: Engine, server: LoopbackServer) -> None:
    good = server.route(0, "/a/1", html(page_html(1)))
    report = batch(engine, [good, "ftp://example.com/x", "not a url"])
    assert report.by_status == {"new": 1, "failed": 2}
    assert report.failed_by_kind == {"UnsupportedSite": 2}


def test_discovery_from_a_feed_source(engine: Engine, server: LoopbackServer) -> None:
    articles = [server.route(1, f"/news/{i}", html(page_html(i))) for i in range(3)]
    items = "".join(f"<item><link>{u}</link></item>" for u in articles)
    feed = f'<?xml version="1.0"?><rss><channel>{items}</channel></rss>'
    server.route(0, "/rss.xml", raw(feed.encode(), "application/rss+xml"))
    settings = Settings(database_url=str(engine.url))
    options = BatchOptions(sources=[f"url:{server.url(0, '/rss.xml')}"])
    report = run_batch(engine, settings, options, store=simple_store, fetch_config=FAST)
    assert report.by_status == {"new": 3}
    assert report.source_failures == []


def test_a_failing_source_is_reported(engine: Engine, server: LoopbackServer) -> None:
    settings = Settings(database_url=str(engine.url))
    options = BatchOptions(sources=[f"url:{server.url(0, '/nothing.xml')}"])
    report = run_batch(engine, settings, options, store=simple_store, fetch_config=FAST)
    assert len(report.source_failures) == 1
    assert "HTTP 404" in report.source_failures[0]
    assert report.exit_code == EXIT_FAILURES


def test_two_batches_at_once_store_each_article_once(
    engine: Engine, server: LoopbackServer
) -> None:
    urls = [server.route(i % 3, f"/c/{i}", html(page_html(i))) for i in range(30)]
    reports: list[BatchReport] = []

    def go() -> None:
        reports.append(batch(engine, urls))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reports) == 2
    assert count(engine, m.Article) == 30
    assert sum(r.by_status.get("new", 0) for r in reports) == 30
    assert all(r.failed == 0 for r in reports)


# --- end to end: real parser and analysis, and the CLI --------------------------------------


@pytest.fixture
def corpus_site(corpus: Path) -> Iterator[tuple[LoopbackServer, list[str]]]:
    pages = sorted((corpus / "other").glob("legacy2016_hani_article_7*.html"))
    with LoopbackServer(hosts=2) as s:
        urls = [
            s.route(i % 2, f"/arti/{p.stem}.html", raw(p.read_bytes(), "text/html; charset=utf-8"))
            for i, p in enumerate(pages)
        ]
        yield s, urls


def test_cli_batch_then_reparse(
    sqlite_url: str, corpus_site: tuple[LoopbackServer, list[str]], tmp_path: Path
) -> None:
    server, urls = corpus_site
    listing = tmp_path / "urls.txt"
    listing.write_text("# today\n" + "\n".join(urls) + "\n" + server.url(0, "/gone") + "\n")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "batch",
            "--urls",
            str(listing),
            "--interval",
            "0.02",
            "--no-progress",
            "--db",
            sqlite_url,
        ],
    )
    assert result.exit_code == EXIT_FAILURES, result.output
    assert f"new {len(urls)}" in result.output
    assert "1 × PermanentFetchError" in result.output

    again = runner.invoke(cli, ["reparse", "--all", "--no-progress", "--db", sqlite_url])
    assert again.exit_code == 0, again.output
    assert f"unchanged {len(urls)}" in again.output
    assert server.hits(0, "/gone") == 1  # reparse fetched nothing


def test_cli_batch_needs_something_to_do(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["batch", "--db", sqlite_url])
    assert result.exit_code == 1
    assert "--urls" in result.output


def test_cli_batch_empty_url_file_is_one_clear_line(sqlite_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "none.txt"
    empty.write_text("\n# nothing\n")
    result = CliRunner().invoke(cli, ["batch", "--urls", str(empty), "--db", sqlite_url])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "no URLs" in str(result.exception)


def test_cli_reparse_unknown_url(sqlite_url: str) -> None:
    result = CliRunner().invoke(
        cli, ["reparse", "--url", "https://example.com/none", "--db", sqlite_url]
    )
    assert result.exit_code != 0
    assert "has a stored raw page" in str(result.exception)


def test_the_batch_tally_uses_the_outcome_words_of_run_items() -> None:
    from pipeline.batch import BatchReport

    report = BatchReport(run_id=7, queued=9, fetched=0, by_status={"not_modified": 9})
    tally = "\n".join(report.lines())
    assert "not_modified 9" in tally
    assert "skipped as stored before" in tally
    assert "not modified" not in tally
