"""The save alone: `storage.save.save_article` of pre-analysed corpus articles (with their
raw pages) into a fresh SQLite file; CPU and wall ms per article.

    .venv/bin/python bench/bench_save.py                        # both steps, a temporary file
    .venv/bin/python bench/bench_save.py prepare ARTICLES.pkl   # parse + analyse once
    .venv/bin/python bench/bench_save.py time ARTICLES.pkl [--rounds R]

`prepare` writes the corpus article pages (PROVENANCE.tsv, kind "article"), each 8 times
under its own URL, with their analyses; `time` saves them R times (default 3), each round
into a new store, and prints the median. To compare two versions of the save, run `time`
with the same file in a checkout of each, alternating (`PYTHONPATH=<checkout>`), so both
meet the machine in the same state; the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench_ingest import CORPUS, corpus_pages

COPIES = 8


def prepare(out: Path, corpus: Path) -> None:
    from pipeline.analysis import analyze
    from scrapers.parse import parse_page

    items = []
    for copy in range(COPIES):
        for page in corpus_pages(corpus):
            article = parse_page(page)
            article = replace(article, url=f"{article.url}#c{copy}")
            items.append((article, analyze(article), replace(page, url=f"{page.url}#c{copy}")))
    out.write_bytes(pickle.dumps(items))


def timed(path: Path, rounds: int) -> None:
    from storage import db
    from storage.save import save_article

    items = pickle.loads(path.read_bytes())
    cpu: list[float] = []
    wall: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            url = f"sqlite:///{tmp}/save{r}.db"
            engine = db.make_engine(url)
            db.ensure_schema(url, engine)
            cpu_started, started = time.process_time(), time.perf_counter()
            for article, analysis, page in items:
                save_article(engine, article, analysis, page=page)
            cpu.append((time.process_time() - cpu_started) * 1000 / len(items))
            wall.append((time.perf_counter() - started) * 1000 / len(items))
            engine.dispose()
    print(
        f"{len(items)} articles: save CPU {statistics.median(cpu):.2f} ms/article "
        f"(rounds {', '.join(f'{x:.2f}' for x in cpu)}), wall {statistics.median(wall):.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", nargs="?", choices=("prepare", "time", "both"), default="both")
    ap.add_argument("file", type=Path, nargs="?")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        file = args.file or Path(tmp) / "articles.pkl"
        if args.step in ("prepare", "both"):
            prepare(file, args.corpus)
        if args.step in ("time", "both"):
            timed(file, args.rounds)


if __name__ == "__main__":
    main()
