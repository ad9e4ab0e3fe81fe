"""`newsnote import-note`: store study notes written by hand.

Each file is parsed whole before anything is stored, so a malformed note stores nothing;
the other files are still imported. With `--fetch` the note's source and related articles
are ingested first, so the note's rows attach to the page's text and its links resolve.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.common import db_option, settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy import Engine

    from pipeline.model import Note, Sentence
    from pipeline.notes.parse import BodyBlock
    from pipeline.settings import Settings
    from storage.notes import NoteSaveResult

# Bump when a note's sentences would come out differently ("note-2": split by Kiwi, as
# articles are, instead of a punctuation splitter of its own).
NOTE_ANALYSIS_VERSION = "note-2"


@click.command("import-note")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--fetch",
    is_flag=True,
    help="Also ingest the note's source article and its related articles.",
)
@db_option
def import_note(files: tuple[Path, ...], fetch: bool, db: str | None) -> None:
    """Store study notes written by hand (FILE… in the study-note format).

    Prints one line per note: stored, updated or unchanged, and its title. A malformed note
    is reported as FILE:LINE: message and nothing of it is stored.
    """
    from pipeline.errors import USER_ERRORS, NoteFormatError
    from pipeline.notes.parse import parse_note_with_body
    from pipeline.stories.assign import assign_story
    from storage.db import ensure_schema, make_engine

    config = settings(db)
    engine = make_engine(config.database_url)
    ensure_schema(config.database_url, engine)
    failed = False
    for path in files:
        try:
            markdown = path.read_text(encoding="utf-8")
            note, body = parse_note_with_body(markdown)
        except NoteFormatError as exc:
            message = str(exc).removeprefix(f"line {exc.line}: ")
            click.echo(f"newsnote: error: {path}:{exc.line}: {message}", err=True)
            failed = True
            continue
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"newsnote: error: {path}: cannot read: {exc}", err=True)
            failed = True
            continue
        try:
            stored_urls: dict[str, str] = {}
            if fetch:
                failed |= not _fetch(note, config, engine, stored_urls)
            result = store_note(engine, note, body, stored_urls=stored_urls)
            assign_story(engine, result, config)
        except USER_ERRORS as exc:
            click.echo(f"newsnote: error: {path}: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{result.status:<9} {result.article_id:>6}  {note.title}")
    engine.dispose()
    if failed:
        # not click's Exit: app.main runs click with standalone_mode=False, which returns
        # an Exit's code instead of exiting with it
        sys.exit(1)


def store_note(
    engine: Engine,
    note: Note,
    body: tuple[BodyBlock, ...],
    *,
    stored_urls: Mapping[str, str] | None = None,
) -> NoteSaveResult:
    """Store a parsed note under its canonical source URL (links canonicalised too).

    `stored_urls` maps a link as written to the URL its page was stored under, when it was
    just ingested (a page may name a canonical URL of its own).
    """
    from pipeline.model import Analysis
    from scrapers.sites import canonical_url, find_site
    from storage.notes import save_note

    known = stored_urls or {}

    def key(link_url: str) -> str:
        return known.get(link_url) or canonical_url(link_url)

    url = key(note.source.url)
    canonical = replace(
        note,
        related_links=tuple(replace(link, url=key(link.url)) for link in note.related_links),
    )
    analysis = Analysis(sentences=note_sentences(body), version=NOTE_ANALYSIS_VERSION)
    return save_note(
        engine,
        canonical,
        url=url,
        blocks=body,
        analysis=analysis,
        site=find_site(url).NAME,
    )


def note_sentences(body: tuple[BodyBlock, ...]) -> tuple[Sentence, ...]:
    """Sentences of the note's paragraphs, with their figures, split as analysis splits an
    article's (`pipeline.analysis.sentences`: one sentence splitter for both)."""
    from pipeline.analysis.sentences import split_article
    from pipeline.figures import extract_figures
    from scrapers.model import Article, Block, BlockKind

    blocks = tuple(
        Block(BlockKind.PARAGRAPH if b.kind == "paragraph" else BlockKind.HEADING, b.text)
        for b in body
    )
    split = split_article(Article("", "note", "", blocks, "note", "1"))
    paragraph_sentences = [s for s in split.sentences if body[s.block_index].kind == "paragraph"]
    return tuple(
        replace(s, index=i, figures=tuple(extract_figures(s.text)))
        for i, s in enumerate(paragraph_sentences)
    )


def _fetch(note: Note, config: Settings, engine: Engine, stored_urls: dict[str, str]) -> bool:
    """Ingest the source and related articles, noting where each was stored.

    False when any of them failed (reported on stderr); the note is stored all the same.
    """
    from pipeline.errors import USER_ERRORS
    from pipeline.ingest import ingest_target

    ok = True
    for link in (note.source, *note.related_links):
        try:
            stored_urls[link.url] = ingest_target(link.url, config, engine).article.url
        except USER_ERRORS as exc:
            click.echo(f"newsnote: error: fetching {link.url}: {exc}", err=True)
            ok = False
    return ok
