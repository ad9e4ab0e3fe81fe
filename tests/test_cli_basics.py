"""The CLI's promises that hold for every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli import newsnote
from tests.conftest import REPO

run = newsnote


def test_help_lists_every_command() -> None:
    out = run("--help").stdout
    for name in (
        "ingest",
        "batch",
        "parse",
        "note",
        "import-note",
        "report",
        "sql",
        "db",
        "worker",
    ):
        assert f"  {name} " in out


def test_help_does_not_load_the_tokenizer() -> None:
    code = (
        "import sys; from pipeline.cli.app import cli; "
        "heavy = {'kiwipiepy', 'sqlalchemy'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_every_command_has_help_text() -> None:
    from pipeline.cli.app import COMMANDS

    for command in COMMANDS:
        assert command.help, f"{command.name} has no help text"
        assert run(str(command.name), "--help").returncode == 0


def test_db_upgrade_then_current_names_the_database(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run("db", "upgrade", "--db", str(db)).returncode == 0
    out = run("db", "current", "--db", str(db))
    assert str(db) in out.stdout
    assert "up to date" in out.stdout


def test_unreachable_database_is_one_line_not_a_traceback() -> None:
    proc = run("db", "current", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("newsnote: error:")


def test_ids_and_limits_beyond_the_stores_integers_are_refused_without_a_traceback(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "news.db")
    too_big = str(2**63)
    note = run("note", too_big, "--db", db)
    assert (note.returncode, note.stderr) == (
        1,
        f"newsnote: error: no stored article for {too_big}\n",
    )
    for args in (("report", "articles", "--limit"), ("batch", "--urls", "-", "--limit")):
        result = run(*args, "99999999999999999999999", "--db", db)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert "is not in the range" in result.stderr
