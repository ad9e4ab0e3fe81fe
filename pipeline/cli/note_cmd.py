"""`newsnote note`: a stored article as a study note."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import db_option, settings


@click.command("note")
@click.argument("article")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the note to FILE instead of standard output.",
)
@db_option
def note(article: str, out: Path | None, db: str | None) -> None:
    """Render a stored article (URL_OR_ID) as a study note in Markdown.

    ARTICLE is the article's numeric id or its URL (any form of it that canonicalises to
    the stored one).
    """
    from pipeline.notes.from_store import render_stored_note
    from storage.db import connect_errors, ensure_schema, make_engine

    config = settings(db)
    engine = make_engine(config.database_url)
    try:
        ensure_schema(config.database_url, engine)
        with connect_errors(config.database_url):
            markdown = render_stored_note(engine, article)
    finally:
        engine.dispose()
    if out is None:
        click.echo(markdown, nl=False)
    else:
        out.write_text(markdown, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
