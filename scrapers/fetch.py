"""Polite HTTP fetching with httpx: one shared client, per-host limits, robots.txt, retries.

    FetchConfig       the knobs (frozen); defaults a news site would accept
    Fetcher           async; `async with Fetcher(config) as f: page = await f.fetch(url)`
    fetch_url         sync convenience for one URL (`newsnote ingest URL`, `parse URL`)
    NotModified       raised when a conditional GET (etag / last_modified given) gets a 304

Each redirect hop is a request of its own: its scheme is checked, its host's politeness
gate and robots.txt apply. Bodies are read raw and inflated here with a cap on the output,
so a gzip bomb stops after `max_bytes` of decompressed data, never after inflating it all.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapers.errors import (
    DecodeError,
    FetchError,
    PermanentFetchError,
    RetryableFetchError,
    RobotsDisallowed,
)
from scrapers.model import Page
from scrapers.politeness import HostGates, host_key
from scrapers.robots import ROBOTS_MAX_BYTES, ROBOTS_PATH, RobotsRules, robots_agent

if TYPE_CHECKING:
    import httpx

DEFAULT_USER_AGENT = "newsnote/0.1 (+https://github.com/newsnote/newsnote; polite news reader)"
WEB_SCHEMES = frozenset({"http", "https"})
ROBOTS_TTL = 3600.0
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 425, 429})  # plus every 5xx
ACCEPT_ENCODING = "gzip, deflate"  # only what `_Inflater` can bound
# Response headers that describe the wire form, not the bytes a Page keeps.
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str = DEFAULT_USER_AGENT
    proxy: str | None = None  # explicit proxy; HTTP(S)_PROXY / NO_PROXY apply when None
    trust_env: bool = True  # read HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE from the environment
    connect_timeout: float = 10.0
    timeout: float = 20.0  # read (and write / pool) timeout, seconds
    max_bytes: int = 10 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    retries: int = 3  # attempts after the first
    backoff_base: float = 1.0  # first retry waits about this long, doubling each time
    backoff_cap: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After gives up (retryable) instead
    per_host_concurrency: int = 1
    per_host_interval: float = 1.0  # seconds between request starts to one host
    obey_robots: bool = True


class NotModified(Exception):  # a signal, not an error
    """The server says the copy we hold (by ETag / Last-Modified) is current: nothing to parse."""

    def __init__(self, url: str, final_url: str, headers: dict[str, str]) -> None:
        super().__init__(f"{url}: not modified")
        self.url = url
        self.final_url = final_url
        self.headers = headers


@dataclass(frozen=True, slots=True)
class _Body:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes


class RobotsCache:
    """robots.txt rules per origin, kept `ttl` seconds (RFC 9309 allows up to a day).

    One cache is shared by every Fetcher of the process by default, so `fetch_url` called
    once per URL (as queue workers do) does not ask for robots.txt every time.
    """

    def __init__(self, ttl: float = ROBOTS_TTL) -> None:
        self.ttl = ttl
        self._rules: dict[str, tuple[float, RobotsRules]] = {}

    def get(self, origin: str) -> RobotsRules | None:
        found = self._rules.get(origin)
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, origin: str, rules: RobotsRules) -> None:
        self._rules[origin] = (time.monotonic(), rules)

    def clear(self) -> None:
        self._rules.clear()


SHARED_ROBOTS = RobotsCache()


class _RedirectSeen(Exception):  # control flow inside the client, never escapes
    def __init__(self, status: int, headers: dict[str, str]) -> None:
        super().__init__(status)
        self.status = status
        self.headers = headers


async def _stop_at_redirect(response: httpx.Response) -> None:
    """Hand redirects to `Fetcher._follow` before httpx parses their Location.

    httpx builds the next request even with follow_redirects=False and raises its own
    errors (or ValueError) on a Location such as `javascript:x` or a port out of range;
    checking the target ourselves gives one clear PermanentFetchError instead.
    """
    if response.status_code in REDIRECT_CODES:
        raise _RedirectSeen(
            response.status_code, {k.lower(): v for k, v in response.headers.items()}
        )


class Fetcher:
    """Fetch pages politely; use one instance (one connection pool) for a whole batch."""

    def __init__(
        self, config: FetchConfig | None = None, *, robots: RobotsCache | None = None
    ) -> None:
        self.config = config or FetchConfig()
        self._gates = HostGates(self.config.per_host_concurrency, self.config.per_host_interval)
        self._robots = robots if robots is not None else SHARED_ROBOTS
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._agent = robots_agent(self.config.user_agent)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        import httpx

        c = self.config
        self._client = httpx.AsyncClient(
            follow_redirects=False,  # each hop goes through the checks and the gates
            timeout=httpx.Timeout(c.timeout, connect=c.connect_timeout),
            headers={"User-Agent": c.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            proxy=c.proxy,
            trust_env=c.trust_env,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=100),
            event_hooks={"response": [_stop_at_redirect]},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Collection[str] = HTML_TYPES,
    ) -> Page:
        """The page at `url`, decoded, after retries.

        Raises `NotModified` (only when `etag`/`last_modified` is given), `RobotsDisallowed`,
        `PermanentFetchError`, `RetryableFetchError` (retries used up) or `DecodeError`.
        """
        _require_web(url)
        c = self.config
        attempt = 0
        while True:
            try:
                body = await self._follow(url, etag, last_modified, accept)
                break
            except RetryableFetchError as exc:
                if exc.retry_after is not None and exc.retry_after > c.max_retry_after:
                    # Waiting that long inside a batch is not worth it; a later run retries.
                    raise RetryableFetchError(
                        exc.url,
                        f"server asks to wait {exc.retry_after:.0f} s (Retry-After)",
                        exc.status,
                        exc.retry_after,
                    ) from exc
                if attempt >= c.retries:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else self._backoff(attempt)
                if exc.retry_after is not None:
                    self._gates.for_url(exc.url).defer(exc.retry_after)
                attempt += 1
                await asyncio.sleep(wait)
        return _page(url, body)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        c = self.config
        delay = min(c.backoff_cap, c.backoff_base * 2.0**attempt)
        return delay / 2 + random.uniform(0, delay / 2)

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, accept: Collection[str]
    ) -> _Body:
        seen = {url}
        current = url
        for _hop in range(self.config.max_redirects + 1):
            body = await self._one(current, etag, last_modified, accept)
            if body.status not in REDIRECT_CODES:
                return body
            location = body.headers.get("location")
            if not location:
                raise PermanentFetchError(current, f"HTTP {body.status} without Location")
            try:
                target = urljoin(current, location)
                _require_web(target)
            except (ValueError, PermanentFetchError) as exc:
                why = exc.reason if isinstance(exc, PermanentFetchError) else str(exc)
                raise PermanentFetchError(url, f"redirect to {location!r}: {why}") from exc
            if target in seen:
                raise PermanentFetchError(url, f"redirect loop at {target}", body.status)
            seen.add(target)
            current = target
        raise PermanentFetchError(
            url, f"more than {self.config.max_redirects} redirects (last: {current})"
        )

    async def _one(
        self, url: str, etag: str | None, last_modified: str | None, accept: Collection[str]
    ) -> _Body:
        """One request (no redirect following), inside the host's gate."""
        if self.config.obey_robots:
            rules = await self._rules(url)
            if not rules.allows(url, self._agent):
                raise RobotsDisallowed(url)
        headers = {"Accept": _accept_header(accept)}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._gates.for_url(url).turn():
            body = await self._request(url, headers, accept, self.config.max_bytes)
        if body.status == 304:
            if etag or last_modified:
                raise NotModified(url, body.url, body.headers)
            raise PermanentFetchError(url, "HTTP 304 to an unconditional request", 304)
        return body

    async def _request(
        self, url: str, headers: dict[str, str], accept: Collection[str] | None, limit: int
    ) -> _Body:
        import httpx

        client = self._require_client()
        try:
            async with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                resp_headers = {k.lower(): v for k, v in response.headers.items()}
                if status in RETRY_STATUSES or status >= 500:
                    raise RetryableFetchError(
                        url,
                        f"HTTP {status}",
                        status,
                        retry_after=parse_retry_after(resp_headers.get("retry-after")),
                    )
                if status in REDIRECT_CODES or status == 304:
                    return _Body(url, status, resp_headers, b"")
                if status >= 400:
                    raise PermanentFetchError(url, f"HTTP {status}", status)
                if accept is not None:
                    _check_content_type(url, resp_headers.get("content-type"), accept)
                declared = resp_headers.get("content-length", "")
                if (
                    declared.isdigit()
                    and "content-encoding" not in resp_headers
                    and int(declared) > limit
                ):
                    raise PermanentFetchError(
                        url, f"body of {declared} bytes is over the {limit}-byte limit"
                    )
                inflater = _Inflater(url, resp_headers.get("content-encoding", ""))
                chunks: list[bytes] = []
                size = 0
                async for raw in response.aiter_raw():
                    data = inflater.feed(raw, limit - size)
                    size += len(data)
                    chunks.append(data)
                inflater.finish()
                kept = {k: v for k, v in resp_headers.items() if k not in WIRE_HEADERS}
                return _Body(str(response.url), status, kept, b"".join(chunks))
        except _RedirectSeen as redirect:
            return _Body(url, redirect.status, redirect.headers, b"")
        except (httpx.InvalidURL, ValueError) as exc:
            raise PermanentFetchError(url, f"unusable URL: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise RetryableFetchError(url, f"timed out ({type(exc).__name__})") from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            if isinstance(exc, httpx.UnsupportedProtocol):
                raise PermanentFetchError(url, f"unsupported protocol: {exc}") from exc
            if isinstance(exc, httpx.ProxyError):
                raise RetryableFetchError(url, f"proxy error: {exc}") from exc
            reason = str(exc) or type(exc).__name__
            raise RetryableFetchError(url, f"connection failed: {reason}") from exc

    async def _rules(self, url: str) -> RobotsRules:
        key = f"{urlsplit(url).scheme}://{host_key(url)}"
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            rules = self._robots.get(key)
            if rules is None:
                rules = await self._load_robots(key)
                self._robots.put(key, rules)
            delay = rules.crawl_delay(self._agent)
            if delay:
                self._gates.for_url(url).slow_down(delay)
            return rules

    async def _load_robots(self, origin: str) -> RobotsRules:
        robots_url = origin + ROBOTS_PATH
        current = robots_url
        for _hop in range(self.config.max_redirects + 1):
            try:
                async with self._gates.for_url(current).turn():
                    body = await self._request(current, {}, None, ROBOTS_MAX_BYTES)
            except PermanentFetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500:
                    return RobotsRules.allow_all()
                # too large or unreadable: RFC 9309 allows parsing what was read; be strict
                raise PermanentFetchError(robots_url, f"robots.txt unusable: {exc.reason}") from exc
            except RetryableFetchError as exc:
                raise RetryableFetchError(
                    robots_url, f"robots.txt unavailable: {exc.reason}", exc.status
                ) from exc
            if body.status not in REDIRECT_CODES:
                return RobotsRules.from_text(body.content.decode("utf-8", errors="replace"))
            location = body.headers.get("location")
            if not location:
                return RobotsRules.allow_all()
            try:
                current = urljoin(current, location)
                _require_web(current)
            except (ValueError, PermanentFetchError):
                return RobotsRules.allow_all()  # RFC 9309: unreachable rules → as if none
        return RobotsRules.allow_all()  # RFC 9309: too many redirects → treat as unavailable 4xx

    def _require_client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use `async with Fetcher(config) as fetcher:`")
        return self._client


class _Inflater:
    """Content-Encoding undone chunk by chunk, never producing more than the budget allows."""

    def __init__(self, url: str, encoding: str) -> None:
        self.url = url
        self.encoding = encoding.strip().lower()
        self._zlib: zlib._Decompress | None = None
        if self.encoding in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
        elif self.encoding not in ("", "identity"):
            raise PermanentFetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self._started = False

    def feed(self, raw: bytes, budget: int) -> bytes:
        if self._zlib is None:
            data = raw
        else:
            try:
                data = self._zlib.decompress(raw, budget + 1)
            except zlib.error as exc:
                if self._started or self.encoding != "deflate":
                    raise PermanentFetchError(self.url, f"corrupt {self.encoding} body") from exc
                # Some servers send raw deflate without the zlib header.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                data = self._zlib.decompress(raw, budget + 1)
        self._started = True
        if len(data) > budget:
            raise PermanentFetchError(self.url, "body over the size limit (after decompression)")
        return data

    def finish(self) -> None:
        if self._zlib is not None and self._started and not self._zlib.eof:
            raise RetryableFetchError(self.url, f"truncated {self.encoding} body")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _require_web(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError as exc:
        raise PermanentFetchError(url, "malformed URL") from exc
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise PermanentFetchError(url, f"only http and https are fetched, not {parts.scheme!r}")
    if not parts.hostname:
        raise PermanentFetchError(url, "URL without a host")


def _accept_header(accept: Collection[str]) -> str:
    return ", ".join(sorted(accept)) + ";q=1.0, */*;q=0.1"


def _check_content_type(url: str, value: str | None, accept: Collection[str]) -> None:
    if value is None:
        return  # many servers omit it; decoding and parsing decide
    mime = value.split(";", 1)[0].strip().lower()
    if mime and mime not in accept:
        raise PermanentFetchError(url, f"not HTML: Content-Type {mime}")


def _page(url: str, body: _Body) -> Page:
    from scrapers.decode import decoded_page

    return decoded_page(
        url,
        body.content,
        fetched_at=datetime.now(UTC),
        final_url=body.url,
        status=body.status,
        headers=body.headers,
    )


def fetch_url(
    url: str,
    config: FetchConfig | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Page:
    """Fetch one page synchronously (its own client; for many URLs use `Fetcher`)."""

    async def one() -> Page:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(one())
    # Called from code already inside an event loop: run ours in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, one()).result()


__all__ = [
    "DEFAULT_USER_AGENT",
    "FEED_TYPES",
    "HTML_TYPES",
    "DecodeError",
    "FetchConfig",
    "FetchError",
    "Fetcher",
    "NotModified",
    "PermanentFetchError",
    "RetryableFetchError",
    "RobotsCache",
    "RobotsDisallowed",
    "fetch_url",
    "parse_retry_after",
]
