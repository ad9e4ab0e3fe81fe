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

Fields: for every page with hand-read fields in tests/data/expected_fields/<stem>.json, each
field newsnote has (title, press, published_at, authors' names, subheadings, section) is
right or wrong against the file, beside the peers' metadata where they have the field:

- trafilatura: `trafilatura.extract_metadata(html, default_url=url)`: title, sitename (as
  the press), date, author
- newspaper4k: the same parsed `Article` as above: title, publish_date, authors

Matching rules are in FIELD_RULES (printed with the table).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
EXPECTED_DIR = REPO / "tests" / "data" / "expected_bodies"
FIELDS_DIR = REPO / "tests" / "data" / "expected_fields"
NOT_INSTALLED = "not installed (pip install -e .[bench])"
REPEAT_FULL = 10
REPEAT_QUICK = 3

Extractor = Callable[[Any], str]  # takes a scrapers.model.Page
# Corpus folder -> group in the tables: newsnote has its own parser for the first three.
GROUPS = {
    "naver": "Naver",
    "daum": "Daum",
    "chosun": "Chosun 2016",
    "other": "other sites (generic)",
}
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
        return str(_newspaper_article(Article, page).text)

    return extract


def _newspaper_article(article_class: Any, page: Any) -> Any:
    article = article_class(page.final_url, fetch_images=False)
    article.download(input_html=page.text)
    article.parse()
    return article


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

    body = render(pages, per_tool, status, repeat), headline(per_tool, status)
    fields = field_outcome(corpus)
    return body[0] + "\n" + fields[0], body[1] + fields[1]


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


# --- Fields --------------------------------------------------------------------------------

KST = ZoneInfo("Asia/Seoul")
FIELD_NAMES = ("title", "press", "published_at", "authors", "subheadings", "section")
FIELD_RULES = (
    "Matching rules: text is compared after NFKC and collapsing whitespace; an empty value "
    "and a missing one are the same, so a page the reader found without a deck, section or "
    "byline is right only for a tool that gives none. "
    "Press is newsnote's `press` and trafilatura's `sitename`. "
    "Authors are compared as a set of names (order ignored), each name NFKC and "
    "whitespace-normalised, with a trailing job title `기자` dropped (`박건형 기자` = "
    "`박건형`); trafilatura's `author` string is split on `;`. Subheadings are compared as "
    "the ordered list of deck lines. "
    "published_at is compared in KST: to the minute when the tool gives a time, to the day "
    "when it gives only a date (trafilatura's `date`, and newspaper4k's `publish_date` when "
    "it is a naive midnight, which is what it returns for a date alone); a naive time is "
    "taken as KST, the pages' own zone."
)
# Which fields each tool has; — in the table for the others.
TOOL_FIELDS: dict[str, tuple[str, ...]] = {
    "newsnote": FIELD_NAMES,
    "trafilatura": ("title", "press", "published_at", "authors"),
    "newspaper4k": ("title", "published_at", "authors"),
}
FieldReader = Callable[[Any], dict[str, Any]]  # Page -> field -> value


def newsnote_fields() -> FieldReader | str:
    try:
        from scrapers.parse import parse_page
    except ImportError as exc:
        return f"newsnote parser missing ({exc.name})"

    def read(page: Any) -> dict[str, Any]:
        article = parse_page(page)
        return {
            "title": article.title,
            "press": article.press,
            "published_at": article.published_at,
            "authors": [a.name for a in article.authors],
            "subheadings": list(article.subheadings),
            "section": article.section,
        }

    return read


def trafilatura_fields() -> FieldReader | str:
    try:
        import trafilatura
    except ImportError:
        return NOT_INSTALLED

    def read(page: Any) -> dict[str, Any]:
        meta = trafilatura.extract_metadata(page.text, default_url=page.final_url)
        author = getattr(meta, "author", None) or ""
        return {
            "title": getattr(meta, "title", None),
            "press": getattr(meta, "sitename", None),
            "published_at": getattr(meta, "date", None),  # "YYYY-MM-DD": a date alone
            "authors": [a.strip() for a in author.split(";") if a.strip()],
        }

    return read


def newspaper_fields() -> FieldReader | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from newspaper import Article
    except ImportError:
        return NOT_INSTALLED
    _korean_tokenizer_without_nltk()

    def read(page: Any) -> dict[str, Any]:
        article = _newspaper_article(Article, page)
        return {
            "title": article.title,
            "published_at": article.publish_date,
            "authors": list(article.authors or []),
        }

    return read


FIELD_TOOLS: tuple[tuple[str, Callable[[], FieldReader | str]], ...] = (
    ("newsnote", newsnote_fields),
    ("trafilatura", trafilatura_fields),
    ("newspaper4k", newspaper_fields),
)


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value or ""))).strip()


