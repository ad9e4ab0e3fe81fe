"""Per-page parse time on the corpus article pages: newsnote's parsers vs trafilatura.extract.

Both get the same decoded text in the same run; each figure is the median of REPEATS runs.
Run: .venv/bin/python bench/bench_parse.py [--repeats N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from scrapers.errors import NotAnArticle
from scrapers.files import page_from_file
from scrapers.model import Page
from scrapers.parse import parse_page

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
PATTERNS = (
    "naver/article_*.html",
    "chosun/legacy2016_article*.html",
    "other/*article_[0-9]*.html",
    "other/arc_fusion_*.html",
)
RELATIVE_URL_BASE = "https://www.infobae.com"  # the one corpus page whose og:url is relative


def median_ms(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def provenance_urls(corpus: Path) -> dict[str, str]:
    with (corpus / "PROVENANCE.tsv").open(encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t")
        urls = {row["file"]: row["url"] for row in rows if row["url"]}
    return {k: (RELATIVE_URL_BASE + v if v.startswith("/") else v) for k, v in urls.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    import trafilatura

    warnings.simplefilter("ignore")
    urls = provenance_urls(args.corpus)
    found = {p for pattern in PATTERNS for p in args.corpus.glob(pattern)}
    paths = sorted(p for p in found if "_list" not in p.name)
    rows: list[tuple[str, str, float, float]] = []
    for path in paths:
        name = str(path.relative_to(args.corpus))
        page: Page = page_from_file(path, urls.get(name))
        try:
            site = parse_page(page).site
        except NotAnArticle:
            site = "(no text)"

        def ours(page: Page = page) -> None:
            with contextlib.suppress(NotAnArticle):
                parse_page(page)

        def theirs(page: Page = page) -> None:
            trafilatura.extract(page.text, url=page.final_url, with_metadata=True)

        ours()  # warm-up (imports, regex compilation)
        theirs()
        rows.append((name, site, median_ms(ours, args.repeats), median_ms(theirs, args.repeats)))

    print(f"Median of {args.repeats} runs per page (ms); ratio = trafilatura / newsnote.\n")
    print("| page | parser | newsnote ms | trafilatura ms | ratio |")
    print("|---|---|---:|---:|---:|")
    for name, site, mine, other in rows:
        print(f"| {name} | {site} | {mine:.1f} | {other:.1f} | {other / mine:.1f}× |")
    print()
    print("| group | pages | newsnote median ms | trafilatura median ms | ratio of medians |")
    print("|---|---:|---:|---:|---:|")
    groups = {
        "naver": [r for r in rows if r[1] == "naver"],
        "chosun 2016": [r for r in rows if r[0].startswith("chosun/")],
        "generic (densest prose / Arc JSON / trafilatura)": [r for r in rows if r[1] == "generic"],
        "all": rows,
    }
    for label, group in groups.items():
        if not group:
            continue
        mine = statistics.median(r[2] for r in group)
        other = statistics.median(r[3] for r in group)
        print(f"| {label} | {len(group)} | {mine:.1f} | {other:.1f} | {other / mine:.1f}× |")


if __name__ == "__main__":
    main()
