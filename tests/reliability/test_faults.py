"""Every network fault in one batch ends in a retry or a recorded failure; the rest is stored.

One `run_batch` with the real parser, analysis and store, against loopback hosts where some
URLs misbehave (the fault server in tests/loopback.py). Each fault either heals on retry (the
article is stored) or ends as a failed run item whose error says why; the good URLs on the
same hosts are stored all the same.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pipeline.batch import EXIT_FAILURES, BatchOptions, run_batch
from pipeline.settings import Settings
from scrapers.fetch import FetchConfig
from storage import models as m
from tests.loopback import (
    Handler,
    LoopbackServer,
    Reply,
    gzip_bomb,
    html,
    raw,
    redirect,
    reset,
    sequence,
    slow,
    too_many,
    truncated,
    unavailable,
)
from tests.reliability.conftest import COUNTS
from tests.reliability.pages import article_page, article_title
from tests.reliability.proc import check_articles_whole

RETRIES = 2
CONFIG = FetchConfig(
    timeout=0.5,
    connect_timeout=2.0,
    retries=RETRIES,
    backoff_base=0.01,
    backoff_cap=0.05,
    max_bytes=1024 * 1024,
    per_host_interval=0.0,
    trust_env=False,
)
SLOW_SECONDS = 2.0  # well past CONFIG.timeout
BOMB_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Fault:
    name: str
    handler: Handler | Reply
    stored: bool  # heals on retry (True) or ends as a failed item (False)
    reason: str = ""  # part of the recorded error when it fails
    requests: int | None = None  # requests the fetcher must make for it (None: not checked)
    article: int | None = None  # the article it serves when it heals


def http_date(delta: timedelta) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + delta, usegmt=True)


def faults(n: int) -> list[Fault]:
    """The faults, each serving article `n + i` when it heals."""

    def page(i: int) -> Reply:
        return html(article_page(n + i))

    return [
        Fault("429-retry-after-0", sequence(too_many("0"), page(0)), True, requests=2),
        Fault(
            "503-retry-after-date",
            sequence(unavailable(http_date(-timedelta(1))), page(1)),
            True,
            requests=2,
        ),
        Fault("503-then-ok", sequence(unavailable(), unavailable(), page(2)), True, requests=3),
        Fault("reset-then-ok", sequence(reset(), page(3)), True, requests=2),
        Fault("truncated-then-ok", sequence(truncated(), page(4)), True, requests=2),
        Fault("utf8-declared-euckr", html(article_page(n + 5), declared="euc-kr"), True),
        Fault("503-forever", unavailable(), False, "HTTP 503", requests=1 + RETRIES),
        Fault("429-forever", too_many(), False, "HTTP 429", requests=1 + RETRIES),
        Fault("reset-forever", reset(), False, "connection", requests=1 + RETRIES),
        Fault("truncated-forever", truncated(), False, "", requests=1 + RETRIES),
        Fault("slow", slow(page(6), SLOW_SECONDS), False, "timed out", requests=1 + RETRIES),
        Fault("gzip-bomb", gzip_bomb(BOMB_BYTES), False, "size limit", requests=1),
        Fault("too-large", html("<p>" + "가" * 600_000 + "</p>"), False, "limit", requests=1),
        Fault(
            "404", Reply(404, b"gone", {"Content-Type": "text/html"}), False, "HTTP 404", requests=1
        ),
        Fault(
            "410", Reply(410, b"gone", {"Content-Type": "text/html"}), False, "HTTP 410", requests=1
        ),
        Fault(
            "not-html", raw(b"%PDF-1.4", "application/pdf"), False, "application/pdf", requests=1
        ),
        Fault(
            "brotli",
            Reply(200, b"\x00\x01", {"Content-Type": "text/html", "Content-Encoding": "br"}),
            False,
            "Content-Encoding",
            requests=1,
        ),
        Fault(
            "corrupt-gzip",
            Reply(
                200, b"not gzip at all", {"Content-Type": "text/html", "Content-Encoding": "gzip"}
            ),
            False,
            "corrupt",
            requests=1,
        ),
        Fault(
            "no-article",
            html("<html><head><title>목록</title></head><body><ul><li>a</li></ul></body></html>"),
            False,
            "article",
            requests=1,
        ),
        Fault(
            "utf8-declared-latin1",
            html(article_page(n + 7), charset="utf-8", declared="iso-8859-1"),
            True,
            article=n + 7,
        ),
        Fault(
            "mojibake-bytes",
            raw(
                article_page(n + 8).encode().decode("latin-1").encode(),
                "text/html; charset=utf-8",
            ),
            False,
            "Latin-1",
            requests=1,
        ),
    ]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=3) as s:
        yield s


def items(engine: Engine) -> dict[str, m.RunItem]:
    with Session(engine) as s:
        return {i.url: i for i in s.execute(select(m.RunItem)).scalars()}


def titles(engine: Engine) -> dict[str, str]:
    with Session(engine) as s:
        return {str(r.url): str(r.title) for r in s.execute(select(m.Article.url, m.Article.title))}


@pytest.mark.slow
def test_every_fault_ends_in_a_retry_or_a_recorded_failure(
    engine: Engine, server: LoopbackServer
) -> None:
    good = {server.route(i % 3, f"/good/{i}", html(article_page(i))): i for i in range(6)}
    fault_list = faults(100)
    fault_urls = {
        server.route(k % 2, f"/fault/{f.name}", f.handler): f for k, f in enumerate(fault_list)
    }
    # host 2 forbids a folder in robots.txt, and has a redirect loop and an endless chain
    server.robots(2, "User-agent: *\nDisallow: /private/\n")
    blocked = server.route(2, "/private/1", html(article_page(200)))
    loop_a = server.route(2, "/loop/a", redirect("/loop/b"))
    server.route(2, "/loop/b", redirect("/loop/a"))
    for i in range(8):
        server.route(2, f"/chain/{i}", redirect(f"/chain/{i + 1}"))
    chain = server.url(2, "/chain/0")
    refused = ["ftp://127.0.0.2/x", "javascript:alert(1)", "file:///etc/passwd"]

    urls = [*good, *fault_urls, blocked, loop_a, chain, *refused]
    report = run_batch(
        engine,
        Settings(database_url=str(engine.url)),
        BatchOptions(urls=urls),
        fetch_config=CONFIG,
    )

    recorded = items(engine)
    stored = titles(engine)
    for url, i in good.items():
        assert stored[url] == article_title(i), "good pages are stored whatever else fails"
    for url, fault in fault_urls.items():
        item = recorded[url]
        if fault.stored:
            assert item.status == "new", (fault.name, item.status, item.error)
            article = fault.article if fault.article is not None else 100 + fault_list.index(fault)
            assert stored[url] == article_title(article), (fault.name, "text decoded right")
        else:
            assert item.status == "failed", (fault.name, item.status)
            assert item.error_kind, fault.name
            assert item.error, fault.name
            assert fault.reason in item.error, (fault.name, item.error)
            assert url not in stored, fault.name
        if fault.requests is not None:
            path = f"/fault/{fault.name}"
            assert server.hits(fault_list.index(fault) % 2, path) == fault.requests, fault.name
    assert recorded[blocked].error_kind == "RobotsDisallowed"
    assert server.hits(2, "/private/1") == 0, "a disallowed page is never requested"
    assert "redirect loop" in (recorded[loop_a].error or "")
    assert "redirects" in (recorded[chain].error or "")
    for url in refused:
        assert recorded[url].status == "failed", url
        assert url not in stored

    # the batch went on and its exit code tells cron that something failed
    assert report.exit_code == EXIT_FAILURES
    assert report.by_status["new"] == len(good) + sum(f.stored for f in fault_list)
    COUNTS["faults: fault URLs in one batch"] += len(fault_list) + 3 + len(refused)
    COUNTS["faults: faulty requests served"] += (
        sum(server.hits(k % 2, f"/fault/{f.name}") for k, f in enumerate(fault_list))
        + server.hits(2, "/loop/a")
        + server.hits(2, "/loop/b")
    )
    COUNTS["faults: rows checked"] += check_articles_whole(engine)


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "mailto:a@example.com",
        "http://127.0.0.2:99999/",
        "ftp://127.0.0.2/x",
        "file:///etc/passwd",
        "http://[::1",
    ],
)
def test_a_hostile_redirect_is_one_failed_item_and_the_batch_goes_on(
    sqlite_url: str, server: LoopbackServer, location: str
) -> None:
    from storage import db as storage_db

    engine = storage_db.make_engine(sqlite_url)
    try:
        good = server.route(0, "/good", html(article_page(1)))
        jump = server.route(1, "/jump", redirect(location))
        report = run_batch(
            engine,
            Settings(database_url=sqlite_url),
            BatchOptions(urls=[good, jump]),
            fetch_config=CONFIG,
        )
        recorded = items(engine)
        assert recorded[good].status == "new"
        assert recorded[jump].status == "failed"
        assert recorded[jump].error
        assert report.exit_code == EXIT_FAILURES
        COUNTS["faults: hostile redirects"] += 1
    finally:
        engine.dispose()


def test_an_ipv6_literal_url_keeps_its_brackets() -> None:
    from urllib.parse import urlsplit

    from scrapers.sites import canonical_url

    url = canonical_url("http://[::ffff:127.0.0.2]:8080/a")
    assert urlsplit(url).hostname == "::ffff:127.0.0.2"
    assert urlsplit(url).port == 8080


def test_an_ipv6_literal_url_does_not_stop_the_batch(
    sqlite_url: str, server: LoopbackServer
) -> None:
    from storage import db as storage_db

    engine = storage_db.make_engine(sqlite_url)
    try:
        good = server.route(0, "/good", html(article_page(1)))
        odd = "http://[::ffff:127.0.0.2]:1/x"  # IPv4-mapped loopback, nothing listens
        run_batch(
            engine,
            Settings(database_url=sqlite_url),
            BatchOptions(urls=[good, odd]),
            fetch_config=CONFIG,
        )
        recorded = items(engine)
        assert recorded[good].status == "new"
        assert all(i.status not in ("pending", "claimed") for i in recorded.values())
    finally:
        engine.dispose()
