"""Every `newsnote` command line the README shows in a shell block runs, when it needs no
network, no PostgreSQL and no file the reader would bring.

The lines run in order, in the README's own words, against one fresh SQLite store, so the
reports and queries after the quick start's ingest have an article to show.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.cli import newsnote
from tests.conftest import REPO

# Commands that fetch from the web or need a PostgreSQL store.
NEEDS_NETWORK_OR_PG = {"batch", "enqueue", "worker"}
# Files a README line names that a reader brings along (not in the repository).
READERS_FILES = {"export.jsonl", "urls.txt", "backfill.txt"}
FENCE = re.compile(r"^\s*```")
TRAILING_COMMENT = re.compile(r"\s+#\s.*$")


def readme_command_lines() -> list[str]:
    """The `newsnote …` lines of the README's ```sh blocks, comments and redirections off."""
    lines: list[str] = []
    in_shell = False
    for raw in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        if FENCE.match(raw):
            in_shell = not in_shell and raw.strip() == "```sh"
            continue
        if not in_shell:
            continue
        for part in TRAILING_COMMENT.sub("", raw).strip().split(" && "):
            part = part.strip().removeprefix(".venv/bin/")
            if part.startswith("newsnote "):
                lines.append(part.split(" > ")[0].strip())
    return lines


def runnable(line: str) -> bool:
    words = shlex.split(line)
    return (
        words[1] not in NEEDS_NETWORK_OR_PG
        and not any("://" in w for w in words)
        and not READERS_FILES & set(words)
    )


def test_the_readme_shows_commands_to_run() -> None:
    lines = readme_command_lines()
    assert "newsnote ingest examples/example_article.html --note" in lines
    assert sum(runnable(line) for line in lines) >= 6


def test_every_readme_command_line_runs(tmp_path: Path) -> None:
    env = {"NEWSNOTE_DATABASE_URL": f"sqlite:///{tmp_path / 'readme.db'}"}
    failures: list[str] = []
    for line in filter(runnable, readme_command_lines()):
        args = shlex.split(line)[1:]
        # files a command writes (`--out digest.md`) go to the test's folder, not the checkout
        args = [
            str(tmp_path / a) if i and args[i - 1] == "--out" else a for i, a in enumerate(args)
        ]
        done = newsnote(*args, env=env)
        if done.returncode != 0:
            failures.append(f"{line}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    assert failures == []
