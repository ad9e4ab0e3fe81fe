"""Running `newsnote` as a real process, and checking a store after crashes and races."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage import models as m

REPO = Path(__file__).resolve().parents[2]
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
RUN_TIMEOUT = 240.0  # seconds for one whole command; far above what a run needs


def newsnote_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli.app", *args]


def clean_env() -> dict[str, str]:
    """The environment without proxies (loopback only) and with no stored default DB."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env.pop("NEWSNOTE_DATABASE_URL", None)
    env["PYTHONPATH"] = str(REPO)
    env["NO_COLOR"] = "1"
    return env


def batch_argv(urls_file: Path, db: str, *extra: str) -> list[str]:
    return newsnote_argv(
        "batch", "--urls", str(urls_file), "--db", db, "--interval", "0", "--no-progress", *extra
    )


@dataclass
class Done:
    argv: Sequence[str]
    returncode: int
    stdout: str
    stderr: str


def run(argv: Sequence[str], *, stdin: str | None = None, timeout: float = RUN_TIMEOUT) -> Done:
    proc = subprocess.run(
        list(argv),
        input=stdin,
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=REPO,
        timeout=timeout,
        check=False,
    )
    return Done(argv, proc.returncode, proc.stdout, proc.stderr)


# --- store checks -------------------------------------------------------------------------


def count(engine: Engine, model: type[m.Base]) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def check_articles_whole(engine: Engine) -> int:
    """Every article has all its derived rows and they agree with it; returns rows checked.

    body_text is the paragraph blocks joined; each block's sentences exist and are slices of
    that block's text; the revision count matches `article_revisions`. An article saved
    half-way (a crash between writes) would break one of these.
    """
    checked = 0
    with Session(engine) as s:
        articles = s.execute(select(m.Article)).scalars().all()
        for a in articles:
            blocks = (
                s.execute(
                    select(m.ArticleBlock)
                    .where(m.ArticleBlock.article_id == a.id)
                    .order_by(m.ArticleBlock.position)
                )
                .scalars()
                .all()
            )
            assert blocks, f"article {a.url} has no body blocks"
            assert [b.position for b in blocks] == list(range(len(blocks))), a.url
            paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
            assert a.body_text == "\n\n".join(paragraphs), f"body_text of {a.url} disagrees"
            by_id = {b.id: b for b in blocks}
            sentences = (
                s.execute(select(m.Sentence).where(m.Sentence.article_id == a.id)).scalars().all()
            )
            assert sentences, f"article {a.url} has no sentences"
            for sentence in sentences:
                block = by_id.get(sentence.block_id)
                assert block is not None, f"sentence of {a.url} points outside its article"
                assert block.text[sentence.start : sentence.end] == sentence.text, a.url
            revisions = s.execute(
                select(func.count())
                .select_from(m.ArticleRevision)
                .where(m.ArticleRevision.article_id == a.id)
            ).scalar_one()
            assert a.revision == 1 + revisions, f"{a.url}: revision {a.revision}, {revisions} rows"
            assert len(a.content_hash) == 64
            checked += 1 + len(blocks) + len(sentences)
    return checked
