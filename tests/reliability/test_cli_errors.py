"""Every failure a user can cause is one line on stderr and a non-zero exit, never a traceback.

The real `newsnote` process is run, so what is checked is what a user sees in a terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import db as storage_db
from tests.reliability.conftest import COUNTS
from tests.reliability.proc import Done, newsnote_argv, run

UNREACHABLE_PG = "postgresql://nobody@127.0.0.1:1/none"


def assert_one_line_error(done: Done, *, says: str) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0, f"{done.argv}: exit 0\n{done.stdout}"
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1, f"{done.argv}: expected one line, got:\n{done.stderr}"
    assert lines[0].startswith("newsnote: error:"), lines[0]
    assert says.lower() in lines[0].lower(), (says, lines[0])
    COUNTS["cli: user errors checked"] += 1


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "store.db"
    storage_db.upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    out = {
        "empty_urls": d / "empty.txt",
        "comment_urls": d / "comments.txt",
        "bad_note": d / "bad-note.md",
        "binary_note": d / "binary-note.md",
        "not_article": d / "list.html",
        "binary_urls": d / "binary.txt",
    }
    out["empty_urls"].write_text("", encoding="utf-8")
    out["comment_urls"].write_text("# nothing here\n\n", encoding="utf-8")
    out["bad_note"].write_text("just a line without a title\n\n* a bullet\n", encoding="utf-8")
    out["binary_note"].write_bytes(b"\xff\xfe\x00garbage\x80\x81")
    out["folder"] = d
    out["binary_page"] = d / "binary.html"
    out["binary_page"].write_bytes(bytes(range(256)) * 64)
    out["binary_urls"].write_bytes(b"\xff\xfe\x00\x80\x81\n")
    out["not_article"].write_text(
        '<html><head><meta property="og:url" content="https://example.com/list">'
        "<title>목록</title></head><body><ul><li>하나</li></ul></body></html>",
        encoding="utf-8",
    )
    return out


CASES: list[tuple[str, list[str], str]] = [
    ("ingest-ftp", ["ingest", "ftp://example.com/a.html"], "scheme"),
    ("ingest-javascript", ["ingest", "javascript:alert(1)"], "scheme"),
    ("ingest-data-url", ["ingest", "data:text/html,<p>x</p>"], "scheme"),
    ("ingest-missing-file", ["ingest", "/no/such/page.html"], "no such file"),
    ("ingest-not-an-article", ["ingest", "{not_article}"], "article"),
    ("ingest-folder", ["ingest", "{folder}"], "is a folder, not a saved page"),
    ("ingest-empty-argument", ["ingest", ""], "an empty argument"),
    ("ingest-binary-file", ["ingest", "{binary_page}"], "binary.html: the bytes do not decode"),
    ("parse-folder", ["parse", "{folder}"], "is a folder, not a saved page"),
    ("parse-ftp", ["parse", "ftp://example.com/a.html"], "ftp"),
    ("parse-missing-file", ["parse", "/no/such/page.html"], "page.html"),
    ("batch-missing-url-file", ["batch", "--urls", "/no/such/urls.txt"], "cannot read"),
    ("batch-empty-url-file", ["batch", "--urls", "{empty_urls}"], "no URLs"),
    ("batch-only-comments", ["batch", "--urls", "{comment_urls}"], "no URLs"),
    ("batch-binary-url-file", ["batch", "--urls", "{binary_urls}"], "cannot read"),
    ("batch-nothing-to-do", ["batch"], "--urls"),
    ("import-malformed-note", ["import-note", "{bad_note}"], "line"),
    ("import-binary-note", ["import-note", "{binary_note}"], "binary-note.md"),
    ("import-missing-note", ["import-note", "/no/such/note.md"], "note.md"),
    ("sql-insert", ["sql", "INSERT INTO press (name) VALUES ('x')"], "INSERT"),
    ("sql-syntax", ["sql", "SELEC * FROM articles"], "syntax error at 'SELEC'"),
    ("sql-unknown-table", ["sql", "SELECT * FROM no_such_table"], "no_such_table"),
    ("report-unknown", ["report", "no-such-report"], "no-such-report"),
    ("note-unknown-article", ["note", "https://example.com/never-stored"], "example.com"),
]


@pytest.mark.parametrize(("argv", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_user_errors_are_one_line(
    argv: list[str], says: str, store: str, files: dict[str, Path]
) -> None:
    args = [a.format(**{k: str(v) for k, v in files.items()}) for a in argv]
    if args[0] != "parse":  # parse reads and prints; it has no store
        args += ["--db", store]
    done = run(newsnote_argv(*args))
    assert_one_line_error(done, says=says)


@pytest.mark.parametrize(
    "argv",
    [
        ["sql", "SELECT 1"],
        ["report", "keywords"],
        ["ingest", "/no/such/page.html"],
        ["batch", "--urls", "-"],
        ["note", "1"],
    ],
    ids=["sql", "report", "ingest", "batch", "note"],
)
def test_an_unreachable_database_is_one_line(argv: list[str]) -> None:
    stdin = "http://127.0.0.2:9/a\n" if "-" in argv else None
    done = run(newsnote_argv(*argv, "--db", UNREACHABLE_PG), stdin=stdin)
    # ingest of a missing file may say either; both are one clear line
    assert_one_line_error(done, says="")
    assert "127.0.0.1" in done.stderr or "no such file" in done.stderr


def test_ingest_of_an_ipv6_url_is_one_line(store: str) -> None:
    done = run(newsnote_argv("ingest", "http://[::ffff:127.0.0.2]:1/x", "--db", store))
    assert_one_line_error(done, says="")


@pytest.mark.parametrize(
    "db",
    [
        "sqlite:////no/such/dir/at/all/x.db",
        "nonsense://",
        "mysql://u@127.0.0.1:1/x",  # a known dialect without its driver
    ],
)
def test_a_malformed_or_missing_database_is_one_line(db: str) -> None:
    assert_one_line_error(run(newsnote_argv("sql", "SELECT 1", "--db", db)), says="")
