"""How many bad-input cases per second each target survives, with the suite's own mutations.

Seeded mutation loops (tests/reliability/mutate.py) over the corpus pages and the example
note; counts outcomes: parsed/ok, typed error (ScraperError / PipelineError), other exception
(a bug). Run: .venv/bin/python bench/bench_fuzz.py [--cases N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.figures.extract import extract  # noqa: E402
from pipeline.notes import parse_note  # noqa: E402
from scrapers.decode import decode_html  # noqa: E402
from scrapers.errors import ScraperError  # noqa: E402
from tests.reliability import mutate  # noqa: E402
from tests.reliability.test_fuzz import (  # noqa: E402
    EXAMPLE_NOTE,
    SENTENCES,
    corpus_pages,
    page_of,
)

TYPED = (ScraperError, PipelineError)
SEED = 7


def run(name: str, cases: int, one: Callable[[random.Random], object]) -> list[str]:
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    start = time.perf_counter()
    for _ in range(cases):
        try:
            one(rng)
            outcomes["ok"] += 1
        except TYPED:
            outcomes["typed error"] += 1
        except Exception as exc:  # a bug: counted, shown below the table
            outcomes[f"BUG {type(exc).__name__}"] += 1
    seconds = time.perf_counter() - start
    bugs = sum(n for k, n in outcomes.items() if k.startswith("BUG"))
    return [
        name,
        str(cases),
        str(outcomes["ok"]),
        str(outcomes["typed error"]),
        str(bugs),
        f"{cases / seconds:,.0f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    from scrapers.parse import parse_page

    pages = corpus_pages(args.corpus)
    note = EXAMPLE_NOTE.read_text(encoding="utf-8")

    def parse_one(rng: random.Random) -> object:
        url, content = rng.choice(pages)
        mutated, _ = mutate.mutate(rng, content, rounds=rng.randint(1, 3))
        return parse_page(page_of(url, mutated))

    def decode_one(rng: random.Random) -> object:
        _, content = rng.choice(pages)
        return decode_html(mutate.mutate(rng, content[:20_000])[0])

    def figures_one(rng: random.Random) -> object:
        return extract(mutate.mutate_text(rng, rng.choice(SENTENCES)).replace("\n", " "))

    def note_one(rng: random.Random) -> object:
        return parse_note(mutate.mutate_text(rng, note))

    rows = [
        run("parse_page (mutated corpus pages)", max(1, args.cases // 5), parse_one),
        run("decode_html (mutated corpus bytes)", args.cases, decode_one),
        run("extract figures (mutated sentences)", args.cases * 4, figures_one),
        run("parse_note (mutated example note)", args.cases * 4, note_one),
    ]
    print("| target | cases | ok | typed error | other exception (bug) | cases/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
