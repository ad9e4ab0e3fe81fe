"""`newsnote digest`: a period's stories, most presses first, as Markdown or JSON."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from pipeline.cli.common import SQL_INT_MAX, db_option, fail, settings

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("digest")
@click.option("--day", type=DAY, help="One KST day: YYYY-MM-DD [default: the newest article's].")
@click.option("--since", type=DAY, help="First KST day, included (with --until).")
@click.option("--until", type=DAY, help="Last KST day, included [default: --since].")
@click.option(
    "--top",
    type=click.IntRange(0, SQL_INT_MAX),
    default=20,
    show_default=True,
    metavar="N",
    help="Stories shown, most presses first (0: all).",
)
@click.option("--press", help="Only stories one of whose articles is from this press.")
@click.option("--keyword", help="Only stories one of whose articles has this keyword.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@db_option
def digest(
    day: datetime | None,
    since: datetime | None,
    until: datetime | None,
    top: int,
    press: str | None,
    keyword: str | None,
    fmt: str,
    out: Path | None,
    db: str | None,
) -> None:
    """The stories of a day (or period), ranked by how many presses carried them.

    Each story: headline, presses, article count, first and last time (KST), a three-sentence
    summary drawn from its articles, key figures and the quantities presses reported
    differently, top keywords and speakers, and a link to every article.

    \b
    Examples:
      newsnote digest --day 2025-02-03
      newsnote digest --since 2025-02-03 --until 2025-02-07 --top 10 --format json
      newsnote digest --keyword 관세 --out digest.md
    """
    from pipeline.stories.digest import build_digest, to_json, to_markdown
    from storage.readonly import open_readonly
    from storage.reports import newest_day

    if day is not None and (since is not None or until is not None):
        fail("give --day, or --since/--until, not both")
    if until is not None and since is None:
        fail("--until needs --since")
    engine, conn = open_readonly(settings(db).database_url)
    conn.close()
    try:
        first: date
        if day is not None:
            first = last = day.date()
        elif since is not None:
            first = since.date()
            last = until.date() if until is not None else first
        else:
            first = last = newest_day(engine)
        if first > last:
            fail(f"--since {first} is after --until {last}")
        if last - first > timedelta(days=366):
            fail("a digest covers at most a year: narrow --since/--until")
        result = build_digest(engine, first, last, top=top, press=press, keyword=keyword)
    finally:
        engine.dispose()
    text = to_json(result) if fmt == "json" else to_markdown(result)
    if out is None:
        click.echo(text)
    else:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        click.echo(f"digest: {len(result.stories)} stories written to {out}", err=True)
