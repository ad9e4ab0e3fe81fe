"""Run every newsnote benchmark and write one Markdown report.

    .venv/bin/python bench/run_all.py [--quick] [--out bench/results/report.md] [--only NAME ...]

The report starts with the machine (CPU, cores, RAM, OS, load) and the versions of
newsnote and of every peer, then one section per benchmark. Every figure is set against a
peer measured in the same run, as a ratio: these machines are shared and noisy, so
absolute times alone mean little. A peer that is not installed gets a row saying so
(install the peers with `pip install -e '.[bench]'`); a benchmark whose newsnote module is
not in the tree is reported as skipped, never as a crash of the whole run.

Benchmarks in this directory that are run as their own process (their Markdown output is
included as printed): bench_parse, bench_ingest, bench_batch, bench_reports, bench_workers,
bench_figures, and any other bench_*.py found here. bench_extraction, bench_summary,
bench_keywords and bench_startup are imported and their `outcome(quick=...)` called.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_OUT = BENCH_DIR / "results" / "report.md"
NOT_INSTALLED = "not installed (pip install -e .[bench])"

# Distributions whose versions the report lists: newsnote, its libraries, then the peers.
VERSIONS = (
    "newsnote",
    "kiwipiepy",
    "kiwipiepy_model",
    "trafilatura",
    "lxml",
    "beautifulsoup4",
    "sqlalchemy",
    "newspaper4k",
    "textrankr",
    "krwordrank",
    "psutil",
)
PEERS = frozenset({"newspaper4k", "textrankr", "krwordrank", "psutil"})

# Imported and called in-process, in this order.
IN_PROCESS = ("bench_extraction", "bench_summary", "bench_keywords", "bench_startup")
# Other helpers' scripts, run as `python bench/<name>.py`. With --quick, the listed options
# are passed when the script's --help shows them (a script offering --quick gets --quick).
SUBPROCESS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("bench_parse", (("--repeats", "3"),)),
    ("bench_ingest", (("--articles", "100"),)),
    ("bench_batch", (("--sizes", "200,500"),)),
    ("bench_reports", (("--articles", "5000"), ("--repeat", "3"))),
    ("bench_workers", (("--urls", "60"), ("--workers", "1,2"))),
    ("bench_figures", (("--repeat", "2"),)),
    ("bench_store_reads", (("--sizes", "1000", "10000"),)),
)
TIMEOUT_FULL = 3600
TIMEOUT_QUICK = 900


@dataclass
class Section:
    name: str
    status: str  # "ok", "skipped: …", "failed: …"
    seconds: float
    markdown: str
    # (figure, newsnote value, peer, peer value, ratio), from benchmarks that provide them
    headline: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        "| | |",
        "|---|---|",
        f"| CPU | {cpu} |",
        f"| cores | {os.cpu_count()} logical" + (f", {usable} usable |" if usable else " |"),
        f"| RAM | {ram} |",
        f"| OS | {platform.platform()} |",
        f"| load average at start (1, 5, 15 min) | {load} |",
    ]


def versions() -> list[str]:
    rows = ["| package | version |", "|---|---|", f"| python | {platform.python_version()} |"]
    for name in VERSIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = NOT_INSTALLED if name in PEERS else "not installed"
        rows.append(f"| {name} | {version} |")
    return rows


def run_in_process(name: str, quick: bool) -> Section:
    start = time.perf_counter()
    try:
        module = importlib.import_module(name)
        if hasattr(module, "outcome"):
            markdown, headline = module.outcome(quick=quick)
        else:
            markdown, headline = module.run(quick=quick), []
    except Exception as exc:
        detail = traceback.format_exc(limit=3)
        markdown = f"## {name}\n\nfailed: {exc!r}\n\n```\n{detail}```\n"
        return Section(name, f"failed: {type(exc).__name__}", time.perf_counter() - start, markdown)
    status = "skipped" if "\n\nskipped:" in markdown else "ok"
    return Section(name, status, time.perf_counter() - start, markdown, list(headline))


def quick_args(script: Path, wanted: tuple[tuple[str, ...], ...]) -> list[str]:
    """The quick-mode options this script accepts, judged from its --help."""
    try:
        help_text = subprocess.run(
            [sys.executable, str(script), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        ).stdout
    except subprocess.TimeoutExpired:
        return []

    def offers(option: str) -> bool:
        return re.search(rf"{re.escape(option)}(?![\w-])", help_text) is not None

    if offers("--quick"):
        return ["--quick"]
    return [part for option in wanted if offers(option[0]) for part in option]


def run_subprocess(name: str, wanted: tuple[tuple[str, ...], ...], quick: bool) -> Section:
    script = BENCH_DIR / f"{name}.py"
    if not script.is_file():
        return Section(name, "skipped: not in this tree yet", 0.0, "")
    args = quick_args(script, wanted) if quick else []
    command = f"python bench/{name}.py {' '.join(args)}".strip()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_QUICK if quick else TIMEOUT_FULL,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        markdown = f"## {name}\n\n`{command}`: timed out after {seconds:.0f} s\n"
        return Section(name, "failed: timeout", seconds, markdown)
    seconds = time.perf_counter() - start
    output = done.stdout.strip()
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        tail = "\n".join(lines[-8:])
        markdown = f"## {name}\n\n`{command}` exited {done.returncode}\n\n```\n{tail}\n```\n"
        why = lines[-1][:100].replace("|", "/") if lines else "no message"
        return Section(name, f"failed (exit {done.returncode}): {why}", seconds, markdown)
    if not output.lstrip().startswith("#"):
        output = f"## {name}\n\n{output}"
    return Section(name, "ok", seconds, f"{output}\n\n_Command: `{command}`_\n")


def report(sections: list[Section], quick: bool, started: datetime, argv: list[str]) -> str:
    lines = [
        "# newsnote benchmarks",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `python bench/run_all.py {' '.join(argv)}`"
        + (" (quick: fewer repetitions and smaller inputs)" if quick else "")
        + ".",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Versions",
        "",
        *versions(),
        "",
        "## At a glance",
        "",
        "newsnote against each peer, from the sections below (same run).",
        "",
        "| figure | newsnote | peer | peer's value | ratio |",
        "|---|---:|---|---:|---|",
        *(f"| {' | '.join(row)} |" for s in sections for row in s.headline),
        "",
        "## Benchmarks run",
        "",
        "| benchmark | status | seconds |",
        "|---|---|---:|",
        *(f"| {s.name} | {s.status} | {s.seconds:.1f} |" for s in sections),
        "",
    ]
    for section in sections:
        if section.markdown:
            lines += [section.markdown.rstrip(), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller inputs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. bench_extraction")
    args = parser.parse_args()

    sys.path[:0] = [str(BENCH_DIR), str(REPO)]
    started = datetime.now(UTC)
    sections: list[Section] = []
    for name in IN_PROCESS:
        if not args.only or name in args.only:
            print(f"running {name} …", file=sys.stderr, flush=True)
            sections.append(run_in_process(name, args.quick))
    known = {name for name, _ in SUBPROCESS} | set(IN_PROCESS)
    others = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py") if p.stem not in known)
    for name, wanted in (*SUBPROCESS, *((n, ()) for n in others)):
        if not args.only or name in args.only:
            print(f"running {name} …", file=sys.stderr, flush=True)
            sections.append(run_subprocess(name, wanted, args.quick))

    text = report(sections, args.quick, started, sys.argv[1:])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
