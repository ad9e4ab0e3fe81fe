"""Any other site: Arc XP JSON when the page has it, else trafilatura.

A page must say it is an article (og:type "article", `article:published_time`, or a JSON-LD
Article) before anything is extracted: trafilatura happily returns the teaser text of a list
page, which is not an article.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Author, Block, BlockKind, Page
from scrapers.sites import arc
from scrapers.sites.base import (
    HANGUL_TEXT_RE,
    authors_in_body,
    clean,
    kst,
    meta,
    not_copyright,
    parse_document,
)
from scrapers.urls import normalise_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

NAME = "generic"
PARSER_VERSION = "1"

ARTICLE_OG_TYPES = frozenset({"article", "news", "article:news"})
ARTICLE_META = ("article:published_time", "og:article:published_time", "article:modified_time")
JSON_LD = "//script[@type='application/ld+json']/text()"
JSON_LD_ARTICLE_RE = re.compile(
    r'"@type"\s*:\s*\[?\s*"(?:News|Reportage|Analysis|Opinion|Report)?Article"|'
    r'"@type"\s*:\s*\[?\s*"BlogPosting"'
)
DATE_PARAMS = {
    "extensive_search": False,  # same dates on the corpus, 17% faster parse
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
# Author strings trafilatura picks up from labels rather than names.
NOT_AUTHORS = frozenset({"입력", "수정", "anónimo", "anonymous", "admin", "editor"})
MAX_AUTHOR_CHARS = 40


def handles(url: str) -> bool:
    return True


def canonical_url(url: str) -> str:
    return normalise_url(url)


def parse(page: Page) -> Article:
    story = arc.global_content(page.text)
    if story is not None:
        root = parse_document(page.text)
        return arc.article_from_story(
            story,
            page_url=page.final_url,
            site=NAME,
            parser=NAME,
            version=PARSER_VERSION,
            press=meta(root, "og:site_name"),
        )
    root = parse_document(page.text)
    url = canonical_url(page.final_url)
    why_not = _not_an_article(root)
    if why_not is not None:
        raise NotAnArticle(NAME, url, why_not)
    og_title = meta(root, "og:title")
    root_meta_time = meta(root, "article:published_time") or meta(root, "og:article:published_time")
    site_name = meta(root, "og:site_name")
    import trafilatura

    doc = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=DATE_PARAMS,
    )
    data: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    blocks = [
        Block(BlockKind.PARAGRAPH, line)
        for line in (clean(raw) for raw in str(data.get("text") or "").split("\n"))
        if line and not_copyright(line)
    ]
    if not blocks:
        raise NotAnArticle(NAME, url, "no article text found")
    title = clean(data.get("title")) or og_title or ""
    if not title:
        raise ParseError(NAME, url, "title (<title>, og:title or h1)")
    return Article(
        url=url,
        site=NAME,
        title=title,
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=clean(data.get("sitename")) or site_name,
        section=", ".join(data.get("categories") or []) or None,
        published_at=_published(root_meta_time, data.get("date"), title),
        authors=authors_in_body(blocks) or _authors(data.get("author")),
    )


def _not_an_article(root: HtmlElement) -> str | None:
    """Why the page is not an article, or None when it says it is one."""
    og_type = (meta(root, "og:type") or "").lower()
    if og_type in ARTICLE_OG_TYPES:
        return None
    if any(meta(root, key) for key in ARTICLE_META):
        return None
    if any(JSON_LD_ARTICLE_RE.search(str(s)) for s in root.xpath(JSON_LD)):
        return None
    described = f"og:type is {og_type!r}" if og_type else "no og:type"
    return f"the page does not declare an article ({described}, no JSON-LD Article)"


def _published(meta_time: str | None, extracted: str | None, title: str) -> datetime | None:
    """The page's own article:published_time when readable, else trafilatura's date."""
    korean = bool(HANGUL_TEXT_RE.search(title))
    return _date(meta_time, korean=korean) or _date(extracted, korean=korean)


def _date(value: str | None, *, korean: bool) -> datetime | None:
    """trafilatura's date; a time without offset is KST on Korean pages, else UTC."""
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return kst(parsed) if korean else parsed.replace(tzinfo=UTC)
    return parsed


def _authors(value: str | None) -> tuple[Author, ...]:
    if not value:
        return ()
    names = [clean(n) for n in value.split(";")]
    return tuple(
        Author(name=n)
        for n in names
        if n and n.lower() not in NOT_AUTHORS and len(n) <= MAX_AUTHOR_CHARS
    )
