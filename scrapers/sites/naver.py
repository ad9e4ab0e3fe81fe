"""Naver News: article pages of each Naver layout, read by the layout the page has.

Every Naver URL form of one article (desktop, mobile, newspaper, read.naver / read.nhn,
entertainment and sports hosts) maps to https://n.news.naver.com/mnews/article/<oid>/<aid>,
keyed by the press code (oid) and the article id (aid): Naver itself redirects them there.

The layouts stand side by side in `LAYOUTS`, each with its body selector and its reader
(the idea of fundus's per-publisher layout versions): a page is read by the first layout
whose body it has, and a new layout is an added entry, not an edit to a working one.
- current (n.news.naver.com, 2021-): verified on real pages;
- read.nhn (news.naver.com/main/read.nhn, until 2021): verified on a real page;
- sports (sports.news.naver.com/news, #newsEndContents, 2017-2022): verified on a real page;
- entertainment (entertain.naver.com/read, #articeBody, until 2023): built from the
  structure public scrapers document, tested on pages written in it; no real page;
- app (m.entertain.naver.com, m.sports.naver.com, 2023-, `._article_content` as a browser
  renders it): likewise documented structure only.

A page that no layout reads is refused with the reason: a list or search page, a deleted
article (Naver's notice), the entertainment/sports app's shell (its HTML has no text: the
app loads it by script), else a `ParseError` naming every body element looked for. Inside a
layout a missing title or time is a `ParseError` naming the element; a body without prose
is a video-only page or a photo gallery (`NotAnArticle`) when it held a video or pictures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Author, Block, Image, Page, RelatedLink
from scrapers.sites.base import (
    KST,
    author_from_byline,
    authors_in_body,
    body_blocks,
    clean,
    drop,
    first,
    has_class,
    is_contribution,
    kst,
    lines_split_on_br,
    merge_authors,
    meta,
    not_copyright,
    parse_document,
    reporter_name,
    text_of,
    with_class,
    writer_of_line,
)
from scrapers.sites.dense_text import densest_container
from scrapers.sites.related import related_in_body
from scrapers.sites.sources import BadSource, SourceSpec, all_links
from scrapers.urls import host_of, normalise_url, query_params

if TYPE_CHECKING:
    from lxml.html import HtmlElement

NAME = "naver"
# 2: related links are only the body's 관련기사 boxes and lines, no longer the press's
# picks under the article (.media_end_linked, "주요뉴스 … 해당 언론사에서 선정")
# 3: the sports layout; the read.nhn layout's deck, bylines and press promotions
# 4: the section is the press's first-listed one; a contribution's writer line in the deck
# slot is its byline; the entertainment and app layouts; video-only pages and galleries refused
PARSER_VERSION = "4"

HOSTS = frozenset(
    {
        "n.news.naver.com",
        "news.naver.com",
        "m.news.naver.com",
        "entertain.naver.com",
        "m.entertain.naver.com",
        "sports.naver.com",
        "m.sports.naver.com",
        "sports.news.naver.com",
        "search.naver.com",
        "m.search.naver.com",
    }
)
CANONICAL = "https://n.news.naver.com/mnews/article/{oid}/{aid}"

# Lists (`--source naver:…`): a section page, or main/list.naver's lists by day and page.
SOURCE_HELP = "naver:section=…"
SECTION_PAGE = "https://news.naver.com/section/{sid}"
LIST_PAGE = "https://news.naver.com/main/list.naver"
SECTIONS = frozenset({"100", "101", "102", "103", "104", "105"})
MAX_PAGES = 50
LIST_HOSTS = frozenset({"news.naver.com", "n.news.naver.com"})
# A section page's own list: its side bars (ranking, headlines of other sections) are not.
SA_ITEM_LINKS = "//li[contains(concat(' ', normalize-space(@class), ' '), ' sa_item ')]//a/@href"
PATH_ID_RE = re.compile(r"/article/(?:newspaper/|comment/|print/)?(\d{3})/(\d{10})(?:/|$)")
OID_RE = re.compile(r"^\d{3}$")
AID_RE = re.compile(r"^\d{10}$")

# Current layout (2021-).
TITLE = f"descendant::h2[@id='title_area' or {has_class('media_end_head_headline')}]"
PUBLISHED = f"descendant::{with_class('span', '_ARTICLE_DATE_TIME')}/@data-date-time"
MODIFIED = f"descendant::{with_class('span', '_ARTICLE_MODIFY_DATE_TIME')}/@data-modify-date-time"
BODY = "descendant::*[self::article or self::div][@id='dic_area']"
SUMMARY = f"descendant::{with_class('strong', 'media_end_summary')}"
PHOTO = (
    f"descendant::{with_class('span', 'end_photo_org')} | "
    f"descendant::{with_class('table', 'nbd_table')}"
)
PHOTO_IMAGE = "descendant::img[@data-src or @src]"
PHOTO_CAPTION = f"descendant::{with_class('em', 'img_desc')}"
BODY_JUNK = (
    "descendant::script | descendant::style | descendant::noscript | "
    f"descendant::*[{has_class('vod_player_wrap')} or {has_class('_VOD_PLAYER_WRAP')} or "
    f"{has_class('_article_video')} or {has_class('link_news')} or "
    f"{has_class('ab_related_article')}]"
)
JOURNALIST_NAME = f"descendant::{with_class('em', 'media_end_head_journalist_name')}"
BYLINE = f"descendant::{with_class('span', 'byline_s')}"
SECTION = f"descendant::{with_class('em', 'media_end_categorize_item')}"
ORIGINAL_LINK = f"descendant::{with_class('a', 'media_end_head_origin_link')}/@href"
PRESS_LOGO = f"descendant::{with_class('a', 'media_end_head_top_logo')}/descendant::img/@title"
PRESS_SUFFIX = " | 네이버"

# Old layout (news.naver.com/main/read.nhn, until 2021).
OLD_TITLE = "descendant::h3[@id='articleTitle']"
OLD_BODY = "descendant::div[@id='articleBodyContents']"
OLD_DATES = f"descendant::{with_class('div', 'sponsor')}/descendant::{with_class('span', 't11')}"
OLD_SECTION = f"descendant::{with_class('em', 'guide_categorization_item')}"
OLD_PRESS_LOGO = f"descendant::{with_class('div', 'press_logo')}/descendant::img/@title"
OLD_DATE_RE = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})\.?\s*(오전|오후)\s*(\d{1,2}):(\d{2})")
OLD_SUMMARY = (
    f"descendant::*[{has_class('media_end_summary')}] | "
    "descendant::div[@id='articleBodyContents']/strong"
)
OLD_BYLINE = f"descendant::*[{has_class('byline')}]/descendant-or-self::p"
# The old layout's trailing "채널 구독 / 뉴스스탠드 구독 / 홈페이지 바로가기" line.
SUBSCRIBE_RE = re.compile(r"채널\s*구독|뉴스스탠드\s*구독|홈페이지\s*바로가기|네이버\s*메인에서")


# What Naver shows in place of an article that is gone.
GONE_RE = re.compile(
    r"(?:삭제|노출\s*중단|서비스\s*중단)\s*(?:된|되었습니다|된\s*기사입니다)|"
    r"기사를\s*찾을\s*수\s*없습니다|존재하지\s*않는\s*기사"
)

# Sports layout (sports.news.naver.com/news?oid=…&aid=…, 2017-2022).
SPORTS_BODY = "descendant::div[@id='newsEndContents']"
SPORTS_TITLE = f"descendant::{with_class('div', 'news_headline')}/descendant::h4"
SPORTS_INFO = (
    f"descendant::{with_class('div', 'news_headline')}/descendant::{with_class('div', 'info')}/span"
)
SPORTS_PRESS_LOGO = f"descendant::{with_class('div', 'news_headline')}/descendant::img/@alt"
SPORTS_ORIGINAL = f"descendant::{with_class('a', 'press_link')}/@href"
SPORTS_BYLINE = f"descendant::{with_class('p', 'byline')}"
# What follows the text inside #newsEndContents: the press credit, byline, reporter card,
# copyright banner, section guide; and the press's promoted links (<a><strong>…</strong></a>).
SPORTS_FURNITURE = (
    f"descendant::p[{has_class('source')} or {has_class('byline')}] | "
    f"descendant::div[{has_class('reporter_area')} or {has_class('copyright')} or "
    f"{has_class('categorize')}] | descendant::a[strong]"
)


# Entertainment layout (entertain.naver.com/read?oid=…&aid=…, until 2023), from public
# scrapers' selectors (docs/design.md): the headline box `div.end_ct_area` with `h2.end_tit`,
# `div.article_info span.author em` ("기사입력 2021.09.01. 오후 2:30", "최종수정 …"), the
# press logo `div.press_logo img[alt]`, the text in `div.end_body_wrp div#articeBody` (Naver's
# own spelling), the reporter card's `.journalistcard_summary_name`.
ENT_BODY = "descendant::div[@id='articeBody']"
ENT_TITLE = f"descendant::{with_class('h2', 'end_tit')}"
ENT_DATES = (
    f"descendant::{with_class('div', 'article_info')}/descendant::{with_class('span', 'author')}"
)
ENT_PRESS_LOGO = f"descendant::{with_class('div', 'press_logo')}/descendant::img/@alt"
ENT_JOURNALIST = f"descendant::*[{has_class('journalistcard_summary_name')}]"
# After the text inside the body box: reporter card, copyright banner, section guide.
ENT_FURNITURE = (
    f"descendant::div[{has_class('reporter_area')} or {has_class('copyright')} or "
    f"{has_class('categorize')}]"
)

# App layout (m.entertain.naver.com/article/…, m.sports.naver.com/…/article/…, 2023-), from
# public scrapers' selectors: the text in `article#comp_news_article div._article_content`
# (m.sports: `div._article_content`), the headline an h2 whose CSS-module class holds
# `article_title` (`NewsEndMain_article_title__kqEzS`), photos in
# `span[class*=ArticleImage_image_wrap]` with `em.img_desc`, videos in `div.video_area`.
APP_BODY = f"descendant::div[{has_class('_article_content')}]"
APP_TITLE = "descendant::*[self::h2 or self::h3][contains(@class, 'article_title')]"
APP_PHOTO = "descendant::span[contains(@class, 'ArticleImage_image_wrap')]"
APP_VIDEO = (
    f"descendant::*[{has_class('video_area')} or starts-with(@id, 'video_area_') or "
    f"{has_class('vod_player_wrap')} or {has_class('_VOD_PLAYER_WRAP')} or "
    f"{has_class('_article_video')}] | descendant::video | "
    "descendant::iframe[contains(@src, 'video') or contains(@src, 'vod') or "
    "contains(@src, 'tv.naver.com') or contains(@src, 'youtube') or contains(@src, 'player')]"
)
# Where the app prints the times: "입력 2024.05.30. 오전 11:40", "수정 …".
APP_TIME_TEXT = "descendant::body/descendant::text()[contains(., '입력') or contains(., '수정')]"
APP_TIME_RE = re.compile(
    r"(입력|수정)\s*(\d{4}\.\d{1,2}\.\d{1,2}\.?\s*(?:오전|오후)\s*\d{1,2}:\d{2})"
)
APP_TIME_LEVELS = 3  # how far up from the label the time may sit
# Hosts whose new pages are a script app: without server-rendered text their HTML is a shell.
APP_HOSTS = frozenset(
    {"entertain.naver.com", "m.entertain.naver.com", "sports.naver.com", "m.sports.naver.com"}
)


def handles(url: str) -> bool:
    return host_of(url) in HOSTS


def article_id(url: str) -> tuple[str, str] | None:
    """(press code, article id) of a Naver article URL, or None for other Naver pages."""
    match = PATH_ID_RE.search(urlsplit(url).path)
    if match:
        return match.group(1), match.group(2)
    params = query_params(url)
    oid, aid = params.get("oid", ""), params.get("aid", "")
    if OID_RE.match(oid) and AID_RE.match(aid):
        return oid, aid
    return None


def is_article_url(url: str) -> bool:
    return article_id(url) is not None


def canonical_url(url: str) -> str:
    ids = article_id(url)
    if ids is None:
        return normalise_url(url)
    return CANONICAL.format(oid=ids[0], aid=ids[1])


def list_urls(source: SourceSpec) -> list[str]:
    """naver:section=101                   https://news.naver.com/section/101 (li.sa_item)
    naver:section=101,sub=259,pages=3   main/list.naver LS2D lists, one per day since --since
    naver:section=101,pages=2           main/list.naver LSD lists (whole section) per day
    """
    params, spec = source.params, source.spec
    sid = params.get("section", "")
    if sid not in SECTIONS:
        raise BadSource(f"Naver section must be one of {sorted(SECTIONS)} in {spec!r}")
    sub = params.get("sub")
    pages = source.int_param("pages", 1, MAX_PAGES)
    if sub is None and not source.days and "pages" not in params:
        return [SECTION_PAGE.format(sid=sid)]
    if sub is not None and not sub.isdigit():
        raise BadSource(f"Naver sub-section must be a number in {spec!r}")
    query: dict[str, str] = {"mode": "LS2D" if sub else "LSD", "mid": "shm", "sid1": sid}
    if sub:
        query["sid2"] = sub
    out = []
    dated: list[date | None] = list(source.days) or [None]
    for d in dated:
        for page in range(1, pages + 1):
            q = dict(query)
            if d is not None:
                q["date"] = d.strftime("%Y%m%d")
            q["page"] = str(page)
            out.append(f"{LIST_PAGE}?{urlencode(q)}")
    return out


def list_links(root: HtmlElement, url: str) -> list[str]:
    """A section page's `li.sa_item` links (its side bars left out); every link elsewhere."""
    if host_of(url) in LIST_HOSTS:
        items = [str(h) for h in root.xpath(SA_ITEM_LINKS)]
        if items:
            return items
    return all_links(root)


