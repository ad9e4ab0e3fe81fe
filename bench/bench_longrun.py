"""Memory and store size over a long `newsnote batch` run (issue #23).

The real `newsnote batch --urls FILE` runs as a subprocess against a loopback HTTPS proxy
that plays n.news.naver.com: the batch is given `--proxy http://127.0.0.1:<port>` and
`SSL_CERT_FILE` naming a self-signed certificate for n.news.naver.com made here with the
`openssl` command, so it fetches `https://n.news.naver.com/mnews/article/<oid>/<aid>`
exactly as it would on the internet (CONNECT, TLS, robots.txt, keep-alive), and nothing
leaves the machine. Each URL gets one of the corpus's real Naver article pages
(../shared/corpus/naver or $NEWSNOTE_CORPUS) with one sentence added to its body naming
the copy's number, so every copy is a distinct article (its own content hash, text and
sentence) while the vocabulary stays that of real articles. `--interval 0` drops the
politeness delay (one loopback host, one request at a time).

While the batch runs, its RSS is sampled (psutil) against the number of URLs it has
finished (its plain log lines on stderr). At the end: RSS at 1,000 articles and at the
end, the least-squares slope per 1,000 articles after the first thousand, and the
store's bytes per article by table and index (SQLite's `dbstat`), with row counts.

`--trace N` also runs the same batch in-process in a child (`run_batch`, the runner
`newsnote batch` calls) under tracemalloc and compares memory at 1,000 and at N articles:
the allocation sites that grew (tracemalloc snapshots), object counts by type (gc), what
glibc malloc holds in use and keeps after a free (mallinfo2), and SQLite's own memory
(sqlite3_memory_used). `--frames 0` leaves tracemalloc out (it slows the batch ~5x and its
records inflate RSS), for the native figures alone.

    .venv/bin/python bench/bench_longrun.py                  # 10,000 articles, ~7 min on 2 cores
    .venv/bin/python bench/bench_longrun.py --quick          # 1,500 articles, ~1 min
    .venv/bin/python bench/bench_longrun.py --trace 3000     # + tracemalloc, ~11 min more
    .venv/bin/python bench/bench_longrun.py --articles 0 --trace 5000 --frames 0

A benchmark, not a test: nothing here asserts a time or a size.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CORPUS = Path(os.environ.get("NEWSNOTE_CORPUS", REPO.parent / "shared" / "corpus"))
HOST = "n.news.naver.com"
# The corpus's real Naver article pages (every layout newsnote reads: the current one, the
# old read.nhn one and the 2017-2022 sports one), by the press code their URLs get. The
# UTF-16 "trap" page is left out: it is a page no parser should accept.
BASES = (
    ("003", "naver/article_003_0012577249.html"),
    ("016", "naver/article_016_0002194334.html"),
    ("018", "naver/article_018_0005316196.html"),
    ("082", "naver/article_082_0001252309.html"),
    ("421", "naver/article_421_0008770777.html"),
    ("029", "naver/article_old_029_0002625369.html"),
    ("477", "naver/sports_477_0000073768.html"),
)
BODY_MARKERS = (b'id="dic_area"', b'id="articleBodyContents"', b'id="newsEndContents"')
SENTENCE_END = "다.".encode()
# What makes each copy its own article: one sentence after the body's first sentence.
COPY_SENTENCE = " 이 기사는 장기 실행 시험의 {n}번째 사본이다."
ARTICLE_PATH = re.compile(r"^/mnews/article/(\d{3})/(\d{10})$")
ROBOTS = b"User-agent: *\nAllow: /\n"
PROGRESS_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+) ")
SAMPLE_SECONDS = 0.25
QUICK_ARTICLES = 1500
DEFAULT_ARTICLES = 10_000
FIRST_MARK = 1000  # "after the first thousand": Kiwi's model, caches and pools are warm
TOP_SITES = 12


# --- the loopback HTTPS proxy ----------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    oid: str
    name: str
    head: bytes  # the page up to and including its body's first "다."
    tail: bytes  # the rest
    size: int


def load_bases() -> list[Base]:
    bases = []
    for oid, rel in BASES:
        path = CORPUS / rel
        raw = path.read_bytes()
        marker = next((raw.find(m) for m in BODY_MARKERS if m in raw), -1)
        if marker < 0:
            raise SystemExit(f"{path}: no article body marker {BODY_MARKERS}")
        cut = _first_sentence_end(raw, raw.index(b">", marker))
        if cut < 0:
            raise SystemExit(f"{path}: no sentence end in the body")
        bases.append(Base(oid, path.name, raw[:cut], raw[cut:], len(raw)))
    return bases


def _first_sentence_end(raw: bytes, start: int) -> int:
    """Just after the first "다." of the body's text: not in a tag, not in a photo caption."""
    at = raw.find(SENTENCE_END, start)
    while at >= 0:
        in_tag = raw.rfind(b"<", start, at) > raw.rfind(b">", start, at)
        in_caption = raw.rfind(b"<em", start, at) > raw.rfind(b"</em>", start, at)
        if not in_tag and not in_caption:
            return at + len(SENTENCE_END)
        at = raw.find(SENTENCE_END, at + 1)
    return -1


