"""`newsnote report`: named reports over the store (`--list` describes them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from pipeline.cli.common import SQL_INT_MAX, db_option, fail, settings
from pipeline.cli.output import output_options, write_rows

if TYPE_CHECKING:
    from storage.reports import Report

DAY = click.DateTime(formats=["%Y-%m-%d"])
FILTER_FLAGS = {
    "since": "--since DAY",
    "until": "--until DAY",
    "press": "--press NAME",
    "keyword": "--keyword TERM",
    "kind": "--kind KIND",
    "unit": "--unit UNIT",
    "limit": "--limit N",
    "min_presses": "--min-presses N",
}


@click.command("report")
@click.argument("name", required=False)
@click.argument("argument", required=False)
@click.option("--list", "list_reports", is_flag=True, help="Describe every report and exit.")
@click.option("--since", type=DAY, help="First day (KST), included: YYYY-MM-DD.")
@click.option("--until", type=DAY, help="Last day (KST), included: YYYY-MM-DD.")
@click.option("--press", help="Only this press, e.g. 한국경제.")
@click.option("--keyword", help="Only articles with this keyword (see --list per report).")
@click.option("--kind", help="figures: money, percent, percent_point, count, ratio, date, …")
@click.option("--unit", help="figures: KRW, USD, %, %p, 명, …")
@click.option(
    "--min-presses",
    type=click.IntRange(1, SQL_INT_MAX),
    default=None,
    metavar="N",
    help="stories: carried by at least N presses.",
)
@click.option(
    "--limit",
    type=click.IntRange(0, SQL_INT_MAX),
    help="At most N rows [default: per report, see --list]; 0 for all.",
)
@output_options
@db_option
def report(
    name: str | None,
    argument: str | None,
    list_reports: bool,
    fmt: str,
    db: str | None,
    **options: Any,
) -> None:
    """Named reports over the store: NAME [ARGUMENT] with filters.

    \b
    Examples:
      newsnote report --list
      newsnote report keywords --since 2024-03-01 --until 2024-03-07
      newsnote report keyword-trend 반도체 --format csv
      newsnote report figures --kind money --unit USD --press 한국경제
    """
    from storage.reports import REPORTS, ReportFilters, get_report, run_report

    if list_reports or name is None:
        if name is None and not list_reports:
            click.echo("Give a report NAME; the reports are:\n", err=True)
        for r in REPORTS.values():
            click.echo(_describe(r))
        return
    rep = get_report(name)
    given = {k for k, v in options.items() if v is not None}
    unused = sorted(given - set(rep.filters))
    if unused:
        flags = ", ".join(f"--{k}" for k in unused)
        fail(f"report {name} does not take {flags} (see `newsnote report --list`)")
    if rep.argument and not argument:
        fail(f"report {name} needs {rep.argument}: newsnote report {name} {rep.argument}")
    if argument and not rep.argument:
        fail(f"report {name} takes no argument (got {argument!r})")
    filters = ReportFilters(
        since=_day(options["since"]),
        until=_day(options["until"]),
        press=options["press"],
        keyword=options["keyword"],
        kind=options["kind"],
        unit=options["unit"],
        min_presses=options["min_presses"],
        limit=options["limit"],
        term=argument,
    )
    result = run_report(settings(db).database_url, name, filters)
    write_rows(result.columns, result.rows, fmt)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _describe(r: Report) -> str:
    usage = f"{r.name} {r.argument}" if r.argument else r.name
    flags = " ".join(f"[{FILTER_FLAGS[f]}]" for f in r.filters)
    text = click.wrap_text(r.description, width=88, initial_indent="    ", subsequent_indent="    ")
    return f"{usage}\n{text}\n    filters: {flags} (default limit {r.default_limit})\n"
