"""Extractive summaries against human choices: newsnote vs lead-3, textrankr and an oracle.

    .venv/bin/python bench/bench_summary.py [--quick] [--sentences K]

Two gold sets, one section each:

1. `summaries-dev.jsonl` (../shared/eval, or $NEWSNOTE_EVAL): 600 Korean news articles in
   which a person chose the 3 sentences that best summarise each. Every tool picks 3 of the
   record's sentences; precision@3 = chosen sentences among the picks, and "all three" =
   articles where all three picks were chosen. Each record becomes an Article whose
   paragraphs are its sentences, as nobody cleaned them (bylines, deck and contact lines
   included), with no title: the records carry none. The oracle picks the gold sentences
   among newsnote's candidates: the ceiling of its ranking.
2. The study notes. Gold: the backtick highlights of ../shared/note-format/example-note.md
   and bench/notes/*.md (each note's body is the article; the Article is rebuilt from its
   title, body paragraphs and `####` headings with the markup removed). Each tool picks K
   sentences (default 3):

   - newsnote: `pipeline.analysis.analyze(article, summary_sentences=K).summary`
   - textrankr: `TextRank(tokenizer).summarize(body, K)` with the same kiwipiepy morphemes
   - lead-K: the first K sentences (kiwipiepy's splitter)

   Scores are ROUGE-1/2/L F1 on kiwipiepy morphemes (punctuation dropped): rouge_score's
   default tokenizer deletes Hangul, so ROUGE is computed here on token lists. Ratio =
   newsnote ROUGE-L / tool ROUGE-L from the same run (> 1: newsnote agrees more with the
   reader).

This module also holds the note reader (`load_gold`) and the Kiwi tokenizer used by
bench_keywords.py.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EVAL_ENV = "NEWSNOTE_EVAL"
DEV_SET = "summaries-dev.jsonl"
EXAMPLE_NOTE = REPO.parent / "shared" / "note-format" / "example-note.md"
NOTES_DIR = Path(__file__).resolve().parent / "notes"
NOT_INSTALLED = "not installed (pip install -e .[bench])"
SUMMARY_SENTENCES = 3
REPEAT_FULL = 5
REPEAT_QUICK = 1
# kiwipiepy tags for punctuation and symbols (SL Latin, SH Hanja, SN numbers stay).
PUNCTUATION_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"})

HIGHLIGHT_RE = re.compile(r"`([^`]+)`")
MARKUP_RE = re.compile(r"`|\*\*")
SEPARATOR_RE = re.compile(r"^---\s*$")
GLOSSARY_HEADING_RE = re.compile(r"^#{2,4}\s*용어정리\s*$")
GLOSSARY_TERM_RE = re.compile(r"^\* (.+?)\s*$")  # top-level bullet, no indentation


@dataclass(frozen=True)
class Gold:
    """What a careful reader marked in one article's study note."""

    name: str
    title: str
    blocks: tuple[tuple[str, str], ...]  # ("heading" | "paragraph", text without markup)
    highlights: tuple[str, ...]
    glossary: tuple[str, ...]  # terms as written, e.g. "VC (venture capital)"

    @property
    def highlight_text(self) -> str:
        return "\n".join(self.highlights)


def parse_note(path: Path) -> Gold:
    """Read a note in the example-note.md format (title, body, 용어정리)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), path.stem)
    separators = [i for i, ln in enumerate(lines) if SEPARATOR_RE.match(ln)]
    if len(separators) < 2:
        raise ValueError(f"{path}: expected the body between two '---' lines")
    body = "\n".join(lines[separators[0] + 1 : separators[1]])
    blocks: list[tuple[str, str]] = []
    highlights: list[str] = []
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para:
            continue
        if para.startswith("#"):
            blocks.append(("heading", para.lstrip("#").strip()))
            continue
        text = " ".join(para.split())
        highlights += [h.strip() for h in HIGHLIGHT_RE.findall(text)]
        blocks.append(("paragraph", MARKUP_RE.sub("", text)))
    glossary: list[str] = []
    in_glossary = False
    for ln in lines:
        if GLOSSARY_HEADING_RE.match(ln.strip()):
            in_glossary = True
        elif in_glossary and (SEPARATOR_RE.match(ln) or ln.startswith("#")):
            break
        elif in_glossary and (match := GLOSSARY_TERM_RE.match(ln)):
            glossary.append(match.group(1))
    return Gold(path.stem, title, tuple(blocks), tuple(highlights), tuple(glossary))


def load_gold() -> list[Gold]:
    paths = ([EXAMPLE_NOTE] if EXAMPLE_NOTE.is_file() else []) + sorted(NOTES_DIR.glob("*.md"))
    return [parse_note(p) for p in paths]


def gold_article(gold: Gold) -> Any:
    """The note's body as a scrapers.model.Article."""
    from scrapers.model import Article, Block, BlockKind

    kinds = {"heading": BlockKind.HEADING, "paragraph": BlockKind.PARAGRAPH}
    return Article(
        url=f"https://example.invalid/notes/{gold.name}",
        site="notes",
        title=gold.title,
        blocks=tuple(Block(kinds[k], t) for k, t in gold.blocks),
        parser="bench",
        parser_version="1",
    )


