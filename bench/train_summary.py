"""Fit the summary's signal weights on the human-labelled dev set, and check they generalise.

    .venv/bin/python bench/train_summary.py [--folds 5] [--l2 1.0]

For every article of ../shared/eval/summaries-dev.jsonl ($NEWSNOTE_EVAL), newsnote's summary
candidates and their signals (`pipeline.analysis.summary.candidates`) are computed, and the
sentences the person chose are marked. The model is a conditional logit: the chance that a
chosen sentence is sentence i of its article is softmax(w · signals) over the article's
candidates, which is what a summary does (pick among this article's sentences), without a
per-article constant to fit. It is fitted by Newton's method with an L2 penalty (a few
signals, no library needed). The headline signal is left out: the dev set has no headlines.

It prints precision@3 on each fold's held-out articles ranked with weights fitted on the
other folds (what to expect on unseen articles of the same kind), lead-3 on the same
articles, the weights now in `summary.py` on all articles, and the weights fitted on all
articles as lines to paste into `summary.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_summary import DevRecord, dev_article, dev_set_path, load_dev

from pipeline.analysis import analyze
from pipeline.analysis import summary as summary_module
from pipeline.analysis.sentences import split_article

K = 3
NOT_FITTED = ("headline",)
FITTED = np.array([name not in NOT_FITTED for name in summary_module.SIGNALS])


class Example:
    """One article's candidates, which of them the person chose, and its precision@3."""

    def __init__(self, record: DevRecord) -> None:
        article = dev_article(record)
        analysis = analyze(article)
        split = split_article(article)
        self.found = summary_module.candidates(
            analysis.sentences, split.tokens, split.body, split.extra_tokens, analysis.keywords
        )
        self.block_of = {s.index: s.block_index for s in analysis.sentences}
        self.chosen = np.array([float(self.block_of[i] in record.gold) for i in self.found.indices])
        self.gold = record.gold

    def precision(self, weights: npt.NDArray[np.float64]) -> float:
        picks: list[int] = []
        for i in summary_module.order(self.found, tuple(weights)):
            if self.block_of[i] not in picks:
                picks.append(self.block_of[i])
        return len(set(picks[:K]) & self.gold) / K


def fit(examples: list[Example], l2: float) -> npt.NDArray[np.float64]:
    """Conditional-logit weights of the FITTED signals (zero for the others), by Newton."""
    n = int(FITTED.sum())
    w = np.zeros(n)
    for _ in range(50):
        gradient = -l2 * w
        hessian = -l2 * np.eye(n)
        for e in examples:
            x = e.found.signals[:, FITTED]
            picked = e.chosen.sum()
            if picked == 0:
                continue
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = p @ x
            gradient += e.chosen @ x - picked * mean
            hessian -= picked * ((x.T * p) @ x - np.outer(mean, mean))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    full = np.zeros(len(FITTED))
    full[FITTED] = w
    return full


def mean_precision(examples: list[Example], weights: npt.NDArray[np.float64]) -> float:
    return float(np.mean([e.precision(weights) for e in examples]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the weights")
    args = parser.parse_args()
    records = load_dev()
    if not records:
        sys.exit(f"dev set not found at {dev_set_path()} (set NEWSNOTE_EVAL)")
    examples = [Example(r) for r in records]
    fold_of = np.random.default_rng(0).permutation(len(examples)) % args.folds
    held_out, lead = [], []
    for fold in range(args.folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        test = [e for e, f in zip(examples, fold_of, strict=True) if f == fold]
        held_out.append(mean_precision(test, fit(train, args.l2)))
        lead.append(np.mean([len(set(range(K)) & e.gold) / K for e in test]))
    weights = fit(examples, args.l2)
    current = mean_precision(examples, np.array(summary_module.WEIGHTS))
    print(f"{len(examples)} articles, {args.folds} folds, L2 {args.l2}")
    print("held-out precision@3 by fold: " + ", ".join(f"{p:.3f}" for p in held_out))
    print(f"held-out precision@3: {np.mean(held_out):.3f} (lead-3 {np.mean(lead):.3f})")
    print(f"weights now in summary.py, all articles: {current:.3f}")
    print(f"weights fitted on all articles, all articles: {mean_precision(examples, weights):.3f}")
    for name, w in zip(summary_module.SIGNALS, weights, strict=True):
        if name not in NOT_FITTED:
            print(f"{name.upper()}_WEIGHT = {w:.2f}")


if __name__ == "__main__":
    main()
