"""A loopback forward proxy that plays several Naver hosts, for the queue's tests and bench.

Workers fetch `http://n.news.naver.com/…` (and other Naver host names) through this proxy
(`HTTP_PROXY`), so the real Naver parser handles the pages and the hosts are real names.
It serves small Naver-structure articles (tests/fixtures/queue_naver_article.html) and
records, per host, the requests in flight at once (the politeness the cluster must keep).

A path listed in `slow` is held until the client goes away or `slow_seconds` pass (its first
request only), so a test can kill a worker in the middle of a job.
"""

from __future__ import annotations

import re
import select
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from string import Template
from urllib.parse import parse_qs, urlsplit

from tests.conftest import FIXTURES

TEMPLATE = Template((FIXTURES / "queue_naver_article.html").read_text(encoding="utf-8"))
ARTICLE_PATH_RE = re.compile(r"/article/(\d{3})/(\d{10})$")
# Host names the Naver parser handles; each is one "site" for politeness.
NAVER_HOSTS = (
    "n.news.naver.com",
    "news.naver.com",
    "m.news.naver.com",
    "entertain.naver.com",
    "sports.naver.com",
)
GATE_TIMEOUT = 60.0
PRESSES = {"001": "연합뉴스", "003": "뉴시스", "015": "한국경제", "018": "이데일리", "421": "뉴스1"}


def article_ids(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    match = ARTICLE_PATH_RE.search(parts.path)
    if match:
        return match.group(1), match.group(2)
    query = parse_qs(parts.query)
    if "oid" in query and "aid" in query:
        return query["oid"][0], query["aid"][0]
    return None


def article_title(oid: str, aid: str) -> str:
    return f"시험 기사 {oid}-{aid}: 반도체 수출 {int(aid) % 90 + 10}% 늘어"


def render_article(oid: str, aid: str) -> bytes:
    n = int(aid)
    paragraphs = [
        f"산업통상자원부는 지난달 반도체 수출이 {n % 90 + 10}억 달러로 집계됐다고 밝혔다.",
        f"전년 같은 달보다 {n % 30 + 1}.5% 늘어난 수치다. 기사 번호는 {oid}-{aid}이다.",
        '업계는 "하반기에도 수요가 이어질 것"이라고 내다봤다.',
    ]
    html = TEMPLATE.substitute(
        oid=oid,
        aid=aid,
        title=article_title(oid, aid),
        press=PRESSES.get(oid, "연합뉴스"),
        reporter="홍길동",
        published=f"2024-05-{n % 28 + 1:02d} 09:{n % 60:02d}:00",
        paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs),
    )
    return html.encode("utf-8")


def render_list(links: list[str]) -> bytes:
    """A Naver section page: article links inside `li.sa_item`, and one in a side bar."""
    items = "\n".join(
        f'<li class="sa_item _SECTION_HEADLINE"><a href="{u}" class="sa_text_title">{u}</a></li>'
        for u in links
    )
    side = '<div class="rankingnews"><a href="https://n.news.naver.com/mnews/article/001/0000000999">x</a></div>'
    return (
        f'<html><head><meta charset="utf-8"></head><body>{side}<ul class="sa_list">{items}</ul>'
        "</body></html>"
    ).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that go away mid-answer (a killed worker) are expected here


