"""Who said it: newsnote's quote speakers against a hand-labelled set.

    .venv/bin/python bench/bench_speakers.py [--against REV] [--quiet]

The labels are `bench/data/speakers.jsonl`, one quote a line:

- `"source": "corpus"`: a saved page of ../shared/corpus (or $NEWSNOTE_CORPUS), parsed with
  `scrapers.parse.parse_page(page_from_file(path, url=<its PROVENANCE.tsv URL>))`; the quote is
  the one holding `find`, a locator of the quote's first ten characters (unique in the article),
  looked up in the parsed blocks (`block` is where it was when labelled).
- `"source": "eval"`: a record of ../shared/eval/summaries-dev.jsonl (or $NEWSNOTE_EVAL), made
  an Article as bench_summary.py does (one paragraph per record sentence, no title); the quote is
  the one holding character `at` of record sentence `block`. No text of that set is stored here:
  its licence forbids copying it, so the bench reads it at run time.

`speaker` is the expected speaker, `null` when the article names nobody (a deck line, "…는
목소리가 끊이지 않는다"); `case` says what makes the quote hard.

How the labels were made. Each article was read whole, as a careful reader would, and each
chosen quote was given the person or body who says it, named the way the article names them:
the noun phrase of the name with its title and affiliation as written (`최기홍 국민연금연구원
연구위원`, `중대장 임상훈 대위`, `시 관계자`, `A씨`), without a relative clause or adverbial in
front of it (`연구를 수행한`, `이 자리에서`, `이어`), without particles, and without
parenthetical asides (an age, a constituency, an abbreviation, a photo mark: `박순자(안산단원을·
사진)의원` is `박순자 의원`). A quote introduced by a pronoun (`그는`, `이들은`), a demonstrative
(`이 관계자는`) or nothing at all (`이어 "…"`, `그러면서 "…"`) is labelled with the person
speaking at that point of the article. A short mention (`김 장관`, `트럼프`) and a pronoun are
labelled with the person's first full mention in the article, as that mention names them
(`김현수 농림축산식품부 장관`, `도널드 트럼프 공화당 후보`); a full name is labelled as
written where it is the speaker. The quotes were picked to cover the hard cases on purpose
(pronouns, implied speakers after 이어/또/특히/그러면서/아울러, short second mentions,
relative clauses, titles before and after names, organisations, A씨), so their figure is not
the share of right speakers over all quotes: most quotes in the wild are the easy `이름 직함은
"…"`. The last 45 labels (`"case": "random sample"`) are that share's estimate: quotes drawn at
random (seed 7) from what newsnote finds in dev-set articles not labelled before, each labelled
from the article's text with the quote marked and newsnote's speakers hidden. The bench prints
both groups apart as well as together. These labels were made while the rules were written;
the random sample was drawn after, to check they hold on quotes nobody tuned them on.

Scores: a label is right when newsnote stores exactly that speaker for the quote holding the
labelled position (a `null` label is right when newsnote stores no speaker, or no quote there).
"Pronouns stored" counts every quote of the labelled articles, labelled or not, whose stored
speaker contains a pronoun as a word (그, 그녀, 이들, …): it must be 0. `--against REV` also
runs the quote finder of git revision REV (pipeline/analysis/quotes.py at REV) on the same
articles, to print before and after side by side.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LABELS = Path(__file__).resolve().parent / "data" / "speakers.jsonl"
CORPUS_ENV = "NEWSNOTE_CORPUS"
EVAL_ENV = "NEWSNOTE_EVAL"
DEV_SET = "summaries-dev.jsonl"
RANDOM = "random sample"  # the case of the labels drawn at random
PRONOUNS = frozenset({"그", "그녀", "그들", "이들", "저", "저희", "우리", "자신", "본인", "당신"})


@dataclass(frozen=True)
class Label:
    source: str
    doc: str
    block: int
    at: int | None
    find: str | None
    speaker: str | None
    case: str


@dataclass(frozen=True)
class Outcome:
    label: Label
    found: bool
    stored: str | None
    context: str

    @property
    def right(self) -> bool:
        return self.stored == self.label.speaker


def corpus_root() -> Path:
    root = os.environ.get(CORPUS_ENV)
    return Path(root) if root else REPO.parent / "shared" / "corpus"


def eval_path() -> Path:
    root = os.environ.get(EVAL_ENV)
    return (Path(root) if root else REPO.parent / "shared" / "eval") / DEV_SET


def load_labels() -> list[Label]:
    labels = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels.append(
                Label(
                    row["source"],
                    row["doc"],
                    row["block"],
                    row.get("at"),
                    row.get("find"),
                    row["speaker"],
                    row.get("case", ""),
                )
            )
    return labels


def corpus_articles(docs: set[str]) -> dict[str, Any]:
    from scrapers.files import page_from_file
    from scrapers.parse import parse_page

    root = corpus_root()
    with (root / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as f:
        urls = {row["file"]: row["url"] for row in csv.DictReader(f, delimiter="\t")}
    articles = {}
    for doc in sorted(docs):
        try:
            articles[doc] = parse_page(page_from_file(root / doc, url=urls.get(doc) or None))
        except Exception as exc:  # a page the parsers no longer read: its labels are left out
            print(f"skipped {doc}: {exc}")
    return articles


def eval_articles(docs: set[str]) -> dict[str, Any]:
    from scrapers.model import Article, Block, BlockKind

    articles = {}
    for line in eval_path().read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row["id"] in docs:
            articles[row["id"]] = Article(
                url=f"https://example.invalid/eval/{row['id']}",
                site="eval",
                title="",
                blocks=tuple(Block(BlockKind.PARAGRAPH, s) for s in row["sentences"]),
                parser="bench",
                parser_version="1",
            )
    return articles


def position(label: Label, article: Any) -> tuple[int, int] | None:
    """(block index, character offset) of the labelled quote in `article`."""
    if label.find is None:
        return (label.block, label.at or 0)
    for i, block in enumerate(article.blocks):
        at = block.text.find(label.find)
        if at >= 0:
            return (i, at)
    return None


def quote_spans(analysis: Any) -> Iterator[tuple[int, int, int, Any]]:
    """(block index, start, end, quote) of every quote, offsets inside its block."""
    for quote in analysis.quotes:
        sentence = analysis.sentences[quote.sentence_index]
        start = sentence.start + sentence.text.find(quote.text)
        yield sentence.block_index, start, start + len(quote.text), quote


def score(
    labels: list[Label], articles: dict[str, Any], analyze: Callable[..., Any]
) -> tuple[list[Outcome], list[str]]:
    outcomes: list[Outcome] = []
    pronouns: list[str] = []
    by_doc: dict[str, list[Label]] = {}
    for label in labels:
        by_doc.setdefault(label.doc, []).append(label)
    for doc, doc_labels in by_doc.items():
        article = articles[doc]
        spans = list(quote_spans(analyze(article)))
        for _, _, _, quote in spans:
            if quote.speaker and PRONOUNS & set(quote.speaker.split()):
                pronouns.append(f"{doc}: {quote.speaker!r} <- {quote.text[:30]}…")
        for label in doc_labels:
            where = position(label, article)
            hit = None
            if where is not None:
                block, at = where
                hit = next((q for b, s, e, q in spans if b == block and s <= at < e), None)
            context = ""
            if where is not None:
                text = article.blocks[where[0]].text
                context = text[max(0, where[1] - 40) : where[1] + 25].replace("\n", " ")
            outcomes.append(Outcome(label, hit is not None, hit.speaker if hit else None, context))
    return outcomes, pronouns


def baseline_analyze(rev: str) -> Callable[..., Any]:
    """`analyze` with the quote finder of git revision `rev`."""
    source = subprocess.run(
        ["git", "show", f"{rev}:pipeline/analysis/quotes.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("newsnote_quotes_baseline", f.name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.unlink(f.name)

    import pipeline.analysis.quotes as current
    from pipeline.analysis import analyze

    def run(article: Any) -> Any:
        saved = current.find_quotes
        current.find_quotes = module.find_quotes
        try:
            return analyze(article)
        finally:
            current.find_quotes = saved

    return run


def report(name: str, outcomes: list[Outcome], pronouns: list[str], quiet: bool) -> None:
    print(f"## {name}")
    groups = (
        ("right", outcomes),
        ("  targeted cases", [o for o in outcomes if o.label.case != RANDOM]),
        ("  random sample", [o for o in outcomes if o.label.case == RANDOM]),
    )
    for title, group in groups:
        if group:
            right = sum(o.right for o in group)
            print(f"{title}: {right}/{len(group)} = {right / len(group):.1%}")
    print(f"pronouns stored: {len(pronouns)}")
    if quiet:
        return
    for line in pronouns:
        print(f"  pronoun: {line}")
    wrong = [o for o in outcomes if not o.right]
    if wrong:
        print("errors (expected | stored | case | where):")
    for o in wrong:
        stored = repr(o.stored) if o.found else "(no quote found there)"
        print(
            f"  {o.label.speaker!r} | {stored} | {o.label.case} | "
            f"{o.label.doc} [{o.label.block}] …{o.context}…"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="also score quotes.py of this revision")
    parser.add_argument("--quiet", action="store_true", help="figures only, no error list")
    args = parser.parse_args()

    labels = load_labels()
    docs = {"corpus": {x.doc for x in labels if x.source == "corpus"}}
    docs["eval"] = {x.doc for x in labels if x.source == "eval"}
    articles: dict[str, Any] = {}
    if (corpus_root() / "PROVENANCE.tsv").is_file():
        articles.update(corpus_articles(docs["corpus"]))
    else:
        print(f"skipped: corpus not found at {corpus_root()} (set ${CORPUS_ENV})")
    if eval_path().is_file():
        articles.update(eval_articles(docs["eval"]))
    else:
        print(f"skipped: dev set not found at {eval_path()} (set ${EVAL_ENV})")
    labels = [x for x in labels if x.doc in articles]
    if not labels:
        print("skipped: no labelled article is available")
        return
    print(
        f"{len(labels)} labelled quotes in {len({x.doc for x in labels})} articles "
        f"({sum(x.source == 'corpus' for x in labels)} from the corpus, "
        f"{sum(x.source == 'eval' for x in labels)} from the dev set)"
    )

    from pipeline.analysis import analyze

    if args.against:
        before, before_pronouns = score(labels, articles, baseline_analyze(args.against))
        report(f"quotes.py at {args.against}", before, before_pronouns, args.quiet)
    after, after_pronouns = score(labels, articles, analyze)
    report("quotes.py in the working tree", after, after_pronouns, args.quiet)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