def parse(page: Page) -> Article:
    root = parse_document(page.text)
    url = _page_url(root, page)
    for _, body_xpath, read in LAYOUTS:
        body = first(root, body_xpath)
        if body is not None:
            return read(root, body, url)
    if article_id(url) is None:
        raise NotAnArticle(NAME, url, "a list or search page: no article id, no article body")
    if notice := _gone_notice(root):
        raise NotAnArticle(NAME, url, f"a deleted or withdrawn article (Naver: {notice})")
    bodies = ", ".join(name for name, _, _ in LAYOUTS)
    if host_of(page.final_url) in APP_HOSTS and densest_container(root) is None:
        ids = article_id(url)
        assert ids is not None
        raise NotAnArticle(
            NAME,
            url,
            f"no article body ({bodies}) and no text: the page is the shell of Naver's "
            f"entertainment/sports app, which loads the article by script; fetch "
            f"https://n.news.naver.com/article/{ids[0]}/{ids[1]} instead",
        )
    raise ParseError(NAME, url, f"article body ({bodies})")


def _gone_notice(root: HtmlElement) -> str | None:
    """Naver's notice on the page of an article that was deleted or withdrawn, if shown
    (only asked of a page no layout could read, so an article quoting it is not affected)."""
    for text in root.xpath("descendant::body/descendant::text()"):
        if match := GONE_RE.search(str(text)):
            return match.group(0)
    return None


