"""A batch killed with SIGKILL mid-run is finished by the next one; nothing stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.batch import BatchOptions, run_batch
from pipeline.settings import Settings
from storage import models as m
from tests.conftest import REPO
from tests.loopback import LoopbackServer, html, slow
from tests.pipeline.test_batch import FAST, simple_store

URL_COUNT = 40
KILL_AFTER = 6  # articles stored before the kill
CHILD = """
import json, sys
from storage import db
from pipeline.batch import BatchOptions, run_batch
from pipeline.settings import Settings
from tests.pipeline.test_batch import FAST, simple_store

url, urls = sys.argv[1], json.loads(sys.argv[2])
engine = db.make_engine(url)
run_batch(engine, Settings(database_url=url), BatchOptions(urls=urls),
          store=simple_store, fetch_config=FAST)
"""


def stored_articles(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(m.Article)).scalar_one())


def test_kill_9_mid_batch_then_rerun(engine: Engine, db_url: str, tmp_path: Path) -> None:
    with LoopbackServer(hosts=2) as server:
        urls = [
            server.route(i % 2, f"/k/{i}", slow(html(f"<p>기사 {i}</p>"), 0.1))
            for i in range(URL_COUNT)
        ]
        script = tmp_path / "child.py"
        script.write_text(CHILD)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        child = subprocess.Popen(
            [sys.executable, str(script), db_url, json.dumps(urls)], cwd=REPO, env=env
        )
        deadline = time.monotonic() + 120
        while stored_articles(engine) < KILL_AFTER and child.poll() is None:
            assert time.monotonic() < deadline, "the child batch made no progress"
            time.sleep(0.05)
        assert child.poll() is None, "the child finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL

        settings = Settings(database_url=db_url)
        report = run_batch(
            engine, settings, BatchOptions(urls=urls), store=simple_store, fetch_config=FAST
        )

    assert report.adopted > 0
    assert report.failed == 0
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(m.Article)).scalar_one() == URL_COUNT
        stored_urls = set(s.execute(select(m.Article.url)).scalars())
        assert stored_urls == set(urls)
        first_run, second_run = s.execute(select(m.Run).order_by(m.Run.id)).scalars().all()
        assert first_run.status == "interrupted"
        assert second_run.status == "done"
        # No URL was stored as new twice, and every URL ended with a success in some run
        # (an outcome the killed run had not written yet shows up as "unchanged" later).
        news = s.execute(
            select(m.RunItem.url, func.count())
            .where(m.RunItem.status == "new")
            .group_by(m.RunItem.url)
        ).all()
        assert all(n == 1 for _, n in news)
        succeeded = set(
            s.execute(
                select(m.RunItem.url).where(m.RunItem.status.in_(("new", "unchanged")))
            ).scalars()
        )
        assert succeeded == set(urls)
        # Nothing is left open, and the killed run's open items say who took them over.
        open_items = s.execute(
            select(func.count())
            .select_from(m.RunItem)
            .where(m.RunItem.status.in_(("pending", "claimed")))
        ).scalar_one()
        assert open_items == 0
        taken = (
            s.execute(
                select(m.RunItem.error).where(
                    m.RunItem.run_id == first_run.id, m.RunItem.error_kind == "interrupted"
                )
            )
            .scalars()
            .all()
        )
        assert taken
        assert all(f"taken over by run {second_run.id}" in (e or "") for e in taken)