def body_text(gold: Gold) -> str:
    return "\n".join(t for k, t in gold.blocks if k == "paragraph")


@cache
def kiwi() -> Any:
    """newsnote's shared Kiwi when present (one model in memory), else a new one."""
    try:
        from pipeline.analysis.kiwi import get_kiwi
    except ImportError:
        from kiwipiepy import Kiwi

        return Kiwi()
    return get_kiwi()


def morphemes(text: str) -> list[str]:
    return [t.form for t in kiwi().tokenize(text) if t.tag not in PUNCTUATION_TAGS]


def kiwi_sentences(text: str) -> list[str]:
    return [s.text for para in text.split("\n") for s in kiwi().split_into_sents(para)]


# --- the human-labelled dev set ------------------------------------------------------------


@dataclass(frozen=True)
class DevRecord:
    id: str
    sentences: tuple[str, ...]
    gold: frozenset[int]  # indices of the sentences the person chose


def dev_set_path() -> Path:
    root = os.environ.get(EVAL_ENV)
    return (Path(root) if root else REPO.parent / "shared" / "eval") / DEV_SET


def load_dev() -> list[DevRecord]:
    """The dev set's records; [] when the file is absent."""
    path = dev_set_path()
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            records.append(
                DevRecord(row["id"], tuple(row["sentences"]), frozenset(row["extractive"]))
            )
    return records


def dev_article(record: DevRecord) -> Any:
    """The record as an Article: one paragraph per sentence, as nobody cleaned them.

    The records have no headline of their own (sentence 0 is a deck, a byline or the lead),
    so the Article has none either.
    """
    from scrapers.model import Article, Block, BlockKind

    return Article(
        url=f"https://example.invalid/eval/{record.id}",
        site="eval",
        title="",
        blocks=tuple(Block(BlockKind.PARAGRAPH, s) for s in record.sentences),
        parser="bench",
        parser_version="1",
    )


DevPicker = Callable[[DevRecord, int], list[int]]


def newsnote_dev_picker() -> DevPicker | str:
    analyze = newsnote_analyze()
    if isinstance(analyze, str):
        return analyze

    def pick(record: DevRecord, k: int) -> list[int]:
        result = analyze(dev_article(record), summary_sentences=k)
        return _distinct_blocks(result, result.summary_ranking, k)

    return pick


def oracle_dev_picker() -> DevPicker | str:
    """The gold sentences among newsnote's candidates: the best its ranking could do."""
    analyze = newsnote_analyze()
    if isinstance(analyze, str):
        return analyze

    def pick(record: DevRecord, k: int) -> list[int]:
        result = analyze(dev_article(record), summary_sentences=k)
        found = _distinct_blocks(result, result.summary_ranking, len(result.sentences))
        return sorted(found, key=lambda i: i not in record.gold)[:k]

    return pick


def _distinct_blocks(result: Any, ranking: Sequence[int], k: int) -> list[int]:
    """The record sentences (blocks) of the best-ranked sentences, at most k, each once."""
    picks: list[int] = []
    for i in ranking:
        block = result.sentences[i].block_index
        if block not in picks:
            picks.append(block)
    return picks[:k]


def textrankr_dev_picker() -> DevPicker | str:
    try:
        from textrankr import TextRank
    except ImportError:
        return NOT_INSTALLED
    textrank = TextRank(morphemes)

    def pick(record: DevRecord, k: int) -> list[int]:
        chosen = textrank.summarize("\n".join(record.sentences), num_sentences=k, verbose=False)
        return [_record_index(record, text) for text in chosen]

    return pick


def _record_index(record: DevRecord, text: str) -> int:
    for i, sentence in enumerate(record.sentences):
        if text.strip() in sentence:
            return i
    return -1


DEV_TOOLS: tuple[tuple[str, Callable[[], DevPicker | str]], ...] = (
    ("newsnote", newsnote_dev_picker),
    ("lead-3 (first three sentences)", lambda: lambda record, k: list(range(k))),
    ("textrankr (kiwipiepy morphemes)", textrankr_dev_picker),
    ("oracle: gold among newsnote's candidates", oracle_dev_picker),
)