def _page_url(root: HtmlElement, page: Page) -> str:
    """The page's canonical URL: from the fetched URL, else from og:url (`meta` unescapes it)."""
    if article_id(page.final_url) is not None:
        return canonical_url(page.final_url)
    og = meta(root, "og:url")
    if og and article_id(og) is not None:
        return canonical_url(og)
    return canonical_url(page.final_url)


def _press_code(url: str) -> str | None:
    ids = article_id(url)
    return ids[0] if ids else None


def _press(root: HtmlElement) -> str | None:
    author = meta(root, "og:article:author")
    if author:
        return author.removesuffix(PRESS_SUFFIX).strip() or None
    logos = root.xpath(PRESS_LOGO) or root.xpath(OLD_PRESS_LOGO)
    if not logos:
        return None
    return clean(str(logos[0])) or None


def _parse_current(root: HtmlElement, body: HtmlElement, url: str) -> Article:
    title_el = first(root, TITLE)
    if title_el is None:
        raise ParseError(NAME, url, "title (h2#title_area / .media_end_head_headline)")
    title = text_of(title_el)
    published_raw = root.xpath(PUBLISHED)
    if not published_raw:
        raise ParseError(NAME, url, "publication time (span._ARTICLE_DATE_TIME[data-date-time])")
    published = _data_time(str(published_raw[0]), url)
    modified_raw = root.xpath(MODIFIED)
    updated = _data_time(str(modified_raw[0]), url) if modified_raw else None

    press = _press(root)
    related = _related(body, url, press)
    subheadings: tuple[str, ...] = ()
    for summary in body.xpath(SUMMARY):
        subheadings += lines_split_on_br(summary)
    drop(body.xpath(SUMMARY))
    images = _photos(body)
    videos = body.xpath(APP_VIDEO)
    drop(body.xpath(BODY_JUNK))
    drop(videos)
    blocks = body_blocks(body, keep=not_copyright)
    _refuse_without_prose(url, "#dic_area", blocks, bool(videos) or _is_video(root), images)

    names = [reporter_name(text_of(e)) for e in root.xpath(JOURNALIST_NAME)]
    bylines = [author_from_byline(text_of(e)) for e in root.xpath(BYLINE)]
    authors = merge_authors(names, [a for a in bylines if a is not None])
    section = _section(root.xpath(SECTION))
    subheadings, writers = _deck_and_writers(title, section, subheadings)
    authors = authors or writers
    original = root.xpath(ORIGINAL_LINK)
    return Article(
        url=url,
        site=NAME,
        title=title,
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        press_code=_press_code(url),
        subheadings=subheadings,
        section=section,
        published_at=published,
        updated_at=updated,
        authors=authors,
        images=images,
        related=related,
        original_url=str(original[0]) if original else None,
    )


