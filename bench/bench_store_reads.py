"""What every ingest's analysis reads from the store, as the store grows.

    .venv/bin/python bench/bench_store_reads.py [--sizes 1000 10000 100000] [--terms 300]

For each size, a fresh SQLite store (migrated to head) gets that many articles with 10
keywords each, drawn from 50,000 terms with a Zipf-like spread (a few terms in many
articles, most in few; inserted with executemany, so the triggers on `keywords` keep
`keyword_terms` as a save would). Then `storage.corpus.keyword_doc_freq` asks for a
candidate list of the same spread, excluding one stored article, as an ingest does; beside
it, the same numbers counted from `keywords` rows (the query before `keyword_terms`), which
must agree. Likewise `count_articles` (the article count for IDF, less the one being
analysed) beside the query before it, `url != ?`. Prints a Markdown table of median
milliseconds per query.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, insert, text

from storage import db as storage_db
from storage import models as m
from storage.corpus import count_articles, keyword_doc_freq

VOCABULARY = 50_000
KEYWORDS = 10
REPEAT = 20
COUNT_BEFORE = "SELECT count(*) FROM articles WHERE url != ?"
COUNTED = (
    "SELECT term, count(DISTINCT article_id) FROM keywords WHERE term IN ({marks})"
    " AND article_id != coalesce((SELECT id FROM articles WHERE url = ?), -1) GROUP BY term"
)


def url_of(i: int) -> str:
    return f"https://example.com/news/{i}"


def fill(conn: Connection, n: int, draw: np.random.Generator, p: np.ndarray) -> None:
    now = datetime.now(UTC)
    conn.execute(
        insert(m.Article),
        [
            {
                "url": url_of(i),
                "site": "generic",
                "title": f"기사 {i}",
                "body_text": "",
                "parser": "generic",
                "parser_version": "0",
                "analysis_version": "0",
                "content_hash": str(i),
                "first_seen_at": now,
                "stored_at": now,
            }
            for i in range(n)
        ],
    )
    ids = dict(conn.execute(text("SELECT url, id FROM articles")).all())
    conn.execute(
        insert(m.Keyword),
        [
            {"article_id": ids[url_of(i)], "term": f"낱말{t}", "score": 1.0, "rank": r}
            for i in range(n)
            for r, t in enumerate(dict.fromkeys(draw.choice(VOCABULARY, KEYWORDS, p=p)), 1)
        ],
    )


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def one_size(
    folder: str, n: int, n_terms: int, draw: np.random.Generator, p: np.ndarray
) -> tuple[float, float, float, float]:
    """Milliseconds for a store of `n` articles: document frequencies now and before, the
    article count now and before."""
    url = f"sqlite:///{Path(folder) / f'df{n}.db'}"
    storage_db.upgrade(url)
    engine = storage_db.make_engine(url)
    with engine.begin() as conn:
        fill(conn, n, draw, p)
    terms = sorted({f"낱말{t}" for t in draw.choice(VOCABULARY, n_terms, p=p)})
    excluded = url_of(n // 2)
    sql = COUNTED.format(marks=", ".join("?" * len(terms)))
    with engine.connect() as conn:
        kept = keyword_doc_freq(conn, terms, exclude_url=excluded)
        counted = dict(conn.exec_driver_sql(sql, (*terms, excluded)).all())
        assert kept == counted, "keyword_terms disagrees with the keyword rows"
        new = median_ms(lambda: keyword_doc_freq(conn, terms, exclude_url=excluded))
        old = median_ms(lambda: conn.exec_driver_sql(sql, (*terms, excluded)).all())
        assert count_articles(conn, exclude_url=excluded) == n - 1
        count = median_ms(lambda: count_articles(conn, exclude_url=excluded))
        count_old = median_ms(lambda: conn.exec_driver_sql(COUNT_BEFORE, (excluded,)).all())
    engine.dispose()
    return new, old, count, count_old


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--terms", type=int, default=300)
    args = ap.parse_args()
    draw = np.random.default_rng(1)
    p = 1 / np.arange(1, VOCABULARY + 1)
    p /= p.sum()
    print(
        "| articles | doc freq: keyword_terms | before: counting keywords rows "
        "| count_articles | before: url != ? |"
    )
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            times = one_size(tmp, n, args.terms, draw, p)
            print(f"| {n:,} | " + " | ".join(f"{t:.2f}" for t in times) + " |")


if __name__ == "__main__":
    main()
