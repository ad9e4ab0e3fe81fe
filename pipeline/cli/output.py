"""`--format table|csv|json|jsonl|markdown` for commands that print rows, and the writers.

CSV, JSON and JSON lines are written row by row as the database yields them, so a large
result never sits in memory; a table (rich) and markdown are for reading, and a table stops
after TABLE_MAX_ROWS rows with a note on stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "csv", "json", "jsonl", "markdown")
TABLE_MAX_ROWS = 1000  # a terminal table beyond this is unreadable; use csv or json
DISPLAY_TIME = "%Y-%m-%d %H:%M"
MIN_COLUMN_WIDTH = 8  # below this a column is unreadable: switch to one block per row


def output_options(func: F) -> F:
    """`--format`: how rows are printed (passed to the command as `fmt`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table (for reading), csv, json (one array), jsonl (one object a line), markdown.",
    )(func)


def display(value: Any) -> str:
    """A value as a person reads it in a table."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DISPLAY_TIME)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _plain(value: Any) -> Any:
    """A value for CSV and JSON: times in ISO 8601 (with their offset when they have one)."""
    if isinstance(value, datetime) and value.tzinfo is None:  # a view's KST wall time
        return value.isoformat(sep=" ")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    out: TextIO | None = None,
) -> int:
    """Write `rows` under `columns` in format `fmt`; return how many rows were written."""
    out = out or sys.stdout
    try:
        return WRITERS[fmt](list(columns), rows, out)
    finally:
        close = getattr(rows, "close", None)  # a table may stop early: release the cursor
        if close is not None:
            close()


def _csv(columns: list[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        w.writerow(["" if v is None else _plain(v) for v in row])
    return n


def _dumps(columns: list[str], row: Sequence[Any]) -> str:
    record = {c: _plain(v) for c, v in zip(columns, row, strict=True)}
    return json.dumps(record, ensure_ascii=False, default=str)


def _json(columns: list[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    n = 0
    out.write("[")
    for n, row in enumerate(rows, start=1):
        out.write(("\n" if n == 1 else ",\n") + _dumps(columns, row))
    out.write("\n]\n" if n else "]\n")
    return n


def _jsonl(columns: list[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        out.write(_dumps(columns, row) + "\n")
    return n


def _markdown_cell(value: Any) -> str:
    return display(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _markdown(columns: list[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    out.write("| " + " | ".join(_markdown_cell(c) for c in columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        out.write("| " + " | ".join(_markdown_cell(v) for v in row) + " |\n")
    return n


PIPED_WIDTH = 100_000


def _table(columns: list[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    from rich.console import Console
    from rich.table import Table

    # A terminal gets columns that fit its width; a pipe or a file gets every value whole
    # (rich would otherwise cut them to 80 columns with an ellipsis).
    width = None if out.isatty() else PIPED_WIDTH
    console = Console(file=out, soft_wrap=False, width=width)
    # Too many columns to read side by side: one block per row (like psql's expanded mode).
    expanded = len(columns) * MIN_COLUMN_WIDTH > console.width
    table = Table(*columns, header_style="bold")
    n = 0
    more = False
    for row in rows:
        if n == TABLE_MAX_ROWS:
            more = True
            break
        n += 1
        if expanded:
            record = Table.grid(padding=(0, 2))
            record.add_column(style="bold")
            record.add_column()
            for column, value in zip(columns, row, strict=True):
                record.add_row(column, display(value))
            console.print(f"[dim]─[ row {n} ]─[/dim]")
            console.print(record)
        else:
            table.add_row(*(display(v) for v in row))
    if not expanded:
        console.print(table)
    if more:
        click.echo(
            f"newsnote: showing the first {TABLE_MAX_ROWS} rows; "
            "use --limit or --format csv/json for all",
            err=True,
        )
    elif n == 0:
        click.echo("(no rows)", err=True)
    return n


WRITERS: dict[str, Callable[[list[str], Iterable[Sequence[Any]], TextIO], int]] = {
    "table": _table,
    "csv": _csv,
    "json": _json,
    "jsonl": _jsonl,
    "markdown": _markdown,
}
