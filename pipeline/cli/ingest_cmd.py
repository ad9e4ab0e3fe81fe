"""`newsnote ingest`: fetch or read articles, analyse and store them, print what was stored."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from pipeline.cli.common import db_option, fail, settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine

    from pipeline.ingest import IngestResult
    from pipeline.model import Analysis
    from scrapers.model import Page

KST_NAME = "Asia/Seoul"
SHOWN_KEYWORDS = 8


@click.command("ingest")
@click.argument("targets", nargs=-1, required=True, metavar="URL_OR_FILE...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article.")
@click.option("--note", "as_note", is_flag=True, help="Print each article's study note.")
@click.option("--url", "url", metavar="URL", help="The page's URL, for one saved file.")
@click.option(
    "--sentences",
    "--summary-sentences",
    "summary_sentences",
    type=click.IntRange(0, 20),
    default=None,
    metavar="N",
    help="Sentences in the summary (the note's highlights) [default: 3].",
)
@db_option
def ingest(
    targets: tuple[str, ...],
    as_json: bool,
    as_note: bool,
    url: str | None,
    summary_sentences: int | None,
    db: str | None,
) -> None:
    """Fetch or read articles, analyse and store them; print a summary, JSON or the note.

    Each target is an http(s) URL, a file:// URL or a saved page. Storing the same article
    again changes nothing; an edited one replaces what was derived from it. A target that
    fails prints one line and the others go on; the exit code is then 1.

    \b
    Examples:
      newsnote ingest examples/example_article.html --note
      newsnote ingest 'https://n.news.naver.com/article/newspaper/015/0004906221?date=20231025'
    """
    from pipeline.errors import USER_ERRORS
    from pipeline.ingest import ingest_pages, load_page
    from storage import db as storage_db

    if as_json and as_note:
        fail("give --json or --note, not both")
    if url is not None and len(targets) != 1:
        fail("--url names the URL of one saved file; give a single target with it")
    overrides: dict[str, object] = {}
    if summary_sentences is not None:
        overrides["summary_sentences"] = summary_sentences
    conf = settings(db, **overrides)
    engine = storage_db.make_engine(conf.database_url)
    storage_db.ensure_schema(conf.database_url, engine)

    def loaded() -> Iterator[tuple[str, Page | Exception]]:
        for target in targets:
            try:
                yield target, load_page(target, conf, url=url)
            except USER_ERRORS as exc:
                yield target, exc

    def error(target: str, exc: Exception) -> None:
        prefix = f"{target}: " if len(targets) > 1 and target not in str(exc) else ""
        click.echo(f"newsnote: error: {prefix}{exc}", err=True)

    failed = 0
    # analysed even when unchanged, so that every article has its summary to show
    outcomes = ingest_pages(engine, loaded(), conf, skip_unchanged=False)
    for i, (target, result) in enumerate(outcomes):
        if isinstance(result, Exception):
            failed += 1
            error(target, result)
            continue
        try:
            text = _shown(engine, result, conf.summary_sentences, as_json=as_json, as_note=as_note)
        except USER_ERRORS as exc:  # the note's read: the article was deleted meanwhile
            failed += 1
            error(target, exc)
            continue
        if i and not as_json:
            click.echo()
        click.echo(text)
    if failed:
        # SystemExit, not click's Exit: the app runs click with standalone_mode=False,
        # where an Exit's code is returned and lost
        raise SystemExit(1)


def _shown(
    engine: Engine, result: IngestResult, summary_sentences: int, *, as_json: bool, as_note: bool
) -> str:
    if as_json:
        return json.dumps(result_json(result), ensure_ascii=False)
    if as_note:
        return _note(engine, result.save.article_id, summary_sentences)
    return result_text(result)


def _note(engine: Engine, article_id: int, summary_sentences: int) -> str:
    from pipeline.notes.from_store import render_stored_note

    return render_stored_note(engine, article_id, summary_sentences)


def _kst(value: Any) -> str | None:
    from zoneinfo import ZoneInfo

    return f"{value.astimezone(ZoneInfo(KST_NAME)):%Y-%m-%d %H:%M} KST" if value else None


def _analysis(result: IngestResult) -> Analysis:
    assert result.analysis is not None, "ingest analyses unchanged articles too"
    return result.analysis


def _figures(result: IngestResult) -> list[tuple[int, Any]]:
    return [(s.index, f) for s in _analysis(result).sentences for f in s.figures]


def _figure_text(f: Any) -> str:
    parts = [f.kind, str(f.value)]
    if f.range_to is not None:
        parts[-1] += f"~{f.range_to}"
    if f.unit:
        parts.append(f.unit)
    if f.approx:
        parts.append("(approx.)")
    if f.direction:
        parts.append(f.direction)
    return f"{f.text}: {' '.join(parts)}"


def result_text(result: IngestResult) -> str:
    """Title, press and KST time, status, keywords, summary and figures, for reading."""
    a, an, save = result.article, _analysis(result), result.save
    meta = [a.press or a.site]
    if a.published_at:
        meta.append(_kst(a.published_at) or "")
    meta.append(f"{save.status} (article {save.article_id}, revision {save.revision})")
    lines = [a.title, " · ".join(meta), a.url]
    keywords = ", ".join(k.term for k in an.keywords[:SHOWN_KEYWORDS])
    lines.append(f"keywords: {keywords or '-'}")
    if an.summary:
        lines.append("summary:")
        lines += [f"  {n}. {an.sentences[i].text}" for n, i in enumerate(an.summary, start=1)]
    figures = _figures(result)
    lines.append(f"figures: {len(figures)}")
    lines += [f"  - {_figure_text(f)}" for _, f in figures]
    return "\n".join(lines)


def result_json(result: IngestResult) -> dict[str, Any]:
    a, an, save = result.article, _analysis(result), result.save
    return {
        "article_id": save.article_id,
        "status": save.status,
        "revision": save.revision,
        "url": a.url,
        "title": a.title,
        "press": a.press,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "published_kst": _kst(a.published_at),
        "keywords": [{"term": k.term, "score": k.score, "rank": k.rank} for k in an.keywords],
        "summary": [an.sentences[i].text for i in an.summary],
        "evidence": [an.sentences[i].text for i in an.evidence],
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in an.quotes],
        "glossary": [{"term": g.term, "definitions": list(g.definitions)} for g in an.glossary],
        "figures": [
            {
                "sentence": i,
                "text": f.text,
                "kind": f.kind,
                "value": f.value,
                "unit": f.unit,
                "approx": f.approx,
                "range_to": f.range_to,
                "direction": f.direction,
            }
            for i, f in _figures(result)
        ],
        "sentences": len(an.sentences),
        "analysis_version": an.version,
    }
