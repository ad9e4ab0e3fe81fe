"""Security promises: read-only SQL, web schemes only, size caps, parameterised SQL, page text
stays text.
"""

from __future__ import annotations

import contextlib
import html
import json
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.errors import InputError
from pipeline.ingest import load_page
from pipeline.settings import Settings
from scrapers.errors import FetchError, PermanentFetchError
from scrapers.fetch import FetchConfig, fetch_url
from storage import models as m
from storage.errors import StorageError
from storage.readonly import run_readonly, run_unchecked
from storage.save import save_article
from tests import factories
from tests.loopback import LoopbackServer, gzip_bomb, redirect
from tests.loopback import html as html_reply
from tests.reliability.conftest import COUNTS
from tests.reliability.pages import article_page
from tests.reliability.proc import newsnote_argv, run

INJECTION = "'); DROP TABLE articles;--"
SCRIPT = "<script>alert('x')</script>"
EVIL_TITLE = f'{INJECTION} {SCRIPT} "quoted" \\ back % percent :name ?'
CAP = 1024 * 1024
FAST = FetchConfig(per_host_interval=0.0, trust_env=False, retries=0, max_bytes=CAP)

WRITES = [
    "INSERT INTO press (name) VALUES ('x')",
    "UPDATE articles SET title = 'x'",
    "DELETE FROM articles",
    "DROP TABLE articles",
    "ATTACH DATABASE '/tmp/newsnote-attack.db' AS other",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA journal_mode = DELETE",
    "SELECT 1; DELETE FROM articles",
    "SELECT * FROM articles;\nDROP TABLE press",
    "WITH gone AS (DELETE FROM articles RETURNING id) SELECT * FROM gone",
    "WITH x AS (SELECT 1) INSERT INTO press (name) SELECT 'x' FROM x",
    "/* comment */ DELETE FROM articles",
    "select 1 as a; commit; delete from press",
    "SELECT set_config('default_transaction_read_only', 'off', false); COMMIT; DELETE FROM press",
    "REPLACE INTO press (id, name) VALUES (1, 'x')",
    "CREATE TEMP TABLE t AS SELECT 1",
]


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            model.__tablename__: int(
                s.execute(select(func.count()).select_from(model)).scalar_one()
            )
            for model in (m.Article, m.Press, m.Keyword, m.Sentence, m.ArticleBlock)
        }


@pytest.fixture
def stored(engine: Engine) -> dict[str, int]:
    save_article(engine, factories.article(), factories.analysis())
    before = counts(engine)
    assert before["articles"] == 1
    assert before["press"] == 1
    return before


@pytest.mark.parametrize("sql", WRITES)
def test_sql_command_cannot_write(
    engine: Engine, db_url: str, stored: dict[str, int], sql: str
) -> None:
    with pytest.raises(StorageError):
        list(run_readonly(db_url, sql).rows)
    assert counts(engine) == stored
    COUNTS["security: refused writes checked"] += 1


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT set_config('default_transaction_read_only', 'off', false); COMMIT; "
        "DELETE FROM press",
        "SELECT 1; COMMIT; BEGIN READ WRITE; DELETE FROM press; COMMIT",
    ],
    ids=["set_config-commit", "begin-read-write"],
)
def test_read_only_connection_alone_refuses_multi_statement_writes(
    request: pytest.FixtureRequest, engine: Engine, db_url: str, stored: dict[str, int], sql: str
) -> None:
    """The second guard on its own (the text check bypassed): no write may happen."""
    with contextlib.suppress(StorageError):
        list(run_unchecked(db_url, sql).rows)
    assert counts(engine) == stored


def test_sql_command_line_refuses_a_write_and_keeps_rows(
    engine: Engine, db_url: str, stored: dict[str, int]
) -> None:
    done = run(newsnote_argv("sql", "DELETE FROM articles", "--db", db_url))
    assert done.returncode != 0
    assert done.stderr.startswith("newsnote: error:")
    assert "Traceback" not in done.stderr
    assert counts(engine) == stored


# --- schemes ----------------------------------------------------------------------------------

NOT_WEB = [
    "ftp://127.0.0.2/file.html",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,<p>x</p>",
    "gopher://127.0.0.2/",
    "//127.0.0.2/no-scheme",
    "http:///no-host",
]


