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
@click.option(
    "--sentences",
    "summary_sentences",
    type=click.IntRange(0, 20),
    default=None,
    metavar="N",
    help="Highlight the N best summary sentences [default: the summary stored at ingest].",
)
@db_option
def note(article: str, out: Path | None, summary_sentences: int | None, db: str | None) -> None:
    """Render a stored article (URL_OR_ID) as a study note in Markdown.

    ARTICLE is the article's numeric id or its URL (any form of it that canonicalises to
    the stored one). The highlights are the note-taker's when the article came from a
    note, else its summary.
    """
    from pipeline.notes.from_store import render_stored_note
    from storage.db import connect_errors, ensure_schema, make_engine

    config = settings(db)
    engine = make_engine(config.database_url)
    try:
        ensure_schema(config.database_url, engine)
        with connect_errors(config.database_url):
            markdown = render_stored_note(engine, article, summary_sentences)
    finally:
        engine.dispose()
    if out is None:
        click.echo(markdown, nl=False)
    else:
        out.write_text(markdown, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
