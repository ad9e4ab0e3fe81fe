"""Ingest throughput against kiwipiepy alone, over the corpus article pages.

    .venv/bin/python bench/bench_ingest.py [--articles N] [--rounds R] [--corpus DIR]

Every article page of the corpus (PROVENANCE.tsv, kind "article", that parses) is repeated,
each copy under its own URL, to at least N articles (default 200). R rounds (default 3),
each measuring in turn:

- kiwi: kiwipiepy tokenising each article's blocks (one batched call per article, no
  sentence splitting) with its default settings (a worker thread per core), in a process of
  its own that holds nothing else: the floor, since tokenising is the costly step;
- ingest: `pipeline.ingest.ingest_pages` (what `newsnote ingest` runs for several targets):
  parse + analyse + save into a fresh SQLite file, with the store reads for document
  frequencies and glossary terms;
- sequential ingest: the same, one article after another (`ingest_page`), as a batch
  run does behind polite fetching;
- analyse: `pipeline.analysis.analyze` alone (no database).

Each round measures kiwi and then the ingest paths back to back, so a path's ratio to kiwi
is taken within its round (this machine's speed drifts by tens of percent over seconds) and
the table gives the median over rounds, with the lowest and highest round; seconds and CPU
are medians too. The goal is ingest / kiwi >= 0.6 (articles per second). Kiwi is loaded and
warmed up before any timing. Peak RSS is this process's (the
ingest's), not the kiwi process's (the Kiwi model alone is ~530 MB).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine

import pipeline.ingest
from pipeline.analysis import analyze
from pipeline.analysis.kiwi import get_kiwi, kiwi_threads
from pipeline.ingest import ingest_page, ingest_pages
from pipeline.settings import Settings
from scrapers.errors import ScraperError
from scrapers.files import page_from_file
from scrapers.model import Article, Page
from scrapers.parse import parse_page
from storage import db as storage_db

PARSE_PAGE = parse_page

GOAL_RATIO = 0.6
DEFAULT_ARTICLES = 200
DEFAULT_ROUNDS = 5
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus_pages(corpus: Path) -> list[Page]:
    pages: list[Page] = []
    with (corpus / "PROVENANCE.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["kind"] != "article":
                continue
            try:
                page = page_from_file(corpus / row["file"], row["url"] or None)
                parse_page(page)
            except ScraperError:
                continue  # trap pages, card news without text
            pages.append(page)
    return pages


def body_texts(article: Article) -> list[str]:
    return [b.text for b in article.blocks if b.text.strip()]


def parse_copy(page: Page) -> Article:
    """`parse_page`, keeping the copy's mark (the URL fragment) in the canonical URL, so that
    every copy is stored as an article of its own (canonical URLs drop fragments)."""
    article = PARSE_PAGE(page)
    return replace(article, url=f"{article.url}#{urlsplit(page.url).fragment}")


def kiwi_alone(conn: Connection, bodies: list[list[str]]) -> None:
    """The baseline process: a default Kiwi tokenising `bodies` each time it is asked."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    kiwi.tokenize("")
    for texts in bodies[:5]:
        list(kiwi.tokenize(texts))
    conn.send(kiwi.num_workers)
    while conn.recv():
        started, cpu_started = time.perf_counter(), time.process_time()
        for texts in bodies:
            list(kiwi.tokenize(texts))
        conn.send((time.perf_counter() - started, time.process_time() - cpu_started))


def timed(run: Callable[[], object]) -> tuple[float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    ap.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()

    pages = corpus_pages(args.corpus)
    if not pages:
        raise SystemExit(f"no article pages in {args.corpus}")
    copies = -(-args.articles // len(pages))
    work = [(i, page) for i in range(copies) for page in pages]
    articles = [parse_page(p) for _, p in work]
    n = len(articles)
    chars = sum(len(a.body_text) for a in articles)

    here, there = multiprocessing.Pipe()
    baseline = multiprocessing.get_context("spawn").Process(
        target=kiwi_alone, args=(there, [body_texts(a) for a in articles]), daemon=True
    )
    baseline.start()
    kiwi_workers = here.recv()

    get_kiwi()
    analyze(articles[0])  # warm up every path before timing

    tmp = tempfile.TemporaryDirectory()
    stores = iter(range(1_000_000))

    def fresh_store() -> tuple[Engine, Settings]:
        url = f"sqlite:///{Path(tmp.name) / f'bench{next(stores)}.db'}"
        engine = storage_db.make_engine(url)
        storage_db.ensure_schema(url, engine)
        return engine, Settings(database_url=url)

    # every copy keeps its own URL: the ingest path parses with this instead
    pipeline.ingest.parse_page = parse_copy

    def pipelined() -> None:
        engine, settings = fresh_store()
        copies_in = ((i, replace(page, url=f"{page.url}#p{i}")) for i, page in work)
        for _, outcome in ingest_pages(engine, copies_in, settings, skip_unchanged=False):
            assert not isinstance(outcome, Exception), outcome
            assert outcome.save.status == "new", outcome.save
        engine.dispose()

    def sequential() -> None:
        engine, settings = fresh_store()
        for i, page in work:
            copy = replace(page, url=f"{page.url}#s{i}")
            result = ingest_page(engine, copy, settings)
            assert result.save.status == "new", result.save
        engine.dispose()

    def analyse_only() -> None:
        for article in articles:
            analyze(article)

    kiwi_t: list[tuple[float, float]] = []
    ingest_t: list[tuple[float, float]] = []
    sequential_t: list[tuple[float, float]] = []
    analyse_t: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        here.send(True)
        kiwi_t.append(here.recv())
        ingest_t.append(timed(pipelined))
        sequential_t.append(timed(sequential))
        analyse_t.append(timed(analyse_only))
    here.send(False)
    baseline.join()
    tmp.cleanup()

    def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(s for s, _ in runs), statistics.median(c for _, c in runs)

    def ratios(runs: list[tuple[float, float]]) -> list[float]:
        return [k / s for (k, _), (s, _) in zip(kiwi_t, runs, strict=True)]

    rows = [
        ("kiwi tokenise only", kiwi_t),
        ("ingest (`ingest_pages`)", ingest_t),
        ("ingest, one by one (`ingest_page`)", sequential_t),
        ("analyse only (no store)", analyse_t),
    ]
    print(
        f"{n} articles ({len(pages)} corpus pages x {copies}), {chars / n:.0f} body chars each; "
        f"median of {args.rounds} rounds\n"
    )
    print("| step | seconds | articles/s | vs kiwi (range) | CPU ms/article | cores busy |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in rows:
        seconds, cpu = median(runs)
        r = ratios(runs)
        print(
            f"| {name} | {seconds:.2f} | {n / seconds:.1f} "
            f"| {statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f}) "
            f"| {1000 * cpu / n:.1f} | {cpu / seconds:.2f} |"
        )
    ratio = statistics.median(ratios(ingest_t))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nKiwi threads: baseline {kiwi_workers} (kiwipiepy's default), "
        f"ingest {kiwi_threads()} (newsnote: Kiwi threads at lower priority)"
    )
    print(
        f"peak RSS of the ingest process: {peak_mb:.0f} MB; goal ingest/kiwi >= {GOAL_RATIO}: "
        f"{'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.2f})"
    )


if __name__ == "__main__":
    main()