def copy_of(base: Base, n: int) -> bytes:
    return base.head + COPY_SENTENCE.format(n=n).encode() + base.tail


def check_bases(bases: list[Base]) -> None:
    """Each varied page parses, and the added sentence is in the article's text."""
    from datetime import UTC, datetime

    from scrapers.model import Page
    from scrapers.parse import parse_page

    for base in bases:
        url = f"https://{HOST}/mnews/article/{base.oid}/0000000007"
        content = copy_of(base, 7)
        text = content.decode("utf-8")
        page = Page(url, url, 200, {"content-type": "text/html; charset=utf-8"}, content, text,
                    "utf-8", datetime.now(UTC))  # fmt: skip
        article = parse_page(page)
        wanted = COPY_SENTENCE.format(n=7).strip()
        if not any(wanted in b.text for b in article.blocks):
            raise SystemExit(f"{base.name}: the copy's sentence is not in the parsed article")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for HOST (the batch trusts it through SSL_CERT_FILE)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up at the end of the run


class NaverProxy:
    """A forward proxy on 127.0.0.1 that answers CONNECT to HOST itself, over TLS."""

    def __init__(self, bases: list[Base], cert: Path, key: Path) -> None:
        self.by_oid = {b.oid: b for b in bases}
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(cert, key)
        self.lock = threading.Lock()
        self.served = 0
        self.bytes_served = 0
        self.server = _Server(("127.0.0.1", 0), self._proxy_handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> NaverProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if path == "/robots.txt":
            return 200, ROBOTS, "text/plain"
        match = ARTICLE_PATH.match(path)
        base = self.by_oid.get(match.group(1)) if match else None
        if match is None or base is None:
            return 404, b"not found", "text/plain"
        body = copy_of(base, int(match.group(2)))
        with self.lock:
            self.served += 1
            self.bytes_served += len(body)
        return 200, body, "text/html; charset=utf-8"

    def _proxy_handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Site(BaseHTTPRequestHandler):
            """HTTP/1.1 inside the tunnel, as HOST."""

            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                status, body, ctype = proxy.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Proxy(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_CONNECT(self) -> None:
                if self.path.split(":")[0] != HOST:
                    self.send_error(403, "this proxy only plays " + HOST)
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                self.close_connection = True
                try:
                    tunnel = proxy.tls.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                with contextlib.suppress(OSError, ssl.SSLError):
                    Site(tunnel, self.client_address, self.server)

        return Proxy


# --- the batch and its RSS ---------------------------------------------------------------------


@dataclass
class RunResult:
    articles: int
    wall: float
    samples: list[tuple[float, int, int]]  # (seconds, URLs finished, RSS bytes)
    outcomes: Counter[str]
    tally: str
    exit_code: int
    db: Path
    bytes_served: int


def url_list(n: int) -> list[str]:
    return [
        f"https://{HOST}/mnews/article/{BASES[i % len(BASES)][0]}/{i + 1:010d}" for i in range(n)
    ]


def batch_env(cert: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    return {**env, "SSL_CERT_FILE": str(cert), "PYTHONPATH": str(REPO)}


def run_batch_process(n: int, proxy: NaverProxy, cert: Path, tmp: Path) -> RunResult:
    import psutil

    urls_file = tmp / f"urls_{n}.txt"
    urls_file.write_text("\n".join(url_list(n)) + "\n")
    db = tmp / f"longrun_{n}.db"
    command = [
        sys.executable, "-m", "pipeline.cli.app", "batch", "--urls", str(urls_file),
        "--db", str(db), "--interval", "0", "--proxy", proxy.url, "--no-progress",
    ]  # fmt: skip
    started = time.monotonic()
    child = subprocess.Popen(
        command, cwd=REPO, env=batch_env(cert), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    process = psutil.Process(child.pid)
    done = [0]
    outcomes: Counter[str] = Counter()
    errors: list[str] = []

    def read_log() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            match = PROGRESS_LINE.match(line)
            if match:
                done[0] = int(match.group(1))
                outcomes[match.group(3)] += 1
            elif line.strip() and not line.startswith("batch:"):
                errors.append(line.rstrip())

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    samples: list[tuple[float, int, int]] = []
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            samples.append((time.monotonic() - started, done[0], process.memory_info().rss))
        time.sleep(SAMPLE_SECONDS)
    wall = time.monotonic() - started
    reader.join(10)
    assert child.stdout is not None
    tally = "; ".join(line.strip() for line in child.stdout.read().splitlines() if line.strip())
    if child.returncode not in (0, 3):
        raise SystemExit(f"newsnote batch exited {child.returncode}:\n" + "\n".join(errors[-20:]))
    return RunResult(n, wall, samples, outcomes, tally, child.returncode, db, proxy.bytes_served)


def rss_at(samples: list[tuple[float, int, int]], done: int) -> int | None:
    """RSS at the first sample where `done` URLs were finished."""
    return next((rss for _, d, rss in samples if d >= done), None)


def slope_per_thousand(samples: list[tuple[float, int, int]], start: int) -> float | None:
    """Least-squares MiB per 1,000 URLs over the samples from `start` URLs on."""
    points = [(d, rss / 2**20) for _, d, rss in samples if d >= start]
    if len({d for d, _ in points}) < 2:
        return None
    mx = sum(d for d, _ in points) / len(points)
    my = sum(r for _, r in points) / len(points)
    sxx = sum((d - mx) ** 2 for d, _ in points)
    sxy = sum((d - mx) * (r - my) for d, r in points)
    return sxy / sxx * 1000


def rss_section(result: RunResult) -> list[str]:
    mib = 2**20
    n = result.articles
    # While articles are being stored: once the last is done the process closes its
    # pools and Kiwi and exits, and its RSS falls (~20 MiB, then ~120).
    running = [s for s in result.samples if 0 < s[1] < n]
    start = min(FIRST_MARK, n)
    first = rss_at(running, start)
    last = running[-1] if running else None
    peak = max((rss for _, _, rss in result.samples), default=0)
    slope = slope_per_thousand(running, start)
    lines = [
        f"{n:,} URLs over `https://{HOST}/mnews/article/<oid>/<aid>` ({len(BASES)} real corpus "
        f"pages, each copy made distinct), `newsnote batch --interval 0` through the loopback "
        f"HTTPS proxy; {os.cpu_count()} CPUs, RSS sampled every {SAMPLE_SECONDS} s.",
        "",
        f"Wall {result.wall:.0f} s, **{n / result.wall:.1f} articles/s**; outcomes: "
        + ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
        + f"; exit {result.exit_code}. Served {result.bytes_served / n / 1024:.0f} KiB of HTML "
        f"a page on average.",
        "",
        "| | RSS (MiB) |",
        "|---|---:|",
    ]
    if first is not None:
        lines.append(f"| at {start:,} articles | {first / mib:.0f} |")
    if last is not None:
        lines.append(f"| at the end ({last[1]:,} done, last sample) | {last[2] / mib:.0f} |")
    if first is not None and last is not None:
        lines.append(f"| end − at {start:,} | {(last[2] - first) / mib:+.1f} |")
    lines.append(f"| peak over the run (its start included) | {peak / mib:.0f} |")
    if slope is not None:
        lines.append(f"| slope from {start:,} on (least squares) | {slope:+.2f} per 1,000 |")
    step = FIRST_MARK if n <= 20_000 else n // 10
    marks = [rss_at(running, k) for k in range(step, n, step)]
    if last is not None:
        curve = [f"{k * step / 1000:g}k {r / mib:.0f}" for k, r in enumerate(marks, 1) if r]
        lines += ["", "RSS (MiB) by articles done: " + ", ".join(curve)
                  + f", end {last[2] / mib:.0f}"]  # fmt: skip
    return lines


# --- the store's size -------------------------------------------------------------------------


def store_section(db: Path, served_per_page: float | None = None) -> list[str]:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_schema"))
        kinds = dict(conn.execute("SELECT name, type FROM sqlite_schema"))
        try:
            stat = conn.execute(
                "SELECT name, count(*), sum(pgsize), sum(payload), sum(unused) FROM dbstat "
                "GROUP BY name"
            ).fetchall()
        except sqlite3.OperationalError:
            return ["", "(this SQLite has no dbstat table: sizes by table not available)"]
        rows_of = {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t, k in kinds.items()
            if k == "table" and not t.startswith("sqlite_")
        }
        raw_avg = conn.execute("SELECT avg(length(content)) FROM raw_pages").fetchone()[0]
        # The article's text, kept whole in articles and article_blocks and cut into
        # sentences; highlights and evidence copy a few sentences (bytes of UTF-8).
        text_in = {
            f"{t}.{c}": conn.execute(
                f"SELECT coalesce(sum(length(CAST({c} AS BLOB))), 0) FROM {t}"
            ).fetchone()[0]
            for t, c in (("articles", "body_text"), ("article_blocks", "text"),
                         ("sentences", "text"), ("highlights", "text"), ("evidence", "text"))
        }  # fmt: skip
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    file_size = db.stat().st_size
    per_table: dict[str, list[tuple[str, int, int]]] = {}
    for name, _pages, size, payload, _unused in stat:
        table = owner.get(name, name)
        per_table.setdefault(table, []).append((name, size, payload))
    total = sum(size for _, _, size, _, _ in stat)
    if not articles:
        return ["", "no article stored"]

    def kb(x: float) -> str:
        return f"{x / articles / 1000:.2f}"

    lines = [
        "",
        f"Store: {articles:,} articles, SQLite file {file_size / 1e6:.0f} MB "
        f"({file_size / articles / 1000:.1f} kB per article; page size {page_size}, "
        f"{free} free pages). By table, its indexes included (kB = 1,000 bytes, pages "
        "allocated; payload is the bytes of the rows themselves):",
        "",
        "| table | rows per article | kB per article | of which indexes | payload kB per article "
        "| share |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    order = sorted(per_table.items(), key=lambda kv: -sum(s for _, s, _ in kv[1]))
    # Tables under 5 bytes an article (the run's own rows, press, empty tables) in one row.
    small = [
        (t, size)
        for t, parts in order
        if (size := sum(s for _, s, _ in parts)) < 5 * articles or not rows_of.get(t)
    ]
    for table, parts in order:
        size = sum(s for _, s, _ in parts)
        if (table, size) in small:
            continue
        index = sum(s for n, s, _ in parts if n != table)
        payload = sum(p for n, p, _ in parts if n == table)
        rows = rows_of.get(table)
        per = f"{rows / articles:.1f}" if rows is not None else ""
        lines.append(
            f"| {table} | {per} | {kb(size)} | {kb(index)} | {kb(payload)} | {size / total:.1%} |"
        )
    if small:
        rest = sum(s for _, s in small)
        label = f"{len(small)} small tables (runs, press, terms, …) and the schema"
        lines.append(f"| {label} | | {kb(rest)} | | | {rest / total:.1%} |")
    lines.append(f"| **total** | | **{kb(total)}** | | | 100% |")
    indexes = sorted(
        ((n, s) for parts in per_table.values() for n, s, _ in parts if kinds.get(n) == "index"),
        key=lambda p: -p[1],
    )
    lines += ["", "Largest indexes (kB per article): "
              + ", ".join(f"`{n}` {kb(s)}" for n, s in indexes[:8]) + "."]  # fmt: skip
    if raw_avg:
        ratio = f", {raw_avg / served_per_page:.0%} of the HTML served" if served_per_page else ""
        lines.append(f"\n`raw_pages.content` keeps each page zstd-compressed: "
                     f"{raw_avg / 1000:.1f} kB a page{ratio}.")  # fmt: skip
    lines.append(
        "The article's text as stored, kB per article: "
        + ", ".join(f"{k} {kb(v)}" for k, v in text_in.items())
        + "."
    )
    return lines


# --- in-process tracing ----------------------------------------------------------------------


def native_memory() -> dict[str, int]:
    """What C code holds: SQLite's allocations (all connections) and glibc malloc's in use
    and free-but-kept bytes (every arena; Python's small objects, Kiwi and SQLite included)."""
    import ctypes
    import ctypes.util

    out: dict[str, int] = {}
    with contextlib.suppress(OSError, AttributeError):
        lib = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        out["sqlite"] = int(lib.sqlite3_memory_used())

    class Mallinfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                         "uordblks", "fordblks", "keepcost")
        ]  # fmt: skip

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = Mallinfo2
        info = libc.mallinfo2()
        out["malloc_in_use"] = int(info.uordblks + info.hblkhd)
        out["malloc_free"] = int(info.fordblks)
    return out


class _SnapshotProgress:
    """Progress that records memory (and tracemalloc snapshots) at the marks given."""

    def __init__(self, marks: tuple[int, ...], out: dict[int, dict[str, Any]]) -> None:
        self.marks = set(marks)
        self.out = out
        self.done = 0

    def start(self, total: int) -> None:
        pass

    def advance(self, url: str, outcome: str, detail: str | None = None) -> None:
        import tracemalloc

        import psutil

        self.done += 1
        if self.done in self.marks:
            gc.collect()
            tracing = tracemalloc.is_tracing()
            # Objects are counted with the first snapshot alive each time (its traces are
            # tuples), so that it does not show as growth.
            first = not self.out
            snapshot = tracemalloc.take_snapshot() if tracing and first else None
            types = Counter(type(o).__qualname__ for o in gc.get_objects())
            if tracing and not first:
                snapshot = tracemalloc.take_snapshot()
            self.out[self.done] = {
                "snapshot": snapshot,
                "python": tracemalloc.get_traced_memory()[0] if tracing else None,
                "types": types,
                "rss": psutil.Process().memory_info().rss,
                **native_memory(),
            }

    def note(self, message: str) -> None:
        pass

    def finish(self) -> None:
        pass


def trace_child(args: argparse.Namespace) -> None:
    """In the child: run_batch (under tracemalloc unless --frames 0); print JSON of what grew."""
    import tracemalloc

    from pipeline.batch import BatchOptions, run_batch
    from pipeline.settings import Settings, fetch_config_for
    from storage import db

    n = args.trace
    url = f"sqlite:///{args.db}"
    db.upgrade(url)
    engine = db.make_engine(url)
    settings = Settings(database_url=url, per_host_interval=0.0, proxy=args.proxy)
    marks: dict[int, dict[str, Any]] = {}
    if args.frames:
        tracemalloc.start(args.frames)
    started = time.monotonic()
    run_batch(
        engine,
        settings,
        BatchOptions(urls=url_list(n)),
        progress=_SnapshotProgress((FIRST_MARK, n), marks),
        fetch_config=fetch_config_for(settings),
    )
    wall = time.monotonic() - started
    m1, m2 = marks[FIRST_MARK], marks[n]
    t1, t2 = m1.pop("types"), m2.pop("types")
    s1, s2 = m1.pop("snapshot"), m2.pop("snapshot")
    grown = sorted(((t2[k] - t1.get(k, 0), k) for k in t2), reverse=True)[:TOP_SITES]
    report: dict[str, Any] = {
        "articles": n, "wall": wall, "at": [m1, m2],
        "types": [(k, d, t2[k]) for d, k in grown if d > 0],
    }  # fmt: skip
    if s1 is not None and s2 is not None:
        report.update(_compare(s1, s2, n))
    print(json.dumps(report))


def _compare(s1: Any, s2: Any, n: int) -> dict[str, Any]:
    """The allocation sites that grew from snapshot s1 to s2, by size."""
    import tracemalloc

    keep = (
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
        tracemalloc.Filter(False, "<unknown>"),
        tracemalloc.Filter(False, __file__, all_frames=True),  # this bench's own counting
    )
    s1, s2 = s1.filter_traces(keep), s2.filter_traces(keep)
    # Sites whose blocks grew with the articles (a block or more every other article) are
    # what a long run accumulates; the rest is noise, above all the few pages in flight at
    # each snapshot (hundreds of KiB each, either sign).
    per_article = (n - FIRST_MARK) // 2

    def ranked(key: str) -> list[tracemalloc.StatisticDiff]:
        return sorted(s2.compare_to(s1, key), key=lambda d: -d.size_diff)

    by_tb = ranked("traceback")
    return {
        "sites": [
            {"size_diff": d.size_diff, "count_diff": d.count_diff,
             "frames": [f"{_short(f.filename)}:{f.lineno}" for f in d.traceback]}
            for d in by_tb[:TOP_SITES]
        ],
        "lines": [
            {"size_diff": d.size_diff, "count_diff": d.count_diff,
             "site": f"{_short(d.traceback[0].filename)}:{d.traceback[0].lineno}"}
            for d in ranked("lineno")[:TOP_SITES]
        ],
        "steady": sum(d.size_diff for d in by_tb if d.count_diff >= per_article),
    }  # fmt: skip


def _short(filename: str) -> str:
    import sysconfig

    roots = (str(REPO), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"])
    for root in roots:
        if filename.startswith(root + "/"):
            return filename[len(root) + 1 :]
    return filename


def run_trace(n: int, proxy: NaverProxy, cert: Path, tmp: Path, frames: int) -> list[str]:
    out = subprocess.run(
        [sys.executable, __file__, "--trace-child", "--trace", str(n), "--db",
         str(tmp / f"trace_{n}.db"), "--proxy", proxy.url, "--frames", str(frames)],
        capture_output=True, text=True, cwd=REPO, env=batch_env(cert),
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"trace child failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    (tmp / f"trace_{n}.json").write_text(json.dumps(r))
    mib = 2**20
    m1, m2 = r["at"]
    how = f"under tracemalloc ({frames} frames)" if frames else "without tracemalloc"
    lines = [
        "",
        f"### What grows: {n:,} articles in-process (`run_batch`), {how}",
        "",
        f"The same batch and proxy in one process, {n / r['wall']:.1f} articles/s. Memory at "
        f"{FIRST_MARK:,} articles and at {n:,} (after gc.collect()):",
        "",
        f"| MiB | at {FIRST_MARK:,} | at {n:,} | change |",
        "|---|---:|---:|---:|",
    ]
    names = (
        ("rss", "RSS" + (" (tracemalloc's records included)" if frames else "")),
        ("python", "Python objects still allocated (tracemalloc)"),
        ("malloc_in_use", "malloc: in use (Python, SQLite, Kiwi, …)"),
        ("malloc_free", "malloc: freed but kept by the allocator"),
        ("sqlite", "SQLite's own (page caches of every connection, statements)"),
    )
    for key, label in names:
        if m1.get(key) is not None and m2.get(key) is not None:
            a, b = m1[key] / mib, m2[key] / mib
            lines.append(f"| {label} | {a:.1f} | {b:.1f} | {b - a:+.1f} |")
    if "steady" in r:
        lines += [
            "",
            f"Allocation sites whose blocks grew with the articles (at least one block every "
            f"other article) hold **{r['steady'] / 1024:+.0f} KiB, "
            f"{r['steady'] / (n - FIRST_MARK) * 1000 / mib:+.2f} MiB per 1,000 articles**. "
            "Growth by line, largest first (small or negative block counts are pages in flight "
            "at one snapshot and not the other):",
            "",
            "| grown by line | KiB | blocks |",
            "|---|---:|---:|",
            *(
                f"| `{s['site']}` | {s['size_diff'] / 1024:+.1f} | {s['count_diff']:+d} |"
                for s in r["lines"]
            ),
            "",
            "Top growing tracebacks (innermost frame first, up to 4):",
            "",
        ]
        for s in r["sites"][:6]:
            lines.append(f"- {s['size_diff'] / 1024:+.1f} KiB, {s['count_diff']:+d} blocks: "
                         + " ← ".join(f"`{f}`" for f in reversed(s["frames"][-4:])))  # fmt: skip
    lines += [
        "",
        "Object types that grew (gc-tracked objects): "
        + (", ".join(f"{k} {d:+d} (now {now})" for k, d, now in r["types"]) or "none"),
    ]
    return lines


# --- main ------------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(tmp: Path) -> Iterator[tuple[NaverProxy, Path]]:
    bases = load_bases()
    check_bases(bases)
    cert, key = make_certificate(tmp)
    with NaverProxy(bases, cert, key) as proxy:
        yield proxy, cert


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=None,
                    help=f"URLs for the batch (default {DEFAULT_ARTICLES:,}; 0: none)")  # fmt: skip
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_ARTICLES:,} URLs")
    ap.add_argument("--trace", type=int, default=0, metavar="N",
                    help="also run N articles in-process under tracemalloc (N > 1000)")  # fmt: skip
    ap.add_argument("--frames", type=int, default=8,
                    help="tracemalloc frames kept (--trace); 0: no tracemalloc")  # fmt: skip
    ap.add_argument("--keep", type=Path, default=None, help="keep the stores in this folder")
    ap.add_argument("--trace-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--proxy", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.trace_child:
        trace_child(args)
        return
    n = args.articles if args.articles is not None else (
        QUICK_ARTICLES if args.quick else DEFAULT_ARTICLES
    )  # fmt: skip
    if args.trace and args.trace <= FIRST_MARK:
        raise SystemExit(f"--trace needs more than {FIRST_MARK} articles")
    if not (CORPUS / "naver").is_dir():
        print(f"## bench_longrun\n\nskipped: no corpus at {CORPUS} (set NEWSNOTE_CORPUS)")
        return
    if shutil.which("openssl") is None:
        print("## bench_longrun\n\nskipped: no `openssl` command to make the proxy's certificate")
        return
    try:
        import psutil  # noqa: F401
    except ImportError:
        print("## bench_longrun\n\nskipped: psutil is not installed (pip install -e .[bench])")
        return
    lines = ["## bench_longrun: memory and store size over a long batch", ""]
    with contextlib.ExitStack() as stack:
        tmp = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        tmp.mkdir(parents=True, exist_ok=True)
        proxy, cert = stack.enter_context(serving(tmp))
        if n:
            result = run_batch_process(n, proxy, cert, tmp)
            lines += rss_section(result)
            lines += store_section(result.db, result.bytes_served / n)
            lines += ["", f"Tally: {result.tally}"]
            if args.keep:
                (tmp / f"rss_{n}.json").write_text(json.dumps(result.samples))
        if args.trace:
            lines += run_trace(args.trace, proxy, cert, tmp, args.frames)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
