"""CLI start-up: wall time and peak memory of `newsnote --help` and `newsnote report articles`.

    .venv/bin/python bench/bench_startup.py [--quick] [--runs N] [--articles N]

Each command runs N times (default 10) as a subprocess; the table gives the median wall
time and the peak RSS (getrusage of the child, measured by a small wrapper process so each
command's peak is its own). `report articles` reads a small SQLite store of synthetic
articles built once in a temporary directory. Peers from the same run: `python -c pass`
(the interpreter floor every Python CLI pays) and `trafilatura --help` (the extractor's
CLI). Ratio = command time / `python -c pass` time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOT_INSTALLED = "not installed (pip install -e .[bench])"
RUNS = 10
STORE_ARTICLES = 50
TIMEOUT_SECONDS = 120

# Runs argv, then prints its wall time and the child's peak RSS (ru_maxrss: KiB on Linux).
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"s": seconds, "kib": peak, "rc": done.returncode,
                  "err": done.stderr.decode(errors="replace")[-300:]}))
"""


def executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def build_store(path: Path, n_articles: int) -> str:
    """A SQLite store of `n_articles` small analysed articles; returns its URL."""
    from pipeline.model import Analysis, Keyword, Sentence
    from scrapers.model import Article, Block, BlockKind
    from storage import db as storage_db
    from storage.save import save_article

    url = f"sqlite:///{path}"
    storage_db.upgrade(url)
    engine = storage_db.make_engine(url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(n_articles):
        text = f"기업 {i}곳이 인공지능 투자를 늘렸다. 투자 규모는 {i + 1}억원이다."
        article = Article(
            url=f"https://n.news.naver.com/mnews/article/015/{i:010d}",
            site="naver",
            title=f"AI 투자 기사 {i}",
            blocks=(Block(BlockKind.PARAGRAPH, text),),
            parser="naver",
            parser_version="1",
            press="한국경제",
            press_code="015",
            published_at=start + timedelta(hours=i),
        )
        first_end = text.index(".") + 1
        analysis = Analysis(
            sentences=(
                Sentence(0, 0, 0, first_end, text[:first_end]),
                Sentence(1, 0, first_end + 1, len(text), text[first_end + 1 :]),
            ),
            keywords=(Keyword("인공지능", 1.0, 1), Keyword("투자", 0.5, 2)),
            summary=(0,),
        )
        save_article(engine, article, analysis)
    engine.dispose()
    return url


def measure(argv: list[str], runs: int) -> tuple[float, float] | str:
    """(median seconds, max peak MiB) over `runs`, or the error of a failing command."""
    seconds, peaks = [], []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, *argv],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        )
        result = json.loads(done.stdout)
        if result["rc"] != 0:
            last = result["err"].strip().splitlines()[-1:] or ["no message"]
            return f"failed (exit {result['rc']}): {last[0]}"
        seconds.append(result["s"])
        peaks.append(result["kib"] / 1024)
    return statistics.median(seconds), max(peaks)


# (figure, newsnote value, peer, peer value, ratio) for run_all.py's overview table.
Headline = list[tuple[str, str, str, str, str]]
HELP = "newsnote --help"
PEER = "trafilatura --help (peer)"
FLOOR = "python -c pass (floor)"


def run(quick: bool = False, runs: int | None = None, articles: int = STORE_ARTICLES) -> str:
    return outcome(quick, runs, articles)[0]


def outcome(
    quick: bool = False, runs: int | None = None, articles: int = STORE_ARTICLES
) -> tuple[str, Headline]:
    """The Markdown section and its headline rows."""
    runs = runs or RUNS  # start-up is cheap: --quick keeps the >= 10 runs
    newsnote = executable("newsnote")
    trafilatura = executable("trafilatura")
    with tempfile.TemporaryDirectory(prefix="newsnote-bench-") as tmp:
        store: str | None = None
        store_error = ""
        try:
            store = build_store(Path(tmp) / "bench.db", articles)
        except Exception as exc:  # the store needs other helpers' modules; say why not
            store_error = f"store not built: {type(exc).__name__}: {exc}"[:120]
        commands: list[tuple[str, list[str] | str]] = [
            (FLOOR, [sys.executable, "-c", "pass"]),
            (HELP, [newsnote, "--help"] if newsnote else "newsnote not installed"),
            (
                f"newsnote report articles ({articles} articles, SQLite)",
                [newsnote, "report", "articles", "--db", store]
                if newsnote and store
                else store_error or "newsnote not installed",
            ),
            (PEER, [trafilatura, "--help"] if trafilatura else NOT_INSTALLED),
        ]
        results = {
            name: measure(argv, runs) if isinstance(argv, list) else argv for name, argv in commands
        }
    floor = results[FLOOR]
    lines = [
        "## Start-up",
        "",
        f"Median wall time of {runs} runs per command (subprocess); peak RSS of the child; "
        "ratio = time / `python -c pass` time in the same run.",
        "",
        "| command | median ms | peak RSS MiB | ratio to python -c pass |",
        "|---|---:|---:|---:|",
    ]
    for name, _ in commands:
        got = results[name]
        if isinstance(got, str):
            lines.append(f"| {name} | {got} | | |")
            continue
        ratio = f"{got[0] / floor[0]:.1f}" if not isinstance(floor, str) else "n/a"
        lines.append(f"| {name} | {got[0] * 1000:.0f} | {got[1]:.0f} | {ratio} |")
    return "\n".join(lines) + "\n", headline(results)


def headline(results: dict[str, tuple[float, float] | str]) -> Headline:
    ours, peer = results.get(HELP), results.get(PEER)
    if not isinstance(ours, tuple):
        return []
    if not isinstance(peer, tuple):
        return [("start-up: --help ms", f"{ours[0] * 1000:.0f}", PEER, str(peer), "")]
    return [
        (
            "start-up: --help ms (median)",
            f"{ours[0] * 1000:.0f}",
            PEER,
            f"{peer[0] * 1000:.0f}",
            f"{peer[0] / ours[0]:.1f}x as long",
        ),
        (
            "start-up: --help peak RSS MiB",
            f"{ours[1]:.0f}",
            PEER,
            f"{peer[1]:.0f}",
            f"{peer[1] / ours[1]:.1f}x as much",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="same as default (runs are cheap)")
    parser.add_argument("--runs", type=int, help=f"runs per command (default {RUNS})")
    parser.add_argument("--articles", type=int, default=STORE_ARTICLES)
    args = parser.parse_args()
    print(run(quick=args.quick, runs=args.runs, articles=args.articles))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
