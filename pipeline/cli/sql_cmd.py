"""`newsnote sql`: one read-only query, printed as a table, CSV, JSON or markdown."""

from __future__ import annotations

import sys

import click

from pipeline.cli.common import db_option, settings
from pipeline.cli.output import output_options, write_rows


@click.command("sql")
@click.argument("query")
@output_options
@db_option
def sql(query: str, fmt: str, db: str | None) -> None:
    """Run a read-only SQL query on the store ("-" reads it from stdin).

    Exactly one query (SELECT, WITH … SELECT, VALUES or EXPLAIN) on a read-only connection;
    writes, DDL, PRAGMA, ATTACH and several statements are refused. Views for hand-written
    SQL: article_overview, keyword_daily, figure_facts, quote_facts, quotes_by_speaker,
    press_daily, run_health.

    \b
    Example:
      newsnote sql "SELECT day, term, articles FROM keyword_daily
                    WHERE term = '반도체' ORDER BY day"
    """
    from storage.readonly import run_readonly

    text = sys.stdin.read() if query == "-" else query
    result = run_readonly(settings(db).database_url, text)
    write_rows(result.columns, result.rows, fmt)