def _parse_old(root: HtmlElement, body: HtmlElement, url: str) -> Article:
    title_el = first(root, OLD_TITLE)
    if title_el is None:
        raise ParseError(NAME, url, "title (h3#articleTitle)")
    dates = [_old_time(text_of(e)) for e in root.xpath(OLD_DATES)]
    dates = [d for d in dates if d is not None]
    if not dates:
        raise ParseError(NAME, url, "publication time (.sponsor span.t11)")
    press = _press(root)
    related = _related(body, url, press)
    subheadings: tuple[str, ...] = ()
    for summary in body.xpath(OLD_SUMMARY):
        subheadings += lines_split_on_br(summary)
    drop(body.xpath(OLD_SUMMARY))
    images = _photos(body)
    videos = body.xpath(APP_VIDEO)
    drop(body.xpath(BODY_JUNK))
    drop(videos)
    blocks = body_blocks(body, keep=lambda t: not_copyright(t) and not SUBSCRIBE_RE.search(t))
    _refuse_without_prose(
        url, "#articleBodyContents", blocks, bool(videos) or _is_video(root), images
    )
    title = text_of(title_el)
    section = _section(root.xpath(OLD_SECTION))
    subheadings, writers = _deck_and_writers(title, section, subheadings)
    bylines = [author_from_byline(text_of(e)) for e in root.xpath(OLD_BYLINE)]
    named = tuple(a for a in bylines if a is not None) or writers
    return Article(
        url=url,
        site=NAME,
        title=title,
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        press_code=_press_code(url),
        subheadings=subheadings,
        section=section,
        published_at=dates[0],
        updated_at=dates[1] if len(dates) > 1 else None,
        authors=named or authors_in_body(blocks),
        images=images,
        related=related,
    )