def _name(value: Any) -> str:
    return re.sub(r"\s*기자$", "", _text(value))


def _when(value: Any) -> tuple[str, datetime | date] | None:
    """("minute", KST datetime truncated to the minute), ("day", date) or None."""
    if isinstance(value, str):  # trafilatura's "YYYY-MM-DD", or the files' ISO time
        text = value.strip()
        if not text:
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return "day", date.fromisoformat(text)
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            if value.time() == datetime.min.time():  # newspaper4k's date alone
                return "day", value.date()
            value = value.replace(tzinfo=KST)
        return "minute", value.astimezone(KST).replace(second=0, microsecond=0)
    if isinstance(value, date):
        return "day", value
    return None


def field_right(name: str, got: Any, want: Any) -> bool:
    if name == "published_at":
        expected, found = _when(want), _when(got)
        if expected is None or found is None:
            return expected is None and found is None
        kind, value = found
        wanted = expected[1]  # the files give a time: a KST datetime
        if kind == "day":
            return isinstance(wanted, datetime) and wanted.date() == value
        return wanted == value
    if name == "authors":
        return {_name(a) for a in got or [] if _name(a)} == {_name(a) for a in want if _name(a)}
    if name == "subheadings":
        return [_text(x) for x in got or [] if _text(x)] == [_text(x) for x in want if _text(x)]
    return _text(got) == _text(want)


def load_field_pages(corpus: Path) -> tuple[list[tuple[str, Any, dict[str, Any]]], list[str]]:
    """(stem, Page, expected fields) for every fields file whose page is in the corpus, and
    the stems whose page is not. The page is read at the file's source_url, as fetched."""
    from scrapers.files import page_from_file

    pages, missing = [], []
    for spec in sorted(FIELDS_DIR.glob("*.json")):
        found = sorted(corpus.glob(f"*/{spec.stem}.html"))
        if not found:
            missing.append(spec.stem)
            continue
        data = json.loads(spec.read_text(encoding="utf-8"))
        want = {
            "title": data["title"],
            "press": data["press"],
            "published_at": data["published_at"],
            "authors": [a["name"] for a in data["authors"]],
            "subheadings": data["subheadings"],
            "section": data["section"],
        }
        GROUP_OF.setdefault(spec.stem, GROUPS.get(found[0].parent.name, found[0].parent.name))
        pages.append((spec.stem, page_from_file(found[0], data.get("source_url")), want))
    return pages, missing


# tool -> stem -> field -> (right, value found); a page the tool failed on has no fields.
FieldResults = dict[str, dict[str, dict[str, tuple[bool, Any]]]]


def field_outcome(corpus: Path) -> tuple[str, Headline]:
    title = "## Extraction: fields (corpus article pages)\n\n"
    try:
        pages, missing = load_field_pages(corpus)
    except ImportError as exc:
        return f"{title}skipped: newsnote scrapers missing ({exc.name})\n", []
    if not pages:
        return f"{title}skipped: no page of tests/data/expected_fields in the corpus\n", []
    results: FieldResults = {}
    status: dict[str, str] = {}
    for name, make in FIELD_TOOLS:
        reader = make()
        if isinstance(reader, str):
            status[name] = reader
            continue
        per_page: dict[str, dict[str, tuple[bool, Any]]] = {}
        for stem, page, want in pages:
            try:
                got = reader(page)
            except Exception as exc:  # a tool failing on a page gets every field wrong
                print(f"{name} failed on {stem} (fields): {exc!r}", file=sys.stderr)
                got = {}
            per_page[stem] = {
                f: (field_right(f, got.get(f), want[f]), got.get(f)) for f in TOOL_FIELDS[name]
            }
        results[name] = per_page
    return render_fields(pages, missing, results, status), field_headline(results, status)


def _score(
    per_page: dict[str, dict[str, tuple[bool, Any]]], fields: tuple[str, ...]
) -> tuple[int, int]:
    marks = [per_page[stem][f][0] for stem in per_page for f in fields if f in per_page[stem]]
    return sum(marks), len(marks)


