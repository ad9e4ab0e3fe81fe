"""A real HTTP server on loopback addresses that plays several hosts and misbehaves on demand.

    with LoopbackServer(hosts=3) as server:          # 127.0.0.2, 127.0.0.3, 127.0.0.4
        server.route(0, "/a", html("<p>안녕</p>"))
        server.route(1, "/busy", sequence(too_many("1"), html("ok")))
        server.robots(2, "User-agent: *\\nDisallow: /private\\n")
        url = server.url(1, "/busy")                 # http://127.0.0.3:<port>/busy
        ...
        server.max_in_flight(server.host(1))         # peak concurrent requests seen there
        server.requests_to(server.host(1))           # every request, in arrival order

Each host is its own `ThreadingHTTPServer` bound to a distinct 127.0.0.x address (Linux
routes all of 127.0.0.0/8 to loopback), so a client sees different hosts exactly as it
would on the internet. Handlers are plain callables `Request -> Reply`; the helpers below
build the usual ones and the faults (slow, 429/503 with Retry-After, connection reset,
truncated body, lying charset, gzip bomb, redirect loop, ETag/304). Unknown paths get 404,
including /robots.txt unless `robots()` is called.

Thread-safe: routes may be changed while the server runs; records are guarded by a lock.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

FIRST_HOST_OCTET = 2  # 127.0.0.1 is left to everything else on the machine


@dataclass(frozen=True)
class Request:
    """What a handler sees: the host ("127.0.0.3:41234"), path with query, headers."""

    host: str
    path: str
    headers: dict[str, str]  # lower-case names
    hit: int  # 1 for the first request to this host+path, 2 for the second, …


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line is sent
    fault: str | None = None  # "reset" (RST before any byte) | "truncate" (close mid-body)


Handler = Callable[[Request], Reply]


SETTLE_SECONDS = 5.0  # how long requests_to waits for in-flight requests to be recorded


@dataclass(frozen=True)
class Record:
    """One request as the server saw it (monotonic clock)."""

    host: str
    path: str
    headers: dict[str, str]
    started: float
    ended: float


# --- reply helpers ---------------------------------------------------------------------------


def html(
    text: str, *, charset: str = "utf-8", declared: str | None = None, status: int = 200
) -> Reply:
    """An HTML page encoded in `charset`, announced as `declared` (default: the truth)."""
    return Reply(
        status=status,
        body=text.encode(charset),
        headers={"Content-Type": f"text/html; charset={declared or charset}"},
    )


def raw(body: bytes, content_type: str = "text/html", status: int = 200) -> Reply:
    return Reply(status=status, body=body, headers={"Content-Type": content_type})


def too_many(retry_after: str | None = None, status: int = 429) -> Reply:
    """429 (or 503 with `status=503`) with an optional Retry-After (seconds or HTTP-date)."""
    headers = {"Content-Type": "text/plain"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Reply(status=status, body=b"slow down", headers=headers)


def unavailable(retry_after: str | None = None) -> Reply:
    return too_many(retry_after, status=503)


def reset() -> Reply:
    return Reply(fault="reset")


def truncated(text: str = "<html><body>" + "가" * 2000) -> Reply:
    """Announces the full length, sends half, closes."""
    reply = html(text)
    reply.fault = "truncate"
    return reply


def gzip_bomb(decompressed_bytes: int = 200 * 1024 * 1024) -> Reply:
    """A small gzip body that inflates to `decompressed_bytes` zeros, served as HTML."""
    return Reply(
        body=_gzip_zeros(decompressed_bytes),
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
    )


def gzipped(reply: Reply) -> Reply:
    return Reply(
        status=reply.status,
        body=gzip.compress(reply.body),
        headers={**reply.headers, "Content-Encoding": "gzip"},
    )


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def slow(reply: Reply, seconds: float) -> Handler:
    return lambda _req: Reply(reply.status, reply.body, dict(reply.headers), seconds, reply.fault)


def sequence(*replies: Reply) -> Handler:
    """The n-th request to the route gets the n-th reply; the last one repeats."""
    return lambda req: replies[min(req.hit, len(replies)) - 1]


def with_etag(reply: Reply, etag: str, last_modified: str | None = None) -> Handler:
    """200 with ETag (and Last-Modified); 304 when the client sends a matching validator."""

    def handle(req: Request) -> Reply:
        if req.headers.get("if-none-match") == etag or (
            last_modified is not None and req.headers.get("if-modified-since") == last_modified
        ):
            return Reply(status=304, headers={"ETag": etag})
        headers = {**reply.headers, "ETag": etag}
        if last_modified is not None:
            headers["Last-Modified"] = last_modified
        return Reply(reply.status, reply.body, headers, reply.delay, reply.fault)

    return handle


def _constant(reply: Reply) -> Handler:
    return lambda _req: reply


def _gzip_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1024 * 1024)
    parts = []
    left = size
    while left > 0:
        parts.append(compressor.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts)


# --- the server ------------------------------------------------------------------------------


class LoopbackServer:
    """Several virtual hosts on 127.0.0.2, 127.0.0.3, … each with routes and records."""

    def __init__(self, hosts: int = 1) -> None:
        if not 1 <= hosts <= 250:
            raise ValueError("between 1 and 250 hosts")
        self._addresses = [f"127.0.0.{FIRST_HOST_OCTET + i}" for i in range(hosts)]
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self._hits: dict[tuple[str, str], int] = defaultdict(int)
        self._in_flight: dict[str, int] = defaultdict(int)
        self._max_in_flight: dict[str, int] = defaultdict(int)
        self._records: list[Record] = []
        self.hosts: list[str] = []  # "127.0.0.2:port", in order

    # lifecycle

    def start(self) -> LoopbackServer:
        owner = self
        for address in self._addresses:
            handler = type("BoundHandler", (_Handler,), {"owner": owner})
            server = _QuietServer((address, 0), handler)
            server.daemon_threads = True
            self._servers.append(server)
            self.hosts.append(f"{address}:{server.server_address[1]}")
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # configuration

    def host(self, host: int | str) -> str:
        """`host` as "127.0.0.x:port": an index into `hosts`, or already such a string."""
        return self.hosts[host] if isinstance(host, int) else host

    def url(self, host: int | str, path: str) -> str:
        return f"http://{self.host(host)}{path}"

    def route(self, host: int | str, path: str, handler: Handler | Reply) -> str:
        """Serve `path` (with its query string, exactly) on `host`; returns the full URL."""
        fn = _constant(handler) if isinstance(handler, Reply) else handler
        with self._lock:
            self._routes[(self.host(host), path)] = fn
        return self.url(host, path)

    def robots(self, host: int | str, text: str) -> None:
        self.route(host, "/robots.txt", raw(text.encode(), "text/plain"))

    # records

    def records(self) -> list[Record]:
        with self._lock:
            return list(self._records)

    def requests_to(self, host: int | str, path: str | None = None) -> list[Record]:
        """The host's requests once it has none in flight: a request is recorded when its
        reply is written, which a client can see before the handler thread records it."""
        key = self.host(host)
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            with self._lock:
                if self._in_flight[key] == 0:
                    break
            time.sleep(0.005)
        return [r for r in self.records() if r.host == key and (path is None or r.path == path)]

    def hits(self, host: int | str, path: str) -> int:
        with self._lock:
            return self._hits[(self.host(host), path)]

    def max_in_flight(self, host: int | str) -> int:
        """The most requests this host was handling at one time."""
        with self._lock:
            return self._max_in_flight[self.host(host)]

    # used by the handler threads

    def _begin(self, host: str, path: str) -> tuple[Handler | None, int]:
        with self._lock:
            self._hits[(host, path)] += 1
            self._in_flight[host] += 1
            self._max_in_flight[host] = max(self._max_in_flight[host], self._in_flight[host])
            return self._routes.get((host, path)), self._hits[(host, path)]

    def _end(self, host: str, path: str, headers: dict[str, str], started: float) -> None:
        with self._lock:
            self._in_flight[host] -= 1
            self._records.append(Record(host, path, headers, started, time.monotonic()))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (timeouts, resets we provoke) are expected here


class _Handler(BaseHTTPRequestHandler):
    owner: LoopbackServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def do_GET(self) -> None:
        started = time.monotonic()
        address = self.server.server_address
        assert isinstance(address, tuple)
        host = f"{address[0]}:{address[1]}"
        headers = {k.lower(): v for k, v in self.headers.items()}
        handler, hit = self.owner._begin(host, self.path)
        try:
            if handler is None:
                reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
            else:
                reply = handler(Request(host, self.path, headers, hit))
            self._send(reply)
        finally:
            self.owner._end(host, self.path, headers, started)

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.fault == "truncate":
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.fault == "truncate":
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:  # stdlib's name
        pass  # tests read the records, not stderr


def serve(hosts: int = 1) -> Iterator[LoopbackServer]:
    """For a pytest fixture: `yield from serve(3)`."""
    with LoopbackServer(hosts) as server:
        yield server
