"""Throughput of the distributed queue with 1, 2 and 4 `newsnote worker` processes.

Each run gets a fresh PostgreSQL database; the workers start on an empty queue, then N
article URLs over several Naver host names are queued and timed until every job is done.
Pages come from the loopback proxy of tests/pipeline/test_queue_loopback.py (a fixed
latency per response). The politeness bound is the busiest host's requests × (latency +
interval) / per-host limit: no cluster can beat it.

    NEWSNOTE_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_workers.py [--urls 300] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.pipeline.test_queue_loopback import NAVER_HOSTS, article_urls, naver_proxy  # noqa: E402

TIMEOUT_SECONDS = 900.0


def newsnote(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.app", *args],
        capture_output=True, text=True, cwd=REPO, input=stdin, timeout=300, check=True,
    )  # fmt: skip
    return done.stdout


def scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def run_once(admin: str, n_workers: int, args: argparse.Namespace) -> dict[str, float]:
    name = f"nn_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = make_url(admin).set(database=name).render_as_string(hide_password=False)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        newsnote("db", "upgrade", "--db", db)
        with naver_proxy(delay=args.latency) as proxy:
            for _ in range(n_workers):
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "pipeline.cli.app",
                            "worker",
                            "--db",
                            db,
                            "--concurrency",
                            str(args.concurrency),
                            "--per-host",
                            str(args.per_host),
                            "--interval",
                            str(args.interval),
                            "--proxy",
                            proxy.url,
                        ],
                        cwd=REPO,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        env={**os.environ, "NO_PROXY": ""},
                    )
                )
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while scalar(db, "SELECT count(*) FROM procrastinate_workers") < n_workers:
                if time.monotonic() > deadline:
                    raise SystemExit("workers did not start")
                time.sleep(0.2)
            urls = article_urls(args.urls, NAVER_HOSTS[: args.hosts])
            started = time.monotonic()
            newsnote("enqueue", "--urls", "-", "--db", db, stdin="\n".join(urls))
            pending = (
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                "'newsnote.ingest_url' AND status IN ('todo', 'doing')"
            )
            while scalar(db, pending) > 0:
                if time.monotonic() > deadline:
                    raise SystemExit("queue did not drain")
                time.sleep(0.1)
            wall = time.monotonic() - started
            stored = scalar(db, "SELECT count(*) FROM articles")
            busiest = max(sum(1 for u in urls if f"//{h}/" in u) for h in NAVER_HOSTS)
            return {
                "wall": wall,
                "stored": stored,
                "rate": stored / wall,
                "bound": busiest * (args.latency + args.interval) / args.per_host,
                "max_in_flight": max(proxy.max_in_flight.values()),
            }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=5, choices=range(1, len(NAVER_HOSTS) + 1))
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    args = parser.parse_args()
    admin_url = os.environ.get("NEWSNOTE_TEST_PG_URL")
    if not admin_url:
        raise SystemExit("set NEWSNOTE_TEST_PG_URL to a PostgreSQL URL allowed to create databases")
    admin = make_url(admin_url).set(drivername="postgresql+psycopg")
    admin_str = admin.render_as_string(hide_password=False)

    print(
        f"{args.urls} URLs over {args.hosts} hosts; per worker concurrency {args.concurrency}; "
        f"per host {args.per_host} in flight, interval {args.interval} s; "
        f"latency {args.latency} s; {os.cpu_count()} CPUs\n"
    )
    print("| workers | wall (s) | articles stored | articles/s | politeness bound (s) "
          "| max in flight per host |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.workers.split(",")):
        r = run_once(admin_str, n, args)
        print(
            f"| {n} | {r['wall']:.1f} | {r['stored']:.0f} | {r['rate']:.1f} | "
            f"{r['bound']:.1f} | {r['max_in_flight']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
