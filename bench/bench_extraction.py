"""Body extraction on the corpus article pages: newsnote vs trafilatura vs newspaper4k.

    .venv/bin/python bench/bench_extraction.py [--quick] [--repeat R]

For every page with a hand-checked body in tests/data/expected_bodies/, each tool extracts
the body from the same decoded HTML (decoding is done once, outside the timing, for all):

- newsnote: `scrapers.parse.parse_page(page).body_text`
- trafilatura: `trafilatura.extract(html)`
- newspaper4k: `Article(url, fetch_images=False)`, `.download(input_html=html)`, `.parse()`

Time per page is the median of R runs after one warm-up run; agreement is bag-of-words
token F1 against the expected body (NFKC, whitespace tokens). Ratios are peer / newsnote
from the same run: a time ratio of 5.0 means the peer took 5x as long.
"""

from __future__ import annotations

import argparse
import importlib
import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXPECTED_DIR = REPO / "tests" / "data" / "expected_bodies"
NOT_INSTALLED = "not installed (pip install -e .[bench])"
REPEAT_FULL = 10
REPEAT_QUICK = 3

Extractor = Callable[[Any], str]  # takes a scrapers.model.Page
# Corpus folder -> group in the tables: newsnote has its own parser for the first two.
GROUPS = {"naver": "Naver", "chosun": "Chosun 2016", "other": "other sites (generic)"}
GROUP_OF: dict[str, str] = {}


def newsnote_extractor() -> Extractor | str:
    try:
        from scrapers.parse import parse_page
    except ImportError as exc:
        return f"newsnote parser missing ({exc.name})"
    return lambda page: parse_page(page).body_text


def trafilatura_extractor() -> Extractor | str:
    try:
        import trafilatura
    except ImportError:
        return NOT_INSTALLED
    return lambda page: trafilatura.extract(page.text) or ""


def newspaper_extractor() -> Extractor | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "nltk is not installed" on import
            from newspaper import Article
    except ImportError:
        return NOT_INSTALLED
    _korean_tokenizer_without_nltk()

    def extract(page: Any) -> str:
        article = Article(page.final_url, fetch_images=False)
        article.download(input_html=page.text)
        article.parse()
        return str(article.text)

    return extract


def _korean_tokenizer_without_nltk() -> None:
    """newspaper4k's Korean module calls nltk.word_tokenize, which needs nltk and its punkt
    data (a download). Without nltk, use newspaper4k's own word/punctuation splitter, which
    is what word_tokenize amounts to on Korean text (spaces and punctuation)."""
    try:
        import nltk  # noqa: F401
    except ImportError:
        ko = importlib.import_module("newspaper.languages.ko")
        text = importlib.import_module("newspaper.text")
        ko.tokenizer = text.default_tokenizer  # type: ignore[attr-defined]


TOOLS: tuple[tuple[str, Callable[[], Extractor | str]], ...] = (
    ("newsnote", newsnote_extractor),
    ("trafilatura", trafilatura_extractor),
    ("newspaper4k", newspaper_extractor),
)


def load_pages(corpus: Path) -> list[tuple[str, Any, str]]:
    """(stem, Page, expected body) for every expected body whose page is in the corpus.

    Fills GROUP_OF (stem -> group) from the corpus folder the page is in."""
    from scrapers.files import page_from_file

    pages = []
    for expected in sorted(EXPECTED_DIR.glob("*.txt")):
        found = sorted(corpus.glob(f"*/{expected.stem}.html"))
        if found:
            page = page_from_file(found[0])
            GROUP_OF[expected.stem] = GROUPS.get(found[0].parent.name, found[0].parent.name)
            pages.append((expected.stem, page, expected.read_text(encoding="utf-8")))
    return pages


def measure(extract: Extractor, page: Any, repeat: int) -> tuple[float, str]:
    """(median seconds over `repeat` runs after a warm-up, extracted text)."""
    text = extract(page)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract(page)
        times.append(time.perf_counter() - start)
    return statistics.median(times), text


# (figure, newsnote value, peer, peer value, ratio) for run_all.py's overview table.
Headline = list[tuple[str, str, str, str, str]]


def run(quick: bool = False, repeat: int | None = None) -> str:
    return outcome(quick, repeat)[0]


def outcome(quick: bool = False, repeat: int | None = None) -> tuple[str, Headline]:
    """The Markdown section and its headline rows."""
    from tests.corpus import corpus_dir
    from tests.metrics import token_f1

    repeat = repeat or (REPEAT_QUICK if quick else REPEAT_FULL)
    corpus = corpus_dir()
    if corpus is None:
        return "## Extraction\n\nskipped: corpus not found (set NEWSNOTE_CORPUS)\n", []
    try:
        pages = load_pages(corpus)
    except ImportError as exc:
        return f"## Extraction\n\nskipped: newsnote scrapers missing ({exc.name})\n", []

    per_tool: dict[str, dict[str, tuple[float, float]]] = {}  # tool -> stem -> (s, F1)
    status: dict[str, str] = {}
    for name, make in TOOLS:
        extractor = make()
        if isinstance(extractor, str):
            status[name] = extractor
            continue
        results = {}
        for stem, page, expected in pages:
            try:
                seconds, text = measure(extractor, page, repeat)
            except Exception as exc:  # a peer failing on one page is a result, not a crash
                print(f"{name} failed on {stem}: {exc!r}", file=sys.stderr)
                results[stem] = (math.nan, 0.0)  # no time; counts as F1 0 in the means
                continue
            results[stem] = (seconds, token_f1(text, expected))
        per_tool[name] = results

    return render(pages, per_tool, status, repeat), headline(per_tool, status)