def _parse_sports(root: HtmlElement, body: HtmlElement, url: str) -> Article:
    title_el = first(root, SPORTS_TITLE)
    if title_el is None:
        raise ParseError(NAME, url, "title (.news_headline h4)")
    info = [text_of(e) for e in root.xpath(SPORTS_INFO)]
    published = next((_old_time(t) for t in info if "입력" in t), None)
    if published is None:
        raise ParseError(NAME, url, "publication time (.news_headline .info 기사입력)")
    updated = next((_old_time(t) for t in info if "수정" in t), None)
    author = meta(root, "og:article:author") or ""
    logos = root.xpath(SPORTS_PRESS_LOGO)
    # og:article:author is "네이버 스포츠 | <press>"; the press logo's alt names it too.
    press = _press_in_author(author) or (clean(str(logos[0])) if logos else None)
    related = _related(body, url, press)
    bylines = [author_from_byline(text_of(e)) for e in root.xpath(SPORTS_BYLINE)]
    images = _photos(body)
    videos = body.xpath(APP_VIDEO)
    drop(body.xpath(SPORTS_FURNITURE))
    drop(body.xpath(BODY_JUNK))
    drop(videos)
    blocks = body_blocks(body, keep=not_copyright)
    _refuse_without_prose(url, "#newsEndContents", blocks, bool(videos) or _is_video(root), images)
    original = root.xpath(SPORTS_ORIGINAL)
    named = tuple(a for a in bylines if a is not None)
    return Article(
        url=url,
        site=NAME,
        title=text_of(title_el),
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press or None,
        press_code=_press_code(url),
        section="스포츠",
        published_at=published,
        updated_at=updated if updated != published else None,
        authors=named or authors_in_body(blocks),
        images=images,
        related=related,
        original_url=str(original[0]) if original else None,
    )


