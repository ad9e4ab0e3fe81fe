"""Keywords judged by a note-taker's glossary and highlights: newsnote vs KR-WordRank vs
kiwipiepy's nouns by frequency.

    .venv/bin/python bench/bench_keywords.py [--quick] [--top N]

Gold: the same notes as bench_summary.py (../shared/note-format/example-note.md and
bench/notes/*.md). Each tool ranks keywords for the note's article; of its top N (10):

- glossary recall: share of the note's glossary terms found among the top N (a term
  "VC (venture capital)" is found by "VC" or "venture capital"; spaces and case ignored);
- precision@N: share of the top N that are a glossary term or occur in the highlighted text.

Tools: newsnote `pipeline.analysis.analyze(article).keywords` (by rank); KR-WordRank
`summarize_with_keywords` over kiwipiepy sentences (min_count 2); kiwipiepy nouns (NNG,
NNP, SL; 2+ characters) by frequency, ties by first occurrence. Ratio = newsnote / tool.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import bench_summary as gold_notes

TOP_N = 10
NOUN_TAGS = frozenset({"NNG", "NNP", "SL"})
MIN_NOUN_CHARS = 2
KRWORDRANK_MIN_COUNT = 2  # one article is short; the library's default 5 finds nothing
KRWORDRANK_MAX_LENGTH = 10
ALIAS_RE = re.compile(r"^(.*?)\s*\((.+)\)\s*$")
NOT_INSTALLED = gold_notes.NOT_INSTALLED

Ranker = Callable[[gold_notes.Gold, int], list[str]]


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def aliases(term: str) -> set[str]:
    """'VC (venture capital)' -> {'vc', 'venturecapital'}; 'VC' -> {'vc'}."""
    match = ALIAS_RE.match(term)
    parts = [match.group(1), match.group(2)] if match else [term]
    return {norm(p) for p in parts if norm(p)}


def glossary_recall(keywords: list[str], glossary: tuple[str, ...]) -> float:
    found = {norm(k) for k in keywords}
    return sum(bool(aliases(t) & found) for t in glossary) / len(glossary) if glossary else 0.0


def precision(keywords: list[str], gold: gold_notes.Gold) -> float:
    if not keywords:
        return 0.0
    glossary = set().union(*(aliases(t) for t in gold.glossary)) if gold.glossary else set()
    highlighted = norm(gold.highlight_text)
    hits = sum(norm(k) in glossary or norm(k) in highlighted for k in keywords)
    return hits / len(keywords)


def check_metrics() -> None:
    assert aliases("VC (venture capital)") == {"vc", "venturecapital"}
    assert glossary_recall(["VC", "투자"], ("VC (venture capital)", "펀딩 (funding)")) == 0.5
    g = gold_notes.Gold("t", "t", (), ("엔비디아가 투자했다",), ("생성형 AI",))
    assert precision(["생성형AI", "엔비디아", "아마존", "주가"], g) == 0.5


def newsnote_ranker() -> Ranker | str:
    analyze = gold_notes.newsnote_analyze()
    if isinstance(analyze, str):
        return analyze

    def rank(gold: gold_notes.Gold, n: int) -> list[str]:
        keywords = analyze(gold_notes.gold_article(gold)).keywords
        return [k.term for k in sorted(keywords, key=lambda k: k.rank)[:n]]

    return rank


def krwordrank_ranker() -> Ranker | str:
    try:
        from krwordrank.word import summarize_with_keywords
    except ImportError:
        return NOT_INSTALLED

    def rank(gold: gold_notes.Gold, n: int) -> list[str]:
        sentences = gold_notes.kiwi_sentences(gold_notes.body_text(gold))
        try:
            scores = summarize_with_keywords(
                sentences,
                num_keywords=n,
                min_count=KRWORDRANK_MIN_COUNT,
                max_length=KRWORDRANK_MAX_LENGTH,
            )
        except ValueError:  # nothing frequent enough to build its graph
            return []
        return [w for w, _ in sorted(scores.items(), key=lambda kv: -kv[1])][:n]

    return rank


def kiwi_nouns_ranker() -> Ranker | str:
    def rank(gold: gold_notes.Gold, n: int) -> list[str]:
        tokens = gold_notes.kiwi().tokenize(gold_notes.body_text(gold))
        nouns = [t.form for t in tokens if t.tag in NOUN_TAGS and len(t.form) >= MIN_NOUN_CHARS]
        first = {w: i for i, w in reversed(list(enumerate(nouns)))}
        counts = Counter(nouns)
        return sorted(counts, key=lambda w: (-counts[w], first[w]))[:n]

    return rank


TOOLS: tuple[tuple[str, Callable[[], Ranker | str]], ...] = (
    ("newsnote", newsnote_ranker),
    ("KR-WordRank", krwordrank_ranker),
    ("kiwipiepy nouns by frequency", kiwi_nouns_ranker),
)


@dataclass
class Score:
    precision: list[float]
    recall: list[float]
    seconds: list[float]
    examples: dict[str, list[str]]


def run(quick: bool = False, top: int = TOP_N) -> str:
    return outcome(quick, top)[0]


def outcome(quick: bool = False, top: int = TOP_N) -> tuple[str, gold_notes.Headline]:
    """The Markdown section and its headline rows."""
    check_metrics()
    golds = [g for g in gold_notes.load_gold() if g.glossary]
    if not golds:
        return "## Keywords\n\nskipped: no notes with a glossary found\n", []
    scores: dict[str, Score] = {}
    status: dict[str, str] = {}
    for name, make in TOOLS:
        ranker = make()
        if isinstance(ranker, str):
            status[name] = ranker
            continue
        score = Score([], [], [], {})
        for gold in golds:
            ranker(gold, top)  # warm-up
            start = time.perf_counter()
            keywords = ranker(gold, top)
            score.seconds.append(time.perf_counter() - start)
            score.precision.append(precision(keywords, gold))
            score.recall.append(glossary_recall(keywords, gold.glossary))
            score.examples[gold.name] = keywords
        scores[name] = score
    return render(golds, scores, status, top, quick), headline(scores, status, top)


def headline(scores: dict[str, Score], status: dict[str, str], top: int) -> gold_notes.Headline:
    base = scores.get("newsnote")
    if base is None:
        return []
    rows: gold_notes.Headline = []
    for figure, field in (
        (f"keywords glossary recall@{top}", "recall"),
        (f"keywords P@{top}", "precision"),
    ):
        ours = statistics.mean(getattr(base, field))
        for name, _ in TOOLS[1:]:
            if name in status:
                rows.append((figure, f"{ours:.2f}", name, status[name], ""))
            elif name in scores:
                theirs = statistics.mean(getattr(scores[name], field))
                ratio = f"{ours / theirs:.2f} (newsnote / peer)" if theirs else "n/a (peer 0)"
                rows.append((figure, f"{ours:.2f}", name, f"{theirs:.2f}", ratio))
    return rows


def render(
    golds: list[gold_notes.Gold],
    scores: dict[str, Score],
    status: dict[str, str],
    top: int,
    quick: bool,
) -> str:
    base = scores.get("newsnote")
    lines = [
        "## Keywords vs the reader's glossary and highlights",
        "",
        f"{len(golds)} notes; top {top} keywords per article; means over notes; "
        "ratio = newsnote / tool (P@N).",
        "",
        f"| ranker | P@{top} | glossary recall@{top} | ms/article | newsnote P@{top} ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, _ in TOOLS:
        if name in status:
            lines.append(f"| {name} | {status[name]} | | | |")
            continue
        s = scores[name]
        p = statistics.mean(s.precision)
        ratio = f"{statistics.mean(base.precision) / p:.2f}" if base and p else "n/a"
        lines.append(
            f"| {name} | {p:.2f} | {statistics.mean(s.recall):.2f} | "
            f"{statistics.median(s.seconds) * 1000:.1f} | {ratio} |"
        )
    if not quick and golds:
        name = golds[0].name
        lines += ["", f"Top {top} for {name}:", ""]
        lines += [f"- {tool}: {', '.join(s.examples[name])}" for tool, s in scores.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no example lists")
    parser.add_argument("--top", type=int, default=TOP_N)
    args = parser.parse_args()
    print(run(quick=args.quick, top=args.top))


if __name__ == "__main__":
    sys.path.insert(0, str(gold_notes.REPO))
    main()
