"""Chosun Ilbo: the current Arc XP site (www.chosun.com, biz.chosun.com) and the 2016 site.

Current pages carry the story as JSON (`Fusion.globalContent`, read by `scrapers.sites.arc`).
2016 pages (news.chosun.com/site/data/html_dir/…, EUC-KR) are HTML: the title in
`#news_title_text_id`, text in several `.par` blocks; an ad `<script>` can sit mid-word inside
a paragraph and is removed without inserting a space.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Author, Image, Page, RelatedLink
from scrapers.sites import arc
from scrapers.sites.base import (
    EMAIL_RE,
    KST,
    body_blocks,
    clean,
    drop,
    first,
    has_class,
    lines_split_on_br,
    meta,
    not_copyright,
    parse_document,
    reporter_name,
    text_of,
)
from scrapers.sites.related import links_in, related_in_body
from scrapers.sites.sources import BadSource, SourceSpec, all_links, web_url
from scrapers.urls import host_of, normalise_url, query_params

if TYPE_CHECKING:
    from lxml.html import HtmlElement

NAME = "chosun"
# 2: the 2016 pages' related articles (#rel_art_list_id, and 관련기사 boxes and lines in .par)
PARSER_VERSION = "2"

PRESS_BY_HOST = {
    "chosun.com": "조선일보",
    "news.chosun.com": "조선일보",
    "m.chosun.com": "조선일보",
    "biz.chosun.com": "조선비즈",
}
CANONICAL_HOST = {"chosun.com": "www.chosun.com"}
LEGACY_HOST = "news.chosun.com"
LEGACY_PATH = "/site/data/html_dir/{y}/{m}/{d}/{contid}.html"
CONTID_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})\d{5}$")

# Lists (`--source chosun:rss[=category]`): the Arc site's RSS feeds.
SOURCE_HELP = "chosun:rss[=…]"
RSS = "https://www.chosun.com/arc/outboundfeeds/rss/?outputType=xml"
CATEGORY_RSS = "https://www.chosun.com/arc/outboundfeeds/rss/category/{name}/?outputType=xml"

# 2016 site.
TITLE = "descendant::h1[@id='news_title_text_id'] | descendant::h2[@id='title_text']"
SUBTITLE = (
    f"descendant::h3[{has_class('news_subtitle')}] | descendant::div[{has_class('article')}]/h3"
)
DATE = "descendant-or-self::*[@id='date_text']"
AUTHOR_ITEMS = (
    f"descendant::div[{has_class('news_title_author')}]/descendant::li | "
    f"descendant::div[{has_class('title_author_2011')}]/li"
)
PARAGRAPHS = f"descendant::div[{has_class('par')}]"
PHOTOS = (
    "descendant::div[@id='news_body_id']/descendant::figure | "
    f"descendant::div[{has_class('par')}]/descendant::figure | "
    f"descendant::dl[{has_class('img_pop_div')}] | descendant::div[{has_class('news_imgslider')}]"
)
PHOTO_CAPTION = "descendant::figcaption | descendant::dt"
# The 2016 pages' list of related articles under the text (links carry "?related_all"); the
# section's most-read list and the day's other stories sit elsewhere on the page.
RELATED_LIST = "descendant::div[@id='rel_art_list_id']"
BODY_JUNK = f"descendant::script | descendant::style | descendant::*[{has_class('pop_btn_div')}]"
INPUT_RE = re.compile(r"입력\s*:?\s*(\d{4})\.(\d{1,2})\.(\d{1,2})\.?\s+(\d{1,2}):(\d{2})")
UPDATE_RE = re.compile(r"수정\s*:?\s*(\d{4})\.(\d{1,2})\.(\d{1,2})\.?\s+(\d{1,2}):(\d{2})")
# "<title>제목 - 1등 인터넷뉴스 조선닷컴 - 정치 > 정부ㆍ지자체</title>": the section follows.
TITLE_SECTION_RE = re.compile(r"조선닷컴\s*-\s*([^>]+?)\s*(?:>|$)")
LEGACY_ARTICLE_RE = re.compile(r"^/site/data/html_dir/\d{4}/\d{2}/\d{2}/\d+\.html$")
ARC_ARTICLE_RE = re.compile(r"^/[a-z_-]+(?:/[a-z_-]+)*/\d{4}/\d{2}/\d{2}/[A-Z0-9]{20,}/?$")
# Card-news pages end with promotion lines, not article text.
PROMO_RE = re.compile(r"카드뉴스가 더 보고 싶다면|페이스북에서 더 보기|^기사보기\s*:")


def handles(url: str) -> bool:
    return host_of(url) in PRESS_BY_HOST


def is_article_url(url: str) -> bool:
    """The 2016 /site/data/html_dir/…/<id>.html, or the Arc site's /<section>/…/<date>/<ID>."""
    path = urlsplit(url).path
    return bool(LEGACY_ARTICLE_RE.match(path) or ARC_ARTICLE_RE.match(path))


def canonical_url(url: str) -> str:
    parts = urlsplit(url)
    host = host_of(url)
    if host == "m.chosun.com":
        match = CONTID_RE.match(query_params(url).get("contid", ""))
        if match:
            y, m, d = match.groups()
            contid = match.group(0)
            return f"https://{LEGACY_HOST}{LEGACY_PATH.format(y=y, m=m, d=d, contid=contid)}"
    if host in PRESS_BY_HOST:
        return f"https://{CANONICAL_HOST.get(host, host)}{parts.path or '/'}"
    return normalise_url(url)