def _parse_entertain(root: HtmlElement, body: HtmlElement, url: str) -> Article:
    title_el = first(root, ENT_TITLE)
    if title_el is None or not text_of(title_el):
        raise ParseError(NAME, url, "title (.end_ct_area h2.end_tit, entertainment layout)")
    published: datetime | None = None
    updated: datetime | None = None
    for item in root.xpath(ENT_DATES):
        text = text_of(item)
        when = _old_time(text)
        if when is None:
            continue
        if "수정" in text:
            updated = updated or when
        elif published is None:
            published = when
    if published is None:
        raise ParseError(
            NAME, url, "publication time (.article_info span.author em, entertainment layout)"
        )
    logos = root.xpath(ENT_PRESS_LOGO)
    author = meta(root, "og:article:author") or ""
    press = (clean(str(logos[0])) if logos else "") or _press_in_author(author)
    related = _related(body, url, press)
    images = _photos(body)
    blocks = _entertainment_blocks(root, body, url, "#articeBody", images)
    names = [reporter_name(text_of(e)) for e in root.xpath(ENT_JOURNALIST)]
    authors = merge_authors(names, authors_in_body(blocks)) or authors_in_body(blocks)
    return Article(
        url=url,
        site=NAME,
        title=text_of(title_el),
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        press_code=_press_code(url),
        section="연예",
        published_at=published,
        updated_at=updated if updated != published else None,
        authors=authors,
        images=images,
        related=related,
        extra={"layout": "entertain"},
    )


def _entertainment_blocks(
    root: HtmlElement, body: HtmlElement, url: str, where: str, images: tuple[Image, ...]
) -> list[Block]:
    """The paragraphs of an entertainment or app body once its furniture and players are out;
    a body left without prose is refused as what it is (video-only page, gallery)."""
    drop(body.xpath(ENT_FURNITURE))
    drop(body.xpath(BODY_JUNK))
    videos = body.xpath(APP_VIDEO)
    drop(videos)
    blocks = body_blocks(body, keep=not_copyright)
    _refuse_without_prose(url, where, blocks, bool(videos) or _is_video(root), images)
    return blocks