def dev_outcome(quick: bool = False, k: int = SUMMARY_SENTENCES) -> tuple[str, Headline]:
    """Precision@k of each tool on the dev set, in one run."""
    records = load_dev()
    if not records:
        return (
            f"## Summaries vs human choices\n\nskipped: {dev_set_path()} not found "
            f"(set {EVAL_ENV} to the folder that holds {DEV_SET})\n",
            [],
        )
    if quick:
        records = records[::4]
    rows: dict[str, tuple[float, float]] = {}
    status: dict[str, str] = {}
    for name, make in DEV_TOOLS:
        pick = make()
        if isinstance(pick, str):
            status[name] = pick
            continue
        hits = [len(set(pick(r, k)[:k]) & r.gold) for r in records]
        rows[name] = (sum(hits) / (k * len(records)), sum(h == k for h in hits) / len(records))
    lines = [
        "## Summaries vs human choices (summaries-dev.jsonl)",
        "",
        f"{len(records)} articles, a person's {k} summary sentences each; every tool picks "
        f"{k}. precision@{k}: chosen sentences among the picks; all {k}: share of articles "
        f"where every pick was chosen; ratio: newsnote / tool.",
        "",
        f"| summariser | precision@{k} | all {k} | newsnote ratio |",
        "|---|---:|---:|---:|",
    ]
    base = rows.get("newsnote", (0.0, 0.0))[0]
    for name, _ in DEV_TOOLS:
        if name in status:
            lines.append(f"| {name} | {status[name]} | | |")
            continue
        precision, all_right = rows[name]
        ratio = f"{base / precision:.2f}" if precision else "n/a"
        lines.append(f"| {name} | {precision:.3f} | {all_right:.3f} | {ratio} |")
    headline: Headline = [
        (f"summary precision@{k} (dev set)", f"{base:.3f}", name, f"{rows[name][0]:.3f}",
         f"{base / rows[name][0]:.2f} (newsnote / peer)" if rows[name][0] else "n/a")
        for name, _ in DEV_TOOLS[1:3]
        if name in rows and "newsnote" in rows
    ]  # fmt: skip
    return "\n".join(lines) + "\n", headline