def headline(
    per_tool: dict[str, dict[str, tuple[float, float]]], status: dict[str, str]
) -> Headline:
    base = per_tool.get("newsnote")
    if not base:
        return []
    base_f1 = statistics.mean(f for _, f in base.values())
    rows: Headline = []
    for name, _ in TOOLS[1:]:
        if name in status:
            rows.append(("extraction", "", name, status[name], ""))
            continue
        results = per_tool.get(name)
        if not results:
            continue
        for group in dict.fromkeys(GROUP_OF.get(stem, "?") for stem in base):
            ours, theirs = _median_ms(base, group), _median_ms(results, group)
            rows.append(
                (
                    f"extraction ms/page, {group} (median)",
                    f"{ours:.1f}",
                    name,
                    f"{theirs:.1f}",
                    f"{theirs / ours:.1f}x as long" if ours else "n/a",
                )
            )
        f1 = statistics.mean(f for _, f in results.values())
        rows.append(
            (
                "extraction body token F1, all pages (mean)",
                f"{base_f1:.3f}",
                name,
                f"{f1:.3f}",
                f"{base_f1 / f1:.2f} (newsnote / peer)" if f1 else "n/a",
            )
        )
    return rows


def render(
    pages: list[tuple[str, Any, str]],
    per_tool: dict[str, dict[str, tuple[float, float]]],
    status: dict[str, str],
    repeat: int,
) -> str:
    base = per_tool.get("newsnote", {})
    base_ms = _median_ms(base)
    lines = [
        "## Extraction (corpus article pages)",
        "",
        f"{len(pages)} pages with hand-checked bodies; per page the median of {repeat} runs; "
        "F1 = token F1 vs the expected body; ratio = tool time / newsnote time (same run).",
        "",
        "| tool | median ms/page | total ms | mean F1 | min F1 | pages | time ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _ in TOOLS:
        if name in status:
            lines.append(f"| {name} | {status[name]} | | | | | |")
            continue
        results = per_tool[name]
        if not _median_ms(results):
            lines.append(f"| {name} | failed on every page | | | | | |")
            continue
        ms = _median_ms(results)
        total = sum(s for s, _ in results.values() if not math.isnan(s)) * 1000
        f1s = [f for _, f in results.values()]
        ratio = f"{ms / base_ms:.2f}" if base_ms else "n/a"
        lines.append(
            f"| {name} | {ms:.1f} | {total:.0f} | {statistics.mean(f1s):.3f} | "
            f"{min(f1s):.3f} | {sum(not math.isnan(t) for t, _ in results.values())} | {ratio} |"
        )
    names = [n for n, _ in TOOLS if n in per_tool]
    groups = list(dict.fromkeys(GROUP_OF.get(stem, "?") for stem, _, _ in pages))
    lines += ["", "By site (median ms/page; mean token F1):", ""]
    lines.append("| site | pages | " + " | ".join(names) + " |")
    lines.append("|---|---:|" + "---:|" * len(names))
    for group in groups:
        stems = [stem for stem, _, _ in pages if GROUP_OF.get(stem) == group]
        cells = []
        for name in names:
            f1s = [per_tool[name][st][1] for st in stems if st in per_tool[name]]
            mean_f1 = f"{statistics.mean(f1s):.3f}" if f1s else "n/a"
            cells.append(f"{_median_ms(per_tool[name], group):.1f}; {mean_f1}")
        lines.append(f"| {group} | {len(stems)} | " + " | ".join(cells) + " |")
    lines += ["", "Per page (token F1; ms):", ""]
    lines.append("| page | " + " | ".join(names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for stem, _, _ in pages:
        cells = []
        for name in names:
            got = per_tool[name].get(stem)
            ok = got is not None and not math.isnan(got[0])
            cells.append(f"{got[1]:.3f}; {got[0] * 1000:.1f}" if got and ok else "failed")
        lines.append(f"| {stem} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _median_ms(results: dict[str, tuple[float, float]], group: str | None = None) -> float:
    times = [
        s
        for stem, (s, _) in results.items()
        if not math.isnan(s) and (group is None or GROUP_OF.get(stem) == group)
    ]
    return statistics.median(times) * 1000 if times else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{REPEAT_QUICK} runs per page")
    parser.add_argument("--repeat", type=int, help="runs per page (after one warm-up)")
    args = parser.parse_args()
    print(run(quick=args.quick, repeat=args.repeat))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
