"""The fetcher against a real loopback server that plays several hosts and misbehaves."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from scrapers.errors import PermanentFetchError, RetryableFetchError, RobotsDisallowed
from scrapers.fetch import FetchConfig, Fetcher, NotModified, fetch_url, parse_retry_after
from scrapers.model import Page
from tests.loopback import (
    LoopbackServer,
    gzip_bomb,
    gzipped,
    html,
    raw,
    redirect,
    reset,
    sequence,
    slow,
    too_many,
    truncated,
    unavailable,
    with_etag,
)

KOREAN = (
    "<html><head><title>기사</title></head>"
    "<body><p>한국은행이 기준금리를 동결했다.</p></body></html>"
)
FAST = FetchConfig(
    per_host_interval=0.05,
    backoff_base=0.01,
    backoff_cap=0.05,
    retries=2,
    connect_timeout=2.0,
    timeout=2.0,
    trust_env=False,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=3) as s:
        yield s


def fetch(url: str, config: FetchConfig = FAST, **kw: str) -> Page:
    return fetch_url(url, config, **kw)


def fetch_many(urls: list[str], config: FetchConfig = FAST) -> list[Page | BaseException]:
    async def run() -> list[Page | BaseException]:
        async with Fetcher(config) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls), return_exceptions=True)

    return asyncio.run(run())


def test_fetches_and_decodes_a_page_with_a_user_agent_naming_newsnote(
    server: LoopbackServer,
) -> None:
    url = server.route(0, "/a?x=1", html(KOREAN))
    page = fetch(url)
    assert "기준금리를 동결했다" in page.text
    assert page.final_url == url
    assert page.status == 200
    assert page.fetched_at.tzinfo is not None
    ua = server.requests_to(0, "/a?x=1")[0].headers["user-agent"]
    assert ua.startswith("newsnote/")


def test_user_agent_can_be_overridden(server: LoopbackServer) -> None:
    url = server.route(0, "/a", html(KOREAN))
    fetch(url, FetchConfig(user_agent="mybot/2.0 (me@example.org)", trust_env=False))
    assert server.requests_to(0, "/a")[0].headers["user-agent"] == "mybot/2.0 (me@example.org)"


def test_per_host_limit_holds_while_hosts_are_fetched_in_parallel(
    server: LoopbackServer,
) -> None:
    urls = [server.route(h, f"/p{i}", slow(html(KOREAN), 0.05)) for h in range(3) for i in range(5)]
    results = fetch_many(urls)
    assert all(isinstance(r, Page) for r in results)
    for h in range(3):
        assert server.max_in_flight(h) == 1
    # Different hosts were served at the same time: some pair of requests overlaps.
    records = [r for r in server.records() if r.path != "/robots.txt"]
    overlapping = any(
        a.host != b.host and a.started < b.ended and b.started < a.ended
        for a in records
        for b in records
    )
    assert overlapping


def test_per_host_concurrency_is_configurable(server: LoopbackServer) -> None:
    urls = [server.route(0, f"/p{i}", slow(html(KOREAN), 0.1)) for i in range(8)]
    config = FetchConfig(per_host_concurrency=2, per_host_interval=0.0, trust_env=False)
    fetch_many(urls, config)
    assert server.max_in_flight(0) == 2


def test_requests_to_one_host_start_at_least_the_interval_apart(server: LoopbackServer) -> None:
    interval = 0.2
    urls = [server.route(0, f"/p{i}", html(KOREAN)) for i in range(4)]
    fetch_many(urls, FetchConfig(per_host_interval=interval, trust_env=False))
    starts = sorted(r.started for r in server.requests_to(0))  # robots.txt included
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 4
    # Lower bounds only (a slow machine widens gaps); half the interval leaves room for the
    # server threads' scheduling jitter, while an impolite client would show gaps of ~1 ms.
    assert min(gaps) >= interval * 0.5


def test_429_retry_after_seconds_is_waited_for(server: LoopbackServer) -> None:
    url = server.route(0, "/busy", sequence(too_many("1"), html(KOREAN)))
    page = fetch(url)
    assert "기준금리" in page.text
    first, second = server.requests_to(0, "/busy")
    assert second.started - first.ended >= 0.5  # asked for 1 s; ~0.01 s if ignored


def test_503_retry_after_http_date_is_waited_for(server: LoopbackServer) -> None:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    url = server.route(
        0, "/busy", sequence(unavailable(format_datetime(when, usegmt=True)), html(KOREAN))
    )
    fetch(url)
    first, second = server.requests_to(0, "/busy")
    assert second.started > first.ended
    assert datetime.now(UTC) >= when - timedelta(seconds=0.1)


def test_retry_after_parses_both_forms() -> None:
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_longer_than_allowed_gives_up_retryably(server: LoopbackServer) -> None:
    url = server.route(0, "/busy", too_many("86400"))
    with pytest.raises(RetryableFetchError, match="Retry-After"):
        fetch(url)
    assert server.hits(0, "/busy") == 1


def test_503_then_ok_is_retried(server: LoopbackServer) -> None:
    url = server.route(1, "/flaky", sequence(unavailable(), unavailable(), html(KOREAN)))
    page = fetch(url)
    assert "기준금리" in page.text
    assert server.hits(1, "/flaky") == 3


def test_retries_are_bounded_and_the_last_error_says_why(server: LoopbackServer) -> None:
    url = server.route(1, "/down", unavailable())
    with pytest.raises(RetryableFetchError) as info:
        fetch(url)
    assert info.value.status == 503
    assert server.hits(1, "/down") == FAST.retries + 1


@pytest.mark.parametrize("status", [403, 404, 410])
def test_other_4xx_are_permanent_and_not_retried(server: LoopbackServer, status: int) -> None:
    url = server.route(0, "/gone", html("no", status=status))
    with pytest.raises(PermanentFetchError) as info:
        fetch(url)
    assert info.value.status == status
    assert server.hits(0, "/gone") == 1


def test_connection_reset_is_retried(server: LoopbackServer) -> None:
    url = server.route(2, "/rst", sequence(reset(), html(KOREAN)))
    assert "기준금리" in fetch(url).text
    assert server.hits(2, "/rst") == 2


def test_connection_reset_every_time_ends_retryable(server: LoopbackServer) -> None:
    url = server.route(2, "/rst", reset())
    with pytest.raises(RetryableFetchError, match="connection"):
        fetch(url)
    assert server.hits(2, "/rst") == FAST.retries + 1


def test_truncated_body_is_retried_then_reported(server: LoopbackServer) -> None:
    url = server.route(2, "/cut", truncated())
    with pytest.raises(RetryableFetchError):
        fetch(url)
    assert server.hits(2, "/cut") == FAST.retries + 1


def test_slow_server_times_out_retryably(server: LoopbackServer) -> None:
    url = server.route(0, "/slow", slow(html(KOREAN), 1.0))
    config = FetchConfig(timeout=0.2, retries=1, backoff_base=0.01, trust_env=False)
    with pytest.raises(RetryableFetchError, match="timed out"):
        fetch(url, config)
    assert server.hits(0, "/slow") == 2


def test_lying_charset_never_gives_silent_mojibake(server: LoopbackServer) -> None:
    url = server.route(0, "/lie", html(KOREAN, charset="euc-kr", declared="utf-8"))
    page = fetch(url)
    assert "기준금리를 동결했다" in page.text or page.charset_warning is not None


def test_gzip_bomb_stops_at_the_size_limit(server: LoopbackServer) -> None:
    url = server.route(0, "/bomb", gzip_bomb(64 * 1024 * 1024))
    config = FetchConfig(max_bytes=1024 * 1024, per_host_interval=0, trust_env=False)
    with pytest.raises(PermanentFetchError, match="size limit"):
        fetch(url, config)
    assert server.hits(0, "/bomb") == 1


def test_gzipped_page_is_inflated(server: LoopbackServer) -> None:
    url = server.route(0, "/gz", gzipped(html(KOREAN)))
    page = fetch(url)
    assert "기준금리" in page.text
    assert "content-encoding" not in page.headers


def test_plain_body_over_the_limit_is_refused(server: LoopbackServer) -> None:
    url = server.route(0, "/big", html("가" * 100_000))
    with pytest.raises(PermanentFetchError, match="limit"):
        fetch(url, FetchConfig(max_bytes=10_000, per_host_interval=0, trust_env=False))


def test_non_html_is_refused_with_its_type(server: LoopbackServer) -> None:
    url = server.route(0, "/pic", raw(b"\x89PNG....", "image/png"))
    with pytest.raises(PermanentFetchError, match="image/png"):
        fetch(url)


@pytest.mark.parametrize("url", ["ftp://127.0.0.2/a", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(PermanentFetchError, match="only http"):
        fetch(url)


def test_redirects_are_followed_and_the_final_url_kept(server: LoopbackServer) -> None:
    final = server.route(1, "/final", html(KOREAN))
    server.route(0, "/hop2", redirect(final, 301))
    start = server.route(0, "/hop1", redirect("/hop2"))
    page = fetch(start)
    assert page.url == start
    assert page.final_url == final
    assert "기준금리" in page.text


def test_redirect_loop_is_a_clear_error(server: LoopbackServer) -> None:
    server.route(0, "/a", redirect("/b"))
    server.route(0, "/b", redirect("/a"))
    with pytest.raises(PermanentFetchError, match="redirect loop"):
        fetch(server.url(0, "/a"))


def test_too_many_redirects(server: LoopbackServer) -> None:
    for i in range(10):
        server.route(0, f"/r{i}", redirect(f"/r{i + 1}"))
    with pytest.raises(PermanentFetchError, match="more than 3 redirects"):
        fetch(
            server.url(0, "/r0"), FetchConfig(max_redirects=3, per_host_interval=0, trust_env=False)
        )


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "javascript:alert(1)", "mailto:a@example.com", "data:,x"]
)
def test_redirect_to_another_scheme_is_refused(server: LoopbackServer, location: str) -> None:
    url = server.route(0, "/x", redirect(location))
    with pytest.raises(PermanentFetchError, match="only http"):
        fetch(url)


@pytest.mark.parametrize("location", ["http://127.0.0.2:99999/", "http://[::1"])
def test_redirect_to_a_malformed_url_is_a_permanent_error(
    server: LoopbackServer, location: str
) -> None:
    url = server.route(0, "/x", redirect(location))
    with pytest.raises(PermanentFetchError, match="redirect to"):
        fetch(url)


def test_robots_disallow_is_obeyed_without_requesting_the_page(server: LoopbackServer) -> None:
    server.robots(0, "User-agent: *\nDisallow: /private\n")
    url = server.route(0, "/private/1", html(KOREAN))
    with pytest.raises(RobotsDisallowed):
        fetch(url)
    assert server.hits(0, "/private/1") == 0
    allowed = server.route(0, "/public", html(KOREAN))
    assert "기준금리" in fetch(allowed).text


def test_robots_can_be_ignored_when_configured(server: LoopbackServer) -> None:
    server.robots(0, "User-agent: newsnote\nDisallow: /\n")
    url = server.route(0, "/a", html(KOREAN))
    fetch(url, FetchConfig(obey_robots=False, trust_env=False))
    assert server.hits(0, "/robots.txt") == 0


def test_robots_txt_is_fetched_once_per_host(server: LoopbackServer) -> None:
    urls = [server.route(0, f"/p{i}", html(KOREAN)) for i in range(5)]
    fetch_many(urls)
    assert server.hits(0, "/robots.txt") == 1


def test_robots_txt_is_remembered_across_fetch_url_calls(server: LoopbackServer) -> None:
    server.robots(1, "User-agent: *\nDisallow: /private\n")
    for i in range(3):
        fetch(server.route(1, f"/p{i}", html(KOREAN)))
    with pytest.raises(RobotsDisallowed):
        fetch(server.url(1, "/private/x"))
    assert server.hits(1, "/robots.txt") == 1


def test_robots_crawl_delay_spaces_requests(server: LoopbackServer) -> None:
    server.robots(0, "User-agent: *\nCrawl-delay: 0.3\n")
    urls = [server.route(0, f"/p{i}", html(KOREAN)) for i in range(3)]
    fetch_many(urls)
    starts = sorted(r.started for r in server.requests_to(0) if r.path != "/robots.txt")
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.3 * 0.5


def test_robots_unavailable_is_retryable(server: LoopbackServer) -> None:
    server.route(0, "/robots.txt", unavailable())
    url = server.route(0, "/a", html(KOREAN))
    with pytest.raises(RetryableFetchError, match=r"robots\.txt"):
        fetch(url)
    assert server.hits(0, "/a") == 0


def test_conditional_get_with_etag_gives_not_modified(server: LoopbackServer) -> None:
    url = server.route(0, "/e", with_etag(html(KOREAN), '"v1"'))
    page = fetch(url)
    assert page.headers["etag"] == '"v1"'
    with pytest.raises(NotModified):
        fetch(url, etag='"v1"')
    assert server.requests_to(0, "/e")[1].headers["if-none-match"] == '"v1"'
    assert "기준금리" in fetch(url, etag='"v0"').text


def test_conditional_get_with_last_modified(server: LoopbackServer) -> None:
    stamp = "Wed, 01 May 2024 12:00:00 GMT"
    url = server.route(0, "/lm", with_etag(html(KOREAN), '"v1"', last_modified=stamp))
    assert fetch(url).headers["last-modified"] == stamp
    with pytest.raises(NotModified):
        fetch(url, last_modified=stamp)


def test_explicit_proxy_is_used(server: LoopbackServer) -> None:
    # The loopback server answers absolute-form requests, which is what a proxy receives.
    server.route(0, "http://news.example/a", html(KOREAN))
    config = FetchConfig(proxy=server.url(0, ""), obey_robots=False, trust_env=False)
    page = fetch("http://news.example/a", config)
    assert "기준금리" in page.text
    assert server.hits(0, "http://news.example/a") == 1


def test_http_proxy_environment_is_honoured(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(1, "http://news.example/b", html(KOREAN))
    monkeypatch.setenv("HTTP_PROXY", server.url(1, ""))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    page = fetch("http://news.example/b", FetchConfig(obey_robots=False))
    assert "기준금리" in page.text
    assert server.hits(1, "http://news.example/b") == 1


def test_unreachable_host_is_retryable() -> None:
    config = FetchConfig(retries=1, backoff_base=0.01, connect_timeout=0.5, trust_env=False)
    with pytest.raises(RetryableFetchError, match="connection"):
        fetch("http://127.0.0.9:9/", config)


def test_fetch_url_works_from_inside_an_event_loop(server: LoopbackServer) -> None:
    url = server.route(0, "/a", html(KOREAN))

    async def caller() -> Page:
        return fetch_url(url, FAST)

    assert "기준금리" in asyncio.run(caller()).text