def _parse_app(root: HtmlElement, body: HtmlElement, url: str) -> Article:
    title_el = first(root, APP_TITLE)
    if title_el is None or not text_of(title_el):
        raise ParseError(NAME, url, "title (h2[class*=article_title], app layout)")
    times = _app_times(root)
    if "입력" not in times:
        raise ParseError(NAME, url, "publication time ('입력 yyyy.mm.dd. 오전 h:mm', app layout)")
    author = meta(root, "og:article:author") or ""
    press = _press_in_author(author)
    related = _related(body, url, press)
    images = _app_photos(body) + _photos(body)
    blocks = _entertainment_blocks(root, body, url, "._article_content", images)
    updated = times.get("수정")
    # "네이버 연예 | <press>", "네이버 스포츠 | <press>"; else the host the page says it is on
    naver_parts = [part for part in author.split("|") if clean(part).startswith("네이버")]
    service = " ".join([*naver_parts, host_of(meta(root, "og:url") or "")])
    return Article(
        url=url,
        site=NAME,
        title=text_of(title_el),
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        press_code=_press_code(url),
        section="스포츠"
        if "스포츠" in service or "sports" in service
        else "연예"
        if "연예" in service or "entertain" in service
        else None,
        published_at=times["입력"],
        updated_at=updated if updated != times["입력"] else None,
        authors=authors_in_body(blocks),
        images=images,
        related=related,
        extra={"layout": "app"},
    )


def _press_in_author(author: str) -> str | None:
    """The press in og:article:author, which pairs it with Naver's service in either order:
    "네이버 스포츠 | 스포티비뉴스", "뉴스1 | 네이버"."""
    parts = [clean(part) for part in author.split("|")]
    return next((part for part in parts if part and not part.startswith("네이버")), None)


def _app_times(root: HtmlElement) -> dict[str, datetime]:
    """The "입력" and "수정" times the app prints, the label and the time in one element or
    in sibling elements (`<em>입력</em> <span>2024.06.11. 오전 9:05</span>`)."""
    times: dict[str, datetime] = {}
    for text in root.xpath(APP_TIME_TEXT):
        element = text.getparent()
        for _ in range(APP_TIME_LEVELS):
            if element is None:
                break
            found = APP_TIME_RE.findall(text_of(element))
            if found:
                for label, value in found:
                    when = _old_time(value)
                    if when is not None:
                        times.setdefault(label, when)
                break
            element = element.getparent()
    return times


def _app_photos(body: HtmlElement) -> tuple[Image, ...]:
    """Images (with captions) of the app layout's photo boxes, which are then removed."""
    images: list[Image] = []
    photos = body.xpath(APP_PHOTO)
    for photo in photos:
        captions = photo.xpath(PHOTO_CAPTION)
        caption = text_of(captions[0]) if captions else ""
        for img in photo.xpath(PHOTO_IMAGE):
            src = img.get("data-src") or img.get("src")
            if src and not any(i.url == src for i in images):
                images.append(Image(url=src, caption=caption or None))
    drop(p for p in photos if not _inside_any(p, photos))
    return tuple(images)


def _is_video(root: HtmlElement) -> bool:
    """Does the page say it is a video (og:type "video", "video.other", …)?"""
    return (meta(root, "og:type") or "").lower().startswith("video")


def _refuse_without_prose(
    url: str, where: str, blocks: list[Block], video: bool, images: tuple[Image, ...]
) -> None:
    """Raise for an article body with no prose (nothing, or only credits, bylines and
    prompts): a video-only page when it held a video, a photo gallery when it held
    pictures (a page whose og:type is a video counts as holding one), else a `ParseError`
    naming where the text was looked for."""
    # scrapers.boilerplate imports scrapers.sites.base, whose package imports this module.
    from scrapers.boilerplate import is_furniture

    if any(not is_furniture(b.text) for b in blocks):
        return
    if video:
        raise NotAnArticle(NAME, url, "a video-only page: a video and no article text")
    if images:
        raise NotAnArticle(NAME, url, "a photo gallery: pictures and captions, no article text")
    raise ParseError(NAME, url, f"body text in {where}")


