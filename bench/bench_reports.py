"""Time every built-in report on a synthetic SQLite store of 100,000 articles.

    .venv/bin/python bench/bench_reports.py [--articles N] [--db PATH_OR_URL] [--repeat R]

Builds the store once (Core executemany inserts, not save_article one by one) and reuses
it when --db already holds one of the same size. --db may be a PostgreSQL URL of an empty
database, for comparison. Prints a Markdown table of median times
with the default limit; the goal is every report under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select

from storage import db as storage_db
from storage import models as m
from storage.reports import ReportFilters, run_report

GOAL_SECONDS = 1.0
DAYS = 365  # articles spread over one year
PRESSES = 40
VOCABULARY = 3000  # keyword terms, drawn with a Zipf-like skew
KEYWORDS_PER_ARTICLE = 8
SENTENCES_PER_ARTICLE = 3
FIGURES_PER_ARTICLE = 3
RUNS = 200
ITEMS_PER_RUN = 500
BATCH = 20_000
START = datetime(2024, 1, 1, tzinfo=UTC)
FIGURE_KINDS = (("money", "KRW"), ("money", "USD"), ("percent", "%"), ("count", "명"))


def _flush(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)
        rows.clear()


def build(url: str, n_articles: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    storage_db.upgrade(url)
    engine = storage_db.make_engine(url)
    terms = [f"용어{i:04d}" for i in range(VOCABULARY)]
    weights = [1 / (i + 1) for i in range(VOCABULARY)]
    with engine.begin() as conn:
        conn.execute(
            insert(m.Press), [{"id": p + 1, "name": f"언론사{p:02d}"} for p in range(PRESSES)]
        )
        buffers: dict[Any, list[dict[str, Any]]] = {
            t: []
            for t in (
                m.Article,
                m.ArticleBlock,
                m.Sentence,
                m.Keyword,
                m.Figure,
                m.Quote,
                m.Highlight,
            )
        }
        sentence_id = figure_id = 0
        for a in range(1, n_articles + 1):
            published = START + timedelta(seconds=rnd.randrange(DAYS * 86400))
            body = "본문 문장입니다. 수치가 나옵니다. 누군가 말했습니다."
            buffers[m.Article].append(
                {
                    "id": a,
                    "url": f"https://news.example.com/{a}",
                    "site": "naver",
                    "press_id": rnd.randrange(PRESSES) + 1,
                    "title": f"합성 기사 {a}",
                    "section": "경제",
                    "published_at": published,
                    "body_text": body,
                    "parser": "bench",
                    "parser_version": "1",
                    "analysis_version": "1",
                    "content_hash": f"{a:064x}",
                    "origin": "ingest",
                    "revision": 1,
                    "first_seen_at": published,
                    "stored_at": published,
                }
            )
            buffers[m.ArticleBlock].append(
                {"id": a, "article_id": a, "position": 0, "kind": "paragraph", "text": body}
            )
            chosen: set[str] = set()
            while len(chosen) < KEYWORDS_PER_ARTICLE:
                chosen.add(rnd.choices(terms, weights)[0])
            for rank, term in enumerate(sorted(chosen), start=1):
                buffers[m.Keyword].append(
                    {"article_id": a, "term": term, "score": 1 / rank, "rank": rank}
                )
            first_sentence = sentence_id + 1
            for pos in range(SENTENCES_PER_ARTICLE):
                sentence_id += 1
                buffers[m.Sentence].append(
                    {
                        "id": sentence_id,
                        "article_id": a,
                        "block_id": a,
                        "position": pos,
                        "start": 0,
                        "end": 10,
                        "text": f"{sorted(chosen)[pos]} 관련 문장 {pos}: 매출 {a}억원",
                    }
                )
            for pos in range(FIGURES_PER_ARTICLE):
                figure_id += 1
                kind, unit = rnd.choice(FIGURE_KINDS)
                value = rnd.randrange(1, 10_000)
                buffers[m.Figure].append(
                    {
                        "id": figure_id,
                        "article_id": a,
                        "sentence_id": first_sentence + 1,
                        "position": pos,
                        "text": f"{value}{unit}",
                        "start": 0,
                        "end": 5,
                        "kind": kind,
                        "value": float(value),
                        "value_text": str(value),
                        "unit": unit,
                        "approx": False,
                    }
                )
            buffers[m.Quote].append(
                {
                    "article_id": a,
                    "sentence_id": first_sentence + 2,
                    "speaker": f"화자{rnd.randrange(500)}",
                    "text": "말했습니다",
                }
            )
            for rank in (1, 2):
                buffers[m.Highlight].append(
                    {
                        "article_id": a,
                        "sentence_id": first_sentence + rank - 1,
                        "source": "summary",
                        "rank": rank,
                        "text": "요약 문장",
                    }
                )
            if a % BATCH == 0 or a == n_articles:
                for table, rows in buffers.items():
                    _flush(conn, table, rows)
        items: list[dict[str, Any]] = []
        for r in range(1, RUNS + 1):
            started = START + timedelta(hours=r * 12)
            conn.execute(
                insert(m.Run).values(
                    id=r,
                    kind="batch",
                    status="done",
                    args={},
                    started_at=started,
                    finished_at=started + timedelta(minutes=5),
                )
            )
            for i in range(ITEMS_PER_RUN):
                status = rnd.choice(("new", "unchanged", "not_modified", "failed"))
                items.append({"run_id": r, "url": f"https://e.com/{r}/{i}", "status": status})
            if len(items) >= BATCH:
                _flush(conn, m.RunItem, items)
        _flush(conn, m.RunItem, items)
    engine.dispose()


def article_count(url: str) -> int:
    engine = storage_db.make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(m.Article)).scalar_one())
    finally:
        engine.dispose()


CASES: list[tuple[str, str, ReportFilters]] = [
    ("articles", "articles", ReportFilters()),
    ("articles --press --keyword", "articles", ReportFilters(press="언론사03", keyword="용어0005")),
    ("keywords (7 days)", "keywords", ReportFilters()),
    ("keywords --since (90 days)", "keywords", ReportFilters(since=date(2024, 10, 2))),
    ("keywords --keyword", "keywords", ReportFilters(keyword="용어0000")),
    ("keyword-trend common", "keyword-trend", ReportFilters(term="용어0000")),
    (
        "keyword-trend rare, 1 year",
        "keyword-trend",
        ReportFilters(term="용어2999", since=date(2024, 1, 1)),
    ),
    ("figures", "figures", ReportFilters()),
    ("figures --kind --unit", "figures", ReportFilters(kind="money", unit="USD")),
    ("figures --keyword rare", "figures", ReportFilters(keyword="용어2999")),
    ("quotes", "quotes", ReportFilters()),
    ("quotes --keyword speaker", "quotes", ReportFilters(keyword="화자7")),
    ("press", "press", ReportFilters()),
    ("runs", "runs", ReportFilters()),
    ("figure-diff", "figure-diff", ReportFilters()),
]


def time_case(url: str, name: str, filters: ReportFilters, repeat: int) -> tuple[float, int]:
    times = []
    count = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run_report(url, name, filters)
        count = sum(1 for _ in result.rows)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="SQLite file or database URL to build or reuse")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    target = args.db or str(Path(tempfile.gettempdir()) / f"newsnote_bench_{args.articles}.db")
    url = target if "://" in target else f"sqlite:///{target}"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    storage_db.upgrade(url)
    if article_count(url) != args.articles:
        if backend == "SQLite":
            Path(target).unlink(missing_ok=True)
        elif article_count(url):
            raise SystemExit(f"{url} holds another store: give an empty database")
        t0 = time.perf_counter()
        build(url, args.articles)
        print(f"built {args.articles:,} articles in {time.perf_counter() - t0:.1f} s: {target}\n")
    print(
        f"| report ({args.articles:,} articles, {backend}) | rows | median s | < {GOAL_SECONDS} s |"
    )
    print("|---|---:|---:|:-:|")
    for label, name, filters in CASES:
        try:
            seconds, rows = time_case(url, name, filters, args.repeat)
        except Exception as exc:  # a report that cannot run is a row in the table, not a crash
            print(f"| {label} | – | – | {type(exc).__name__}: {exc} |")
            continue
        ok = "yes" if seconds < GOAL_SECONDS else "**no**"
        print(f"| {label} | {rows} | {seconds:.3f} | {ok} |")


if __name__ == "__main__":
    main()
