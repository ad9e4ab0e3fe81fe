"""Ingest throughput against kiwipiepy alone, over the corpus article pages.

    .venv/bin/python bench/bench_ingest.py [--articles N] [--corpus DIR]

Every article page of the corpus (PROVENANCE.tsv, kind "article", that parses) is repeated,
each copy under its own URL, to at least N articles (default 200). In one run:

- kiwi: kiwipiepy tokenising each article's blocks (one batched call per article, no
  sentence splitting): the floor, since tokenising is the costly step;
- analyse: `pipeline.analysis.analyze` alone (no database);
- ingest: parse + analyse + save into a fresh SQLite file (`pipeline.ingest.store_article`,
  with the store reads for document frequencies and glossary terms).

Kiwi is loaded and warmed up before any timing. The goal is ingest / kiwi >= 0.6 (articles
per second). Peak RSS is the whole process's (the Kiwi model alone is ~530 MB).
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from pipeline.analysis import analyze
from pipeline.analysis.kiwi import get_kiwi, tokenize_many
from pipeline.ingest import store_article, store_pages
from pipeline.settings import Settings
from scrapers.errors import ScraperError
from scrapers.files import page_from_file
from scrapers.model import Article, Page
from scrapers.parse import parse_page
from storage import db as storage_db

GOAL_RATIO = 0.6
DEFAULT_ARTICLES = 200
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()

    pages = corpus_pages(args.corpus)
    if not pages:
        raise SystemExit(f"no article pages in {args.corpus}")
    copies = -(-args.articles // len(pages))
    work = [(i, page) for i in range(copies) for page in pages]
    articles = [parse_page(p) for _, p in work]
    chars = sum(len(a.body_text) for a in articles)

    get_kiwi()
    analyze(articles[0])  # warm up every path before timing

    # The three measures are taken article by article, in turn, so that the load of a shared
    # machine weighs on them alike.
    kiwi_s = kiwi_cpu = analyse_s = parse_s = ingest_s = 0.0
    by_site: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = storage_db.make_engine(url)
        storage_db.ensure_schema(url, engine)
        settings = Settings(database_url=url)
        for (i, page), parsed in zip(work, articles, strict=True):
            started, cpu_started = time.perf_counter(), time.process_time()
            tokenize_many(body_texts(parsed))
            kiwi_s += time.perf_counter() - started
            kiwi_cpu += time.process_time() - cpu_started

            started = time.perf_counter()
            analyze(parsed)
            analyse_s += time.perf_counter() - started

            copy = replace(page, url=f"{page.url}#copy{i}")
            started = time.perf_counter()
            article = parse_page(copy)
            took = time.perf_counter() - started
            parse_s += took
            by_site[article.site].append(took)
            article = replace(article, url=f"{article.url}#copy{i}")
            result = store_article(engine, article, settings, page=copy)
            ingest_s += time.perf_counter() - started
            assert result.save.status == "new", result.save
        engine.dispose()

        # The same work through `store_pages`, which overlaps parse and save with analysis
        # (as `newsnote ingest` does for several targets), into a second fresh store.
        url = f"sqlite:///{Path(tmp) / 'pipelined.db'}"
        engine = storage_db.make_engine(url)
        storage_db.ensure_schema(url, engine)
        settings = Settings(database_url=url)
        copies_in = ((i, replace(page, url=f"{page.url}#p{i}")) for i, page in work)
        started, cpu_started = time.perf_counter(), time.process_time()
        for _, outcome in store_pages(engine, copies_in, settings):
            assert not isinstance(outcome, Exception), outcome
        pipelined_s = time.perf_counter() - started
        pipelined_cpu = time.process_time() - cpu_started
        engine.dispose()

    n = len(articles)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = kiwi_s / min(ingest_s, pipelined_s)
    print(f"{n} articles ({len(pages)} corpus pages x {copies}), {chars / n:.0f} body chars each\n")
    print("| step | seconds | articles/s | vs kiwi |")
    print("|---|---:|---:|---:|")
    print(f"| kiwi tokenise only | {kiwi_s:.2f} | {n / kiwi_s:.1f} | 1.00 |")
    print(
        f"| analyse (no store) | {analyse_s:.2f} | {n / analyse_s:.1f} | {kiwi_s / analyse_s:.2f} |"
    )
    print(f"| ingest (parse+analyse+save) | {ingest_s:.2f} | {n / ingest_s:.1f} | {ratio:.2f} |")
    print(
        f"| ingest, pipelined (`store_pages`) | {pipelined_s:.2f} | {n / pipelined_s:.1f} "
        f"| {kiwi_s / pipelined_s:.2f} |"
    )
    print(f"| of which parse | {parse_s:.2f} | | |")
    rest = ingest_s - parse_s - analyse_s
    print(f"| of which store reads + save (est.) | {rest:.2f} | | |")
    sites = ", ".join(
        f"{site} {1000 * sum(t) / len(t):.0f} ms x {len(t)}" for site, t in sorted(by_site.items())
    )
    print(f"\nparse per article by parser: {sites}")
    print(
        f"pipelined run: {1000 * pipelined_cpu / n:.0f} ms CPU per article on "
        f"{pipelined_cpu / pipelined_s:.2f} cores (kiwipiepy alone: {1000 * kiwi_cpu / n:.0f} ms "
        f"CPU per article on {kiwi_cpu / kiwi_s:.2f} cores)"
    )
    print(
        f"peak RSS: {peak_mb:.0f} MB; goal ingest/kiwi >= {GOAL_RATIO}: "
        f"{'met' if ratio >= GOAL_RATIO else 'NOT met'} ({ratio:.2f})"
    )


if __name__ == "__main__":
    main()
