"""Score `extract_figures` against a hand-annotated JSONL set (figures-spec.md, last paragraph).

Usage: python -m pipeline.figures.score tests/data/figures_eval.jsonl [--errors tuning]

Each line: {"id", "source", "heldout", "batch", "sentence", "figures": [{text, start, end,
kind, value, unit, approx, range_to, converts, direction}]}. Gold and predicted records are
matched by overlapping span; attributes are compared on matched pairs. `heldout` sentences were
not looked at while tuning; `batch` 2 was annotated after tuning had started; `batch` 3
(source `handwritten/vague`) was written with the vague-numeral rule. The `vague` part is
every sentence with a vague numeral in its gold, plus the handwritten ones.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.figures import extract_figures
from pipeline.model import Figure

ATTRIBUTES = ("kind", "value", "unit", "approx", "range_to", "converts", "direction")
FLOAT_REL_TOL = 1e-9
VAGUE_WORDS = re.compile(r"(?<![가-힣])(?:십수|수|몇|한두|두세|서너|너덧|너댓|네댓|대여섯|예닐곱)")

Gold = dict[str, Any]


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTES, 0))
    value_and_unit: int = 0
    non_figure_sentences: int = 0
    non_figure_false_positives: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, attribute: str) -> float:
        return self.correct[attribute] / self.matched if self.matched else 1.0

    @property
    def value_unit_accuracy(self) -> float:
        """value and unit both right, over all gold figures (a missed figure counts as wrong)."""
        return self.value_and_unit / self.gold if self.gold else 1.0


def load(path: Path) -> list[Gold]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def values_equal(gold: object, predicted: object) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if isinstance(gold, str) or isinstance(predicted, str):
        return gold == predicted
    if isinstance(gold, bool) or isinstance(predicted, bool):
        return gold == predicted
    if isinstance(gold, int) and isinstance(predicted, int):
        return gold == predicted
    if isinstance(gold, int | float) and isinstance(predicted, int | float):
        return math.isclose(float(gold), float(predicted), rel_tol=FLOAT_REL_TOL)
    return False


def match(gold: Sequence[Gold], predicted: Sequence[Figure]) -> dict[int, int]:
    """gold index → predicted index, greedily by largest overlap, each used once."""
    pairs: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, f in enumerate(predicted):
            overlap = min(g["end"], f.end) - max(g["start"], f.start)
            if overlap > 0:
                pairs.append((overlap, gi, pi))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    result: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pi in pairs:
        if gi in result or pi in used:
            continue
        result[gi] = pi
        used.add(pi)
    return result


def score(
    records: Iterable[Gold],
    extractor: Callable[[str], list[Figure]] = extract_figures,
    on_error: Callable[[Gold, list[Figure], list[str]], None] | None = None,
) -> Scores:
    scores = Scores()
    for record in records:
        gold: list[Gold] = record["figures"]
        predicted = extractor(record["sentence"])
        pairs = match(gold, predicted)
        back = {pi: gi for gi, pi in pairs.items()}
        scores.gold += len(gold)
        scores.predicted += len(predicted)
        scores.matched += len(pairs)
        if not gold:
            scores.non_figure_sentences += 1
            scores.non_figure_false_positives += len(predicted)
        problems: list[str] = []
        for gi, g in enumerate(gold):
            if gi not in pairs:
                problems.append(f"missed {g['text']!r}")
                continue
            f = predicted[pairs[gi]]
            wrong = _compare(g, f, back)
            for attribute in ATTRIBUTES:
                if attribute not in wrong:
                    scores.correct[attribute] += 1
            if "value" not in wrong and "unit" not in wrong:
                scores.value_and_unit += 1
            if wrong:
                detail = ", ".join(f"{a}: {g[a]!r} vs {wrong[a]!r}" for a in wrong)
                problems.append(f"{f.text!r}: {detail}")
        for pi, f in enumerate(predicted):
            if pi not in back:
                problems.append(f"extra {f.text!r} ({f.kind} {f.value!r} {f.unit})")
        if problems and on_error is not None:
            on_error(record, predicted, problems)
    return scores


def _compare(g: Gold, f: Figure, back: dict[int, int]) -> dict[str, object]:
    wrong: dict[str, object] = {}
    converts = back.get(f.converts) if f.converts is not None else None
    if f.converts is not None and converts is None:
        converts = -1  # points at a figure the annotator did not mark
    predicted = {
        "kind": f.kind,
        "value": f.value,
        "unit": f.unit,
        "approx": f.approx,
        "range_to": f.range_to,
        "converts": converts,
        "direction": f.direction,
    }
    for attribute in ATTRIBUTES:
        if not values_equal(g.get(attribute), predicted[attribute]):
            wrong[attribute] = predicted[attribute]
    return wrong


def report(name: str, s: Scores) -> str:
    lines = [
        f"## {name}: {s.gold} gold figures, {s.predicted} predicted, {s.matched} matched",
        "",
        "| measure | value |",
        "|---|---|",
        f"| span precision | {s.precision:.3f} |",
        f"| span recall | {s.recall:.3f} |",
        f"| span F1 | {s.f1:.3f} |",
        f"| value+unit correct (of gold) | {s.value_unit_accuracy:.3f} |",
    ]
    lines += [f"| {a} accuracy (matched) | {s.accuracy(a):.3f} |" for a in ATTRIBUTES]
    lines.append(
        f"| false positives in {s.non_figure_sentences} non-figure sentences "
        f"| {s.non_figure_false_positives} |"
    )
    return "\n".join(lines)


def is_vague(record: Gold) -> bool:
    """A sentence written to test vague numerals, or one whose gold has a vague numeral
    (`수백억원`, `몇 차례`, `두세 번`): the words are read from the annotation, not the
    extractor, so a vague numeral the extractor misses still counts against it."""
    if record.get("source", "").startswith("handwritten/vague"):
        return True
    return any(VAGUE_WORDS.search(g["text"]) for g in record["figures"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path)
    parser.add_argument(
        "--errors",
        choices=("none", "tuning", "heldout", "all", "vague"),
        default="none",
        help="print the mistakes for this part of the set",
    )
    args = parser.parse_args(argv)
    records = load(args.path)
    parts = {
        "all": records,
        "tuning": [r for r in records if not r.get("heldout")],
        "heldout": [r for r in records if r.get("heldout")],
    }
    vague = [r for r in records if is_vague(r)]
    if vague:
        parts["vague"] = vague
    batches = sorted({r["batch"] for r in records if r.get("heldout") and "batch" in r})
    if len(batches) > 1:
        for batch in batches:
            parts[f"heldout-batch{batch}"] = [
                r for r in records if r.get("heldout") and r.get("batch") == batch
            ]

    def show(record: Gold, predicted: list[Figure], problems: list[str]) -> None:
        print(f"- [{record['id']}] {record['sentence']}")
        for problem in problems:
            print(f"    {problem}")

    for name, part in parts.items():
        on_error = show if args.errors == name else None
        print(report(f"{name} ({len(part)} sentences)", score(part, on_error=on_error)))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