def list_urls(source: SourceSpec) -> list[str]:
    """chosun:rss            www.chosun.com's feed of all articles
    chosun:rss=politics   a category feed (or a full feed URL)
    """
    if "rss" not in source.params:
        raise BadSource(f"Chosun is read from its RSS: chosun:rss[=category] (got {source.spec!r})")
    name = source.params["rss"]
    if name.startswith(("http://", "https://")):
        return [web_url(name, source.spec)]
    return [CATEGORY_RSS.format(name=name) if name else RSS]


def list_links(root: HtmlElement, url: str) -> list[str]:
    """Every link: `is_article_url` tells the articles (Chosun's lists have no item markup
    that the 2016 and Arc sites share)."""
    return all_links(root)


def parse(page: Page) -> Article:
    story = arc.global_content(page.text)
    press = PRESS_BY_HOST.get(host_of(page.final_url), "조선일보")
    if story is not None:
        article = arc.article_from_story(
            story,
            page_url=page.final_url,
            site=NAME,
            parser=NAME,
            version=PARSER_VERSION,
            press=press,
        )
        canonical = canonical_url(article.url) if handles(article.url) else article.url
        return replace(article, url=canonical)
    root = parse_document(page.text)
    url = _page_url(root, page)
    if first(root, TITLE) is None and not root.xpath(PARAGRAPHS):
        raise NotAnArticle(NAME, url, "neither Fusion.globalContent nor an article body (.par)")
    return _parse_2016(root, url, press)


def _page_url(root: HtmlElement, page: Page) -> str:
    og = meta(root, "og:url")
    url = og if og and handles(og) else page.final_url
    return canonical_url(url)


def _parse_2016(root: HtmlElement, url: str, press: str) -> Article:
    title_el = first(root, TITLE)
    title = text_of(title_el) if title_el is not None else ""
    if not title:
        raise ParseError(NAME, url, "title (h1#news_title_text_id / h2#title_text)")
    date_el = first(root, DATE)
    if date_el is None:
        raise ParseError(NAME, url, "date (#date_text)")
    date_text = text_of(date_el)
    published = _time(INPUT_RE, date_text)
    if published is None:
        raise ParseError(NAME, url, f"'입력 : YYYY.MM.DD HH:MM' in #date_text ({date_text!r})")
    subtitle = first(root, SUBTITLE)
    images = _photos(root)
    related = _related(root, url, press)
    blocks = []
    for par in root.xpath(PARAGRAPHS):
        drop(par.xpath(BODY_JUNK))
        blocks += body_blocks(par, keep=lambda t: not_copyright(t) and not PROMO_RE.search(t))
    if not blocks:
        if images:
            raise NotAnArticle(NAME, url, f"card news: {len(images)} images and no text")
        raise ParseError(NAME, url, "body text in .par")
    return Article(
        url=url,
        site=NAME,
        title=title,
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        subheadings=lines_split_on_br(subtitle) if subtitle is not None else (),
        section=_section(root),
        published_at=published,
        updated_at=_time(UPDATE_RE, date_text),
        authors=_authors(root),
        images=images,
        related=related,
    )


def _related(root: HtmlElement, url: str, press: str) -> tuple[RelatedLink, ...]:
    """The related-article list (#rel_art_list_id), then 관련기사 boxes and lines in the text.

    Chosun's own links are given in canonical form (without "?related_all").
    """
    found: list[tuple[str, str]] = []
    for box in root.xpath(RELATED_LIST):
        found += links_in(box, url)
    for par in root.xpath(PARAGRAPHS):
        found += related_in_body(par, url)
    links: list[RelatedLink] = []
    for link, title in found:
        key = canonical_url(link) if handles(link) else link
        if key != url and all(key != r.url for r in links):
            links.append(RelatedLink(url=key, title=title, press=press if handles(link) else None))
    return tuple(links)


def _time(pattern: re.Pattern[str], text: str) -> datetime | None:
    match = pattern.search(text)
    if not match:
        return None
    y, m, d, hh, mm = (int(g) for g in match.groups())
    return datetime(y, m, d, hh, mm, tzinfo=KST)


def _photos(root: HtmlElement) -> tuple[Image, ...]:
    images: list[Image] = []
    photos = root.xpath(PHOTOS)
    for photo in photos:
        captions = photo.xpath(PHOTO_CAPTION)
        caption = text_of(captions[0]) if captions else ""
        for img in photo.xpath("descendant::img[@src]"):
            src = img.get("src")
            alt = clean(img.get("alt"))
            if src and "/cs/article/" not in src and all(i.url != src for i in images):
                images.append(Image(url=src, caption=caption or alt or None))
    drop(photos)
    return tuple(images)


def _authors(root: HtmlElement) -> tuple[Author, ...]:
    authors: dict[str, Author] = {}
    for item in root.xpath(AUTHOR_ITEMS):
        links = [text_of(a) for a in item.xpath("./a")]
        raw = links[0] if links and links[0] else clean(item.text)
        name = reporter_name(raw)
        email = EMAIL_RE.search(item.text_content())
        if name and name not in authors:
            authors[name] = Author(name=name, email=email.group(0) if email else None)
    return tuple(authors.values())


def _section(root: HtmlElement) -> str | None:
    titles = root.xpath("descendant::title")
    if not titles:
        return None
    match = TITLE_SECTION_RE.search(text_of(titles[0]))
    return clean(match.group(1)) if match else None
