"""Throughput of `extract_figures` on the annotated real sentences.

Run: .venv/bin/python bench/bench_figures.py [--repeat N]
Prints a small Markdown table (timings are noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from pipeline.figures import extract_figures

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "figures_eval.jsonl"
LONG_INPUTS = {
    "6,000 chars of '1 1 1 …'": "1 " * 3000,
    "5,000 digits": "1" * 5000,
    "500 × '3.5% 증가 '": "3.5% 증가 " * 500,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sentences = [json.loads(line)["sentence"] for line in EVAL.open(encoding="utf-8")]
    extract_figures("워밍업 1억 원")  # import and compile the patterns outside the timing
    runs = []
    figures = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        figures = sum(len(extract_figures(s)) for s in sentences)
        runs.append(time.perf_counter() - started)
    best = min(runs)
    chars = sum(len(s) for s in sentences)
    print("| input | sentences | figures | best s | median s | sentences/s | chars/s |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| eval set | {len(sentences)} | {figures} | {best:.3f} | {statistics.median(runs):.3f}"
        f" | {len(sentences) / best:,.0f} | {chars / best:,.0f} |"
    )
    for name, text in LONG_INPUTS.items():
        started = time.perf_counter()
        found = len(extract_figures(text))
        elapsed = time.perf_counter() - started
        print(f"| {name} | 1 | {found} | {elapsed:.3f} | – | – | {len(text) / elapsed:,.0f} |")


if __name__ == "__main__":
    main()
