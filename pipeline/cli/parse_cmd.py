"""`newsnote parse`: a saved page or a URL to an article, printed (nothing is stored)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from pipeline.errors import InputError

if TYPE_CHECKING:
    from scrapers.model import Article, Page

KST_NAME = "Asia/Seoul"
WEB_PREFIXES = ("http://", "https://")


@click.command("parse")
@click.argument("source", metavar="FILE_OR_URL")
@click.option("--url", "url", metavar="URL", help="The page's URL, for a saved file.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
def parse(source: str, url: str | None, as_json: bool) -> None:
    """Parse a saved page or URL and print the article (no storage).

    For a file, the URL comes from --url, else from the page's og:url or canonical link.
    A page without an article (a list or search page) exits non-zero.
    """
    from scrapers.parse import parse_page

    page = _load(source, url)
    article = parse_page(page)
    if as_json:
        click.echo(json.dumps(article_json(article), ensure_ascii=False, indent=2))
    else:
        click.echo(article_text(article))


def _load(source: str, url: str | None) -> Page:
    from pathlib import Path

    from scrapers.files import page_from_file

    if source.startswith(WEB_PREFIXES):
        if url is not None:
            raise InputError("--url is for a saved file; a URL argument is fetched as given")
        return _fetch(source)
    if not source.strip():
        raise InputError("an empty argument: give a URL or the path of a saved page")
    path = Path(source)
    if not path.exists():
        if "://" in source:
            from scrapers.errors import UnsupportedSite

            raise UnsupportedSite(source)
        raise InputError(f"no such file: {source}")
    return page_from_file(path, url)


def _fetch(url: str) -> Page:
    from pipeline.cli.common import settings
    from pipeline.settings import fetch_config_for
    from scrapers.fetch import fetch_url

    return fetch_url(url, fetch_config_for(settings(None)))


def article_json(article: Article) -> dict[str, Any]:
    """The article as plain JSON values (times in ISO 8601 with their offset)."""
    return {
        "url": article.url,
        "site": article.site,
        "press": article.press,
        "press_code": article.press_code,
        "title": article.title,
        "subheadings": list(article.subheadings),
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "authors": [{"name": a.name, "email": a.email} for a in article.authors],
        "section": article.section,
        "blocks": [{"kind": str(b.kind), "text": b.text} for b in article.blocks],
        "body_text": article.body_text,
        "images": [{"url": i.url, "caption": i.caption} for i in article.images],
        "related": [{"url": r.url, "title": r.title, "press": r.press} for r in article.related],
        "original_url": article.original_url,
        "parser": {"name": article.parser, "version": article.parser_version},
    }


def article_text(article: Article) -> str:
    """A readable rendering: title, deck, press and KST dates, authors, body."""
    from zoneinfo import ZoneInfo

    from scrapers.model import BlockKind

    kst = ZoneInfo(KST_NAME)
    lines = [article.title]
    lines += [f"  {line}" for line in article.subheadings]
    meta = [article.press or article.site]
    if article.published_at:
        meta.append(f"{article.published_at.astimezone(kst):%Y-%m-%d %H:%M} KST")
    if article.updated_at:
        meta.append(f"수정 {article.updated_at.astimezone(kst):%Y-%m-%d %H:%M} KST")
    lines.append(" · ".join(meta))
    if article.authors:
        lines.append(
            ", ".join(f"{a.name} <{a.email}>" if a.email else a.name for a in article.authors)
        )
    lines.append(article.url)
    for block in article.blocks:
        lines.append("")
        if block.kind is BlockKind.HEADING:
            lines.append(f"## {block.text}")
        elif block.kind is BlockKind.QUOTE:
            lines.append(f"> {block.text}")
        else:
            lines.append(block.text)
    return "\n".join(lines)