@pytest.mark.parametrize("url", NOT_WEB)
def test_fetcher_fetches_only_http_and_https(url: str) -> None:
    with pytest.raises(PermanentFetchError):
        fetch_url(url, FAST)


@pytest.mark.parametrize("url", ["ftp://example.com/a", "javascript:alert(1)", "data:,x"])
def test_ingest_refuses_other_schemes(url: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="scheme"):
        load_page(url, Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(hosts=1) as s:
        yield s


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.2/x",
        "javascript:x",
        "data:,x",
    ],
)
def test_a_redirect_to_another_scheme_is_refused(server: LoopbackServer, target: str) -> None:
    url = server.route(0, "/jump", redirect(target))
    with pytest.raises(PermanentFetchError, match="only http and https"):
        fetch_url(url, FAST)


# --- caps -----------------------------------------------------------------------------------


def test_gzip_bomb_stops_at_the_cap_without_inflating_it(server: LoopbackServer) -> None:
    url = server.route(0, "/bomb", gzip_bomb(256 * 1024 * 1024))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="size limit"):
            fetch_url(url, FAST)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 256 MiB of zeros would show here if it were inflated; the cap is 1 MiB
    assert peak < 32 * CAP, f"peak {peak} bytes"


def test_a_body_over_the_cap_is_refused(server: LoopbackServer) -> None:
    url = server.route(0, "/big", html_reply("<p>" + "가" * CAP + "</p>"))
    with pytest.raises(FetchError, match="limit"):
        fetch_url(url, FAST)


# --- parameterised SQL and page text as text -------------------------------------------------


def test_hostile_text_is_stored_and_read_back_verbatim(engine: Engine) -> None:
    from scrapers.model import Author, Block, BlockKind

    article = replace(
        factories.article(url="https://example.com/a?q=1';DROP TABLE press;--"),
        title=EVIL_TITLE,
        press=INJECTION,
        authors=(Author(INJECTION, "x'--@example.com"),),
        blocks=(Block(BlockKind.PARAGRAPH, f"{SCRIPT} {INJECTION} 본문."),),
    )
    save_article(engine, article, replace(factories.analysis(), sentences=()))
    with Session(engine) as s:
        row = s.execute(select(m.Article)).scalar_one()
        assert row.title == EVIL_TITLE
        assert row.url == article.url
        assert row.body_text == f"{SCRIPT} {INJECTION} 본문."
        assert s.execute(select(m.Press.name)).scalar_one() == INJECTION
        assert s.execute(select(m.Author.name)).scalar_one() == INJECTION
    rows = list(
        run_readonly(
            str(engine.url.render_as_string(hide_password=False)), "SELECT title FROM articles"
        ).rows
    )
    assert rows == [(EVIL_TITLE,)]


@pytest.mark.slow
def test_a_hostile_page_comes_out_as_text(tmp_path: Path) -> None:
    """Title with SQL and <script> (escaped in the page), a real <script> in the body."""
    body = [
        "첫 문단은 평범하다. 주가는 3% 올랐다.",
        f"둘째 문단은 {html.escape(SCRIPT)} 와 {html.escape(INJECTION)} 를 글자로 담는다.",
        "<script>document.write('executed')</script>셋째 문단이다.",
    ]
    page = article_page(7, title=html.escape(EVIL_TITLE, quote=True), paragraphs=body)
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"

    done = run(newsnote_argv("ingest", str(path), "--json", "--db", db))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["title"] == EVIL_TITLE, "the title is the page's text, unescaped once, verbatim"

    note = run(newsnote_argv("note", str(out["article_id"]), "--db", db))
    assert note.returncode == 0, note.stderr
    assert f"# {EVIL_TITLE}" in note.stdout.splitlines()[0]
    assert "document.write" not in note.stdout, "a page's script is never carried into a note"
    assert f"{SCRIPT} 와 {INJECTION}" in note.stdout

    rows = run(
        newsnote_argv("sql", "SELECT body_text FROM articles", "--db", db, "--format", "json")
    )
    assert rows.returncode == 0, rows.stderr
    assert "document.write" not in rows.stdout
    assert (
        SCRIPT.replace("'", "\\'") in rows.stdout
        or SCRIPT in json.loads(rows.stdout)[0]["body_text"]
    )
    COUNTS["security: hostile page round trips"] += 1
