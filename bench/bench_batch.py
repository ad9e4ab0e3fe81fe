"""`newsnote batch` wall time against the politeness bound, and peak memory as it grows.

A loopback server (tests/loopback.py) plays H hosts on 127.0.0.2…; N article URLs are
spread evenly over them. Each size runs in a fresh child process with a fresh SQLite store,
so its peak RSS is its own. The politeness bound is what no polite client can beat: the
busiest host's request count × the per-host interval (one request at a time per host).

Modes: `fetch` keeps each page's raw bytes (what `reparse` needs) and records the outcome;
`store` also saves a small hand-made article per page through `storage.save` (no parser,
no kiwipiepy: that cost is measured elsewhere).

    .venv/bin/python bench/bench_batch.py [--sizes 1000,5000] [--hosts 5] [--interval 0.1]
        [--mode fetch|store]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PAGE = "<html><head><title>기사 {n}</title></head><body>{body}</body></html>"
BODY = "<p>" + "한국은행이 기준금리를 동결했다. " * 60 + "</p>"  # about 3 KB, like a short article


def child(args: argparse.Namespace) -> None:
    """Run one batch over the URLs in args.urls_file; print a JSON line with the figures."""

    from pipeline.batch import BatchOptions, run_batch
    from pipeline.model import Analysis
    from pipeline.settings import Settings
    from scrapers.fetch import FetchConfig
    from scrapers.model import Page
    from storage import db
    from storage.save import save_article, save_raw_page
    from tests import factories

    urls = Path(args.urls_file).read_text().split()
    url = f"sqlite:///{args.db}"
    db.upgrade(url)
    engine = db.make_engine(url)
    empty = Analysis(sentences=(), version="bench")

    def keep_raw(engine_: object, page: Page) -> tuple[str, int | None]:
        save_raw_page(engine, page)
        return "new", None

    def store(engine_: object, page: Page) -> tuple[str, int | None]:
        article = factories.article(url=page.final_url, title=f"기사 {page.final_url}")
        result = save_article(engine, article, empty, page=page)
        return result.status, result.article_id

    config = FetchConfig(per_host_interval=args.interval, trust_env=False, obey_robots=True)
    started = time.monotonic()
    report = run_batch(
        engine,
        Settings(database_url=url),
        BatchOptions(urls=urls),
        store=keep_raw if args.mode == "fetch" else store,
        fetch_config=config,
    )
    wall = time.monotonic() - started
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "rss_mib": rss_kib / 1024, "tally": report.by_status}))


def parent(args: argparse.Namespace) -> None:
    from tests.loopback import LoopbackServer, html

    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with LoopbackServer(hosts=args.hosts) as server, tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            urls = []
            for i in range(size):
                host = i % args.hosts
                path = f"/{size}/news/{i:08d}"
                urls.append(server.route(host, path, html(PAGE.format(n=i, body=BODY))))
            per_host = max(
                sum(1 for i in range(size) if i % args.hosts == h) for h in range(args.hosts)
            )
            bound = per_host * args.interval
            urls_file = Path(tmp) / f"urls_{size}.txt"
            urls_file.write_text("\n".join(urls))
            out = subprocess.run(
                [
                    sys.executable, __file__, "--child", "--urls-file", str(urls_file),
                    "--db", str(Path(tmp) / f"store_{size}.db"), "--interval", str(args.interval),
                    "--mode", args.mode,
                ],
                capture_output=True, text=True, check=True, cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )  # fmt: skip
            result = json.loads(out.stdout.strip().splitlines()[-1])
            peak = max(server.max_in_flight(h) for h in range(args.hosts))
            rows.append((size, per_host, bound, result, peak))

    print(f"mode `{args.mode}`, {args.hosts} hosts, per-host interval {args.interval} s, "
          "1 request in flight per host\n")  # fmt: skip
    print("| URLs | busiest host | politeness bound (s) | wall (s) | wall / bound "
          "| peak in flight per host | peak RSS (MiB) | outcomes |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for size, per_host, bound, r, peak in rows:
        tally = ", ".join(f"{k} {v}" for k, v in sorted(r["tally"].items()))
        print(
            f"| {size} | {per_host} | {bound:.1f} | {r['wall']:.1f} | {r['wall'] / bound:.2f} "
            f"| {peak} | {r['rss_mib']:.0f} | {tally} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--hosts", type=int, default=5)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--mode", choices=("fetch", "store"), default="fetch")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--urls-file", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