# ROUGE on token lists: F1 of n-gram overlap (clipped counts) and of the LCS.
def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: int, n_cand: int, n_ref: int) -> float:
    if overlap == 0 or n_cand == 0 or n_ref == 0:
        return 0.0
    precision, recall = overlap / n_cand, overlap / n_ref
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    cand, ref = _ngrams(candidate, n), _ngrams(reference, n)
    return _f1(sum((cand & ref).values()), sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    return _f1(lcs_length(candidate, reference), len(candidate), len(reference))


def check_rouge() -> None:
    """Known values (worked by hand), so a broken metric cannot produce a table."""
    ref = ["the", "cat", "sat", "on", "the", "mat"]
    assert rouge_n(ref, ref, 1) == 1.0
    assert rouge_n(["dog"], ref, 1) == 0.0
    # "the cat" vs ref: 2 unigrams match; P = 1, R = 2/6 -> F1 = 0.5
    assert abs(rouge_n(["the", "cat"], ref, 1) - 0.5) < 1e-9
    # bigrams of "cat sat the mat": (cat sat), (the mat) match of 5 ref bigrams; P 2/3 R 2/5
    assert abs(rouge_n(["cat", "sat", "the", "mat"], ref, 2) - 0.5) < 1e-9
    assert lcs_length(["a", "b", "c", "d"], ["a", "c", "b", "d"]) == 3
    assert rouge_l([], ref) == 0.0


Summariser = Callable[[Gold, int], list[str]]


def newsnote_summariser() -> Summariser | str:
    analyze = newsnote_analyze()
    if isinstance(analyze, str):
        return analyze

    def summarise(gold: Gold, k: int) -> list[str]:
        result = analyze(gold_article(gold), summary_sentences=k)
        return [result.sentences[i].text for i in result.summary]

    return summarise


def newsnote_analyze() -> Callable[..., Any] | str:
    """`pipeline.analysis.analyze`, whether exported by the package or a module of that name."""
    try:
        from pipeline import analysis
    except ImportError:
        return "newsnote analysis not available yet (pipeline.analysis)"
    found: Any = getattr(analysis, "analyze", None)
    if found is None:
        try:
            found = importlib.import_module("pipeline.analysis.analyze")
        except ImportError:
            return "newsnote analysis not available yet (pipeline.analysis.analyze)"
    found = getattr(found, "analyze", found)  # the module of that name holds the function
    return found if callable(found) else "pipeline.analysis.analyze is not callable"


def textrankr_summariser() -> Summariser | str:
    try:
        from textrankr import TextRank
    except ImportError:
        return NOT_INSTALLED
    textrank = TextRank(morphemes)

    def summarise(gold: Gold, k: int) -> list[str]:
        return list(textrank.summarize(body_text(gold), num_sentences=k, verbose=False))

    return summarise


def lead_summariser() -> Summariser | str:
    return lambda gold, k: kiwi_sentences(body_text(gold))[:k]


TOOLS: tuple[tuple[str, Callable[[], Summariser | str]], ...] = (
    ("newsnote", newsnote_summariser),
    ("textrankr (kiwipiepy morphemes)", textrankr_summariser),
    ("lead-K baseline", lead_summariser),
)


@dataclass
class Score:
    r1: list[float]
    r2: list[float]
    rl: list[float]
    seconds: list[float]


# (figure, newsnote value, peer, peer value, ratio) for run_all.py's overview table.
Headline = list[tuple[str, str, str, str, str]]


def run(quick: bool = False, sentences: int = SUMMARY_SENTENCES) -> str:
    return outcome(quick, sentences)[0]


def outcome(quick: bool = False, sentences: int = SUMMARY_SENTENCES) -> tuple[str, Headline]:
    """Both sections (dev set, then study notes) and their headline rows."""
    dev_text, dev_rows = dev_outcome(quick, sentences)
    notes_text, notes_rows = notes_outcome(quick, sentences)
    return dev_text + "\n" + notes_text, dev_rows + notes_rows


def notes_outcome(quick: bool = False, sentences: int = SUMMARY_SENTENCES) -> tuple[str, Headline]:
    """The study-note section and its headline rows."""
    check_rouge()
    golds = [g for g in load_gold() if g.highlights]
    if not golds:
        return "## Summaries\n\nskipped: no notes with highlights found\n", []
    repeat = REPEAT_QUICK if quick else REPEAT_FULL
    refs = {g.name: morphemes(g.highlight_text) for g in golds}
    scores: dict[str, Score] = {}
    status: dict[str, str] = {}
    for name, make in TOOLS:
        summarise = make()
        if isinstance(summarise, str):
            status[name] = summarise
            continue
        score = Score([], [], [], [])
        for gold in golds:
            picked = summarise(gold, sentences)  # warm-up, and the output scored
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                summarise(gold, sentences)
                times.append(time.perf_counter() - start)
            cand = morphemes("\n".join(picked))
            score.r1.append(rouge_n(cand, refs[gold.name], 1))
            score.r2.append(rouge_n(cand, refs[gold.name], 2))
            score.rl.append(rouge_l(cand, refs[gold.name]))
            score.seconds.append(statistics.median(times))
        scores[name] = score
    return render(golds, scores, status, sentences, repeat), headline(scores, status)


def headline(scores: dict[str, Score], status: dict[str, str]) -> Headline:
    base = scores.get("newsnote")
    if base is None:
        return []
    base_rl = statistics.mean(base.rl)
    rows: Headline = []
    for name, _ in TOOLS[1:]:
        if name in status:
            rows.append(("summary ROUGE-L vs highlights", f"{base_rl:.3f}", name, status[name], ""))
        elif name in scores:
            rl = statistics.mean(scores[name].rl)
            ratio = f"{base_rl / rl:.2f} (newsnote / peer)" if rl else "n/a"
            rows.append(
                ("summary ROUGE-L vs highlights", f"{base_rl:.3f}", name, f"{rl:.3f}", ratio)
            )
    return rows


def render(
    golds: list[Gold], scores: dict[str, Score], status: dict[str, str], k: int, repeat: int
) -> str:
    base = scores.get("newsnote")
    lines = [
        "## Summaries vs the reader's highlights",
        "",
        f"{len(golds)} notes ({', '.join(g.name for g in golds)}); {k} sentences per summary; "
        "ROUGE F1 on kiwipiepy morphemes, mean over notes; time = median of "
        f"{repeat} run(s) per note (newsnote's time is the whole analysis, not only the "
        "summary); R-L ratio = newsnote / tool.",
        "",
        "| summariser | ROUGE-1 | ROUGE-2 | ROUGE-L | ms/article | newsnote R-L ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, _ in TOOLS:
        if name in status:
            lines.append(f"| {name} | {status[name]} | | | | |")
            continue
        s = scores[name]
        rl = statistics.mean(s.rl)
        ratio = f"{statistics.mean(base.rl) / rl:.2f}" if base and rl else "n/a"
        lines.append(
            f"| {name} | {statistics.mean(s.r1):.3f} | {statistics.mean(s.r2):.3f} | "
            f"{rl:.3f} | {statistics.median(s.seconds) * 1000:.1f} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per note")
    parser.add_argument("--sentences", type=int, default=SUMMARY_SENTENCES)
    args = parser.parse_args()
    print(run(quick=args.quick, sentences=args.sentences))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