LAYOUTS: tuple[tuple[str, str, Callable[[HtmlElement, HtmlElement, str], Article]], ...] = (
    ("#dic_area", BODY, _parse_current),
    ("#articleBodyContents", OLD_BODY, _parse_old),
    ("#newsEndContents", SPORTS_BODY, _parse_sports),
    ("#articeBody", ENT_BODY, _parse_entertain),
    ("._article_content", APP_BODY, _parse_app),
)


def _section(items: list[HtmlElement]) -> str | None:
    """The press's section: the first of those it classed the article in ("이 기사는
    언론사에서 오피니언, 사회 섹션으로 분류했습니다" → 오피니언), its primary one."""
    sections = _unique(text_of(e) for e in items)
    return sections[0] if sections else None


def _deck_and_writers(
    title: str, section: str | None, deck: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[Author, ...]]:
    """The deck without the writer's line of a contribution, and the writers it named.

    A signed contribution or column ("[기고]" in the headline, an opinion section) puts its
    writer where a news article has its deck: "김승룡 소방청장 직무대행" is a name and a
    title, not a summary of the story, so it is the byline. In any other article a deck
    line is the deck, whatever its shape.
    """
    if not deck or not is_contribution(title, section):
        return deck, ()
    writers = [writer_of_line(line) for line in deck]
    kept = tuple(line for line, w in zip(deck, writers, strict=True) if w is None)
    return kept, tuple(w for w in writers if w is not None)


def _related(body: HtmlElement, url: str, press: str | None) -> tuple[RelatedLink, ...]:
    """The body's related-article boxes and lines (read before its furniture is dropped).

    Only these: the lists around the article are the press's picks (.media_end_linked,
    "주요뉴스 … 해당 언론사에서 선정"; the old layout's .link_news, "관련뉴스" over the same
    picks), its issues (.related_issue, "언론사가 직접 선정한 이슈"), its ranking
    (.rankingnews, "많이 본"), Naver's recommendations: none is about this article.
    A link to a Naver article is given in its canonical form; the press is the article's
    (the boxes in a press's body list its own articles).
    """
    return tuple(
        RelatedLink(url=canonical_url(link) if article_id(link) else link, title=title, press=press)
        for link, title in related_in_body(body, url)
    )


def _photos(body: HtmlElement) -> tuple[Image, ...]:
    """Images (with captions) of the body's photo blocks, which are then removed."""
    images: list[Image] = []
    photos = body.xpath(PHOTO)
    for photo in photos:
        if photo.getparent() is None:
            continue
        captions = photo.xpath(PHOTO_CAPTION)
        caption = text_of(captions[0]) if captions else text_of(photo)
        for img in photo.xpath(PHOTO_IMAGE):
            src = img.get("data-src") or img.get("src")
            if src and not any(i.url == src for i in images):
                images.append(Image(url=src, caption=caption or None))
    drop(p for p in photos if not _inside_any(p, photos))
    return tuple(images)


def _inside_any(element: HtmlElement, others: list[HtmlElement]) -> bool:
    return any(other is not element and element in other.iterdescendants() for other in others)


def _data_time(value: str, url: str) -> datetime:
    try:
        return kst(datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S"))
    except ValueError as exc:
        raise ParseError(NAME, url, f"a readable time in data-date-time ({value!r})") from exc


def _old_time(text: str) -> datetime | None:
    """'2020.09.19. 오후 8:28' → an aware KST datetime."""
    match = OLD_DATE_RE.search(text)
    if not match:
        return None
    year, month, day, half, hour, minute = match.groups()
    h = int(hour) % 12 + (12 if half == "오후" else 0)
    return datetime(int(year), int(month), int(day), h, int(minute), tzinfo=KST)


def _unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out