class NaverProxy:
    """Records per host: requests in flight now, the most ever at once, and hits per path."""

    def __init__(self, *, delay: float = 0.01, slow_seconds: float = 120.0) -> None:
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.slow: set[str] = set()
        self.missing: set[str] = set()  # paths answered with 404
        self.flaky: dict[str, int] = {}  # paths answered 503 for their first n requests
        self.lists: dict[str, list[str]] = {}  # list pages: links in Naver's li.sa_item
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()  # "host/path?query"
        self.slow_started = threading.Event()
        # while cleared, page requests (not robots.txt) wait for it, at most GATE_TIMEOUT
        self.gate = threading.Event()
        self.gate.set()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _enter(self, host: str, key: str) -> int:
        with self.lock:
            self.in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
            self.hits[key] += 1
            return self.hits[key]

    def _leave(self, host: str) -> None:
        with self.lock:
            self.in_flight[host] -= 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                host = (parts.hostname or self.headers.get("Host", "")).lower()
                key = f"{host}{parts.path}" + (f"?{parts.query}" if parts.query else "")
                hit = proxy._enter(host, key)
                try:
                    self._answer(host, parts.path, key, hit)
                finally:
                    proxy._leave(host)

            def _answer(self, host: str, path: str, key: str, hit: int) -> None:
                if key in proxy.slow and hit == 1:
                    proxy.slow_started.set()
                    self._hold_until_client_leaves()
                    return
                time.sleep(proxy.delay)
                if path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                    return
                proxy.gate.wait(GATE_TIMEOUT)
                if hit <= proxy.flaky.get(key, 0):
                    self._send(503, b"busy", "text/plain")
                    return
                if key in proxy.lists:
                    self._send(200, render_list(proxy.lists[key]), "text/html; charset=utf-8")
                    return
                ids = article_ids(f"http://{key}")
                if ids is None or key in proxy.missing:
                    self._send(404, b"<html><body>not found</body></html>", "text/html")
                    return
                self._send(200, render_article(*ids), "text/html; charset=utf-8")

            def _hold_until_client_leaves(self) -> None:
                deadline = time.monotonic() + proxy.slow_seconds
                sock: socket.socket = self.connection
                while time.monotonic() < deadline:
                    readable, _, _ = select.select([sock], [], [], 0.1)
                    if readable:
                        try:
                            if sock.recv(1, socket.MSG_PEEK) == b"":
                                break
                        except OSError:
                            break
                self.close_connection = True

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> NaverProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def naver_proxy(**kwargs: float) -> Iterator[NaverProxy]:
    proxy = NaverProxy(**kwargs).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def article_urls(n: int, hosts: tuple[str, ...] = NAVER_HOSTS) -> list[str]:
    """`n` distinct articles spread over `hosts` (http: the proxy sees plain requests)."""
    oids = sorted(PRESSES)
    return [
        f"http://{hosts[i % len(hosts)]}/mnews/article/{oids[i % len(oids)]}/{i + 1:010d}"
        for i in range(n)
    ]


# --- the proxy itself ------------------------------------------------------------------------


def test_proxy_counts_concurrent_requests_per_host() -> None:
    import http.client

    with naver_proxy(delay=0) as proxy:
        port = proxy.server.server_address[1]
        proxy.gate.clear()

        def get(url: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", url)
            status = conn.getresponse().status
            conn.close()
            return status

        threads = [
            threading.Thread(target=get, args=(u,))
            for u in (
                "http://news.naver.com/mnews/article/001/0000000001",
                "http://news.naver.com/mnews/article/001/0000000002",
                "http://sports.naver.com/mnews/article/001/0000000003",
            )
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + GATE_TIMEOUT
        while sum(proxy.in_flight.values()) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        proxy.gate.set()
        for t in threads:
            t.join(GATE_TIMEOUT)
        assert get("http://news.naver.com/nothing-here") == 404
    assert proxy.max_in_flight["news.naver.com"] == 2
    assert proxy.max_in_flight["sports.naver.com"] == 1


def test_served_article_is_what_the_naver_parser_reads() -> None:
    from datetime import UTC, datetime

    from scrapers.model import Page
    from scrapers.sites import naver

    body = render_article("015", "0000000042")
    page = Page(
        url="http://news.naver.com/mnews/article/015/0000000042",
        final_url="http://news.naver.com/mnews/article/015/0000000042",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content=body,
        text=body.decode("utf-8"),
        charset="utf-8",
        fetched_at=datetime.now(UTC),
    )
    article = naver.parse(page)
    assert article.url == "https://n.news.naver.com/mnews/article/015/0000000042"
    assert article.title == article_title("015", "0000000042")
    assert article.press == "한국경제"
    assert len(article.paragraphs) == 3
