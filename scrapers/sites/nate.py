"""Nate News (news.nate.com/view/<id>), served as EUC-KR.

The page's own ids and classes are misspelt (`articleSubecjt`, `articleContetns`); the
selectors below keep them as the site writes them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin, urlsplit

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Image, Page, RelatedLink
from scrapers.sites.base import (
    KST,
    authors_in_body,
    body_blocks,
    clean,
    drop,
    first,
    has_class,
    meta,
    not_copyright,
    parse_document,
    text_of,
)
from scrapers.sites.related import related_in_body
from scrapers.sites.sources import BadSource, SourceSpec, all_links
from scrapers.urls import host_of, normalise_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

NAME = "nate"
# 2: related links: 관련기사 boxes and lines in the body (#realArtcContents)
PARSER_VERSION = "2"

HOSTS = frozenset({"news.nate.com", "m.news.nate.com"})
VIEW_RE = re.compile(r"^/view/(\d{8}n\d+)")
CANONICAL = "https://news.nate.com/view/{id}"

# Lists (`--source nate:mid=n0100`): the latest-news list of a section, per day with --since.
SOURCE_HELP = "nate:mid=…"
RECENT = "https://news.nate.com/recent"
LIST_ID_RE = re.compile(r"n\d{4}")

TITLE = f"descendant::h3[{has_class('articleSubecjt')}]"  # sic
OG_TITLE_SUFFIX = " : 네이트 뉴스"
CONTAINER = "descendant-or-self::*[@id='articleContetns']"  # sic
BODY = "descendant-or-self::*[@id='articleContetns']/descendant::*[@id='realArtcContents']"
INFO = f"descendant-or-self::*[{has_class('articleInfo')}]"
FIRST_DATE = f"{INFO}/descendant::*[{has_class('firstDate')}]"
LAST_DATE = f"{INFO}/descendant::*[{has_class('lastDate')}]"
PRESS = f"descendant::a[{has_class('medium')}]"
PHOTOS = (
    f"descendant::figure | descendant::*[{has_class('articlePhotoC')}] | "
    "descendant::table[descendant::img]"
)
PHOTO_CAPTION = (
    f"descendant::figcaption | descendant::*[{has_class('tdCaption')} or {has_class('caption')}]"
)
BODY_JUNK = (
    "descendant::script | descendant::style | descendant::iframe | "
    f"descendant::*[{has_class('ad')} or {has_class('articleAd')} or {has_class('relNews')}]"
)
DATE_RE = re.compile(r"(\d{4})[-.](\d{1,2})[-.](\d{1,2})\.?\s+(\d{1,2}):(\d{2})")


def handles(url: str) -> bool:
    return host_of(url) in HOSTS


def is_article_url(url: str) -> bool:
    return VIEW_RE.match(urlsplit(url).path) is not None


def canonical_url(url: str) -> str:
    match = VIEW_RE.match(urlsplit(url).path)
    if match:
        return CANONICAL.format(id=match.group(1))
    return normalise_url(url)


def list_urls(source: SourceSpec) -> list[str]:
    """nate:mid=n0100   news.nate.com/recent list (one per day with --since)"""
    mid = source.params.get("mid", "n0100")
    if not LIST_ID_RE.fullmatch(mid):
        raise BadSource(f"bad Nate list id {mid!r} in {source.spec!r} (e.g. mid=n0100)")
    if not source.days:
        return [f"{RECENT}?{urlencode({'mid': mid})}"]
    return [
        f"{RECENT}?{urlencode({'mid': mid, 'type': 'c', 'date': d.strftime('%Y%m%d')})}"
        for d in source.days
    ]


def list_links(root: HtmlElement, url: str) -> list[str]:
    """Every link: `is_article_url` (a `/view/<id>` path) tells the articles."""
    return all_links(root)


def parse(page: Page) -> Article:
    root = parse_document(page.text)
    url = _page_url(root, page)
    body = first(root, BODY)
    if body is None:
        if VIEW_RE.match(urlsplit(url).path) is None and first(root, CONTAINER) is None:
            raise NotAnArticle(NAME, url, "no article body (#articleContetns); not a /view/ page")
        if first(root, CONTAINER) is None:
            raise ParseError(NAME, url, "article container #articleContetns")
        raise ParseError(NAME, url, "article body #realArtcContents inside #articleContetns")
    title = _title(root)
    if not title:
        raise ParseError(NAME, url, "title (h3.articleSubecjt or og:title)")
    first_date = first(root, FIRST_DATE)
    if first_date is None:
        raise ParseError(NAME, url, "publication date (.articleInfo .firstDate)")
    published = _time(text_of(first_date))
    if published is None:
        raise ParseError(NAME, url, f"a date in .articleInfo .firstDate ({text_of(first_date)!r})")
    last_date = first(root, LAST_DATE)
    # Read before the furniture (.relNews among it) is dropped; only a box or line the page
    # labels 관련기사 counts, whatever its class.
    related = tuple(
        RelatedLink(url=canonical_url(link) if handles(link) else link, title=title, press=None)
        for link, title in related_in_body(body, url)
    )
    images = _photos(body, url)
    drop(body.xpath(BODY_JUNK))
    blocks = body_blocks(body, keep=not_copyright)
    if not blocks:
        raise ParseError(NAME, url, "body text in #realArtcContents")
    return Article(
        url=url,
        site=NAME,
        title=title,
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=_press(root),
        published_at=published,
        updated_at=_time(text_of(last_date)) if last_date is not None else None,
        authors=authors_in_body(blocks),
        images=images,
        related=related,
    )


def _page_url(root: HtmlElement, page: Page) -> str:
    if VIEW_RE.match(urlsplit(page.final_url).path):
        return canonical_url(page.final_url)
    og = meta(root, "og:url")
    if og and handles(og):
        return canonical_url(og)
    return canonical_url(page.final_url)


def _title(root: HtmlElement) -> str:
    heading = first(root, TITLE)
    if heading is not None and text_of(heading):
        return text_of(heading)
    og = meta(root, "og:title") or ""
    return og.removesuffix(OG_TITLE_SUFFIX).strip()


def _press(root: HtmlElement) -> str | None:
    link = first(root, PRESS)
    if link is None:
        return None
    alts = [clean(a) for a in link.xpath("descendant::img/@alt")]
    return text_of(link) or next((a for a in alts if a), None)


def _time(text: str) -> datetime | None:
    match = DATE_RE.search(text)
    if not match:
        return None
    y, m, d, hh, mm = (int(g) for g in match.groups())
    return datetime(y, m, d, hh, mm, tzinfo=KST)


def _photos(body: HtmlElement, url: str) -> tuple[Image, ...]:
    images: list[Image] = []
    photos = body.xpath(PHOTOS)
    for photo in photos:
        captions = photo.xpath(PHOTO_CAPTION)
        caption = text_of(captions[0]) if captions else None
        for img in photo.xpath("descendant::img[@src]"):
            src = urljoin(url, img.get("src"))
            if src and all(i.url != src for i in images):
                images.append(Image(url=src, caption=caption or clean(img.get("alt")) or None))
    drop(photos)
    return tuple(images)