def _cell(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "n/a"


def field_headline(results: FieldResults, status: dict[str, str]) -> Headline:
    base = results.get("newsnote")
    if not base:
        return []
    rows: Headline = []
    for name, _ in FIELD_TOOLS[1:]:
        if name in status:
            rows.append(("field accuracy", "", name, status[name], ""))
            continue
        fields = TOOL_FIELDS[name]
        ours, theirs = _score(base, fields), _score(results[name], fields)
        ratio = f"{ours[0] / theirs[0]:.2f} (newsnote / peer)" if theirs[0] else "n/a (peer 0)"
        rows.append(
            (
                f"field accuracy, fields both have ({', '.join(fields)}), {len(base)} pages",
                _cell(*ours),
                name,
                _cell(*theirs),
                ratio,
            )
        )
    return rows


def render_fields(
    pages: list[tuple[str, Any, dict[str, Any]]],
    missing: list[str],
    results: FieldResults,
    status: dict[str, str],
) -> str:
    names = [n for n, _ in FIELD_TOOLS]
    lines = [
        "## Extraction: fields (corpus article pages)",
        "",
        f"{len(pages)} pages with fields read by hand (tests/data/expected_fields/); "
        "right/total per field; — where the tool has no such field.",
    ]
    if missing:
        lines += ["", f"Not in this corpus, left out: {', '.join(missing)}."]
    lines += ["", FIELD_RULES, "", "| field | " + " | ".join(names) + " |"]
    lines.append("|---|" + "---:|" * len(names))
    for field in FIELD_NAMES:
        cells = []
        for name in names:
            if name in status:
                cells.append(status[name] if field == FIELD_NAMES[0] else "")
            elif field not in TOOL_FIELDS[name]:
                cells.append("—")
            else:
                cells.append(_cell(*_score(results[name], (field,))))
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    overall = []
    for name in names:
        overall.append("" if name in status else _cell(*_score(results[name], TOOL_FIELDS[name])))
    lines.append("| **all its fields** | " + " | ".join(overall) + " |")
    if "newsnote" in results:
        lines.append("")
        for name in names[1:]:
            if name in results:
                fields = TOOL_FIELDS[name]
                lines.append(
                    f"On {name}'s {len(fields)} fields ({', '.join(fields)}): newsnote "
                    f"{_cell(*_score(results['newsnote'], fields))}, "
                    f"{name} {_cell(*_score(results[name], fields))}."
                )

    by_group = list(dict.fromkeys(GROUP_OF.get(stem, "?") for stem, _, _ in pages))
    lines += ["", "By site (right/total over each tool's fields):", ""]
    lines.append("| site | pages | " + " | ".join(n for n in names if n in results) + " |")
    lines.append("|---|---:|" + "---:|" * len([n for n in names if n in results]))
    for group in by_group:
        stems = {stem for stem, _, _ in pages if GROUP_OF.get(stem) == group}
        cells = []
        for name in names:
            if name in results:
                sub = {st: v for st, v in results[name].items() if st in stems}
                cells.append(_cell(*_score(sub, TOOL_FIELDS[name])))
        lines.append(f"| {group} | {len(stems)} | " + " | ".join(cells) + " |")

    lines += ["", "Per page, the fields each tool got wrong (what it gave):", ""]
    lines.append("| page | " + " | ".join(n for n in names if n in results) + " |")
    lines.append("|---|" + "---|" * len([n for n in names if n in results]))
    for stem, _, _ in pages:
        cells = []
        for name in names:
            if name not in results:
                continue
            wrong = [
                f"{f}: {_shown(value)}"
                for f, (right, value) in results[name][stem].items()
                if not right
            ]
            cells.append("; ".join(wrong) if wrong else "all right")
        lines.append(f"| {stem} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(KST).isoformat() if value.tzinfo else value.isoformat()
    elif isinstance(value, list | tuple):
        value = " / ".join(str(v) for v in value) or "none"
    elif value is None or value == "":
        value = "none"
    return str(value).replace("|", "\\|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{REPEAT_QUICK} runs per page")
    parser.add_argument("--repeat", type=int, help="runs per page (after one warm-up)")
    args = parser.parse_args()
    print(run(quick=args.quick, repeat=args.repeat))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
