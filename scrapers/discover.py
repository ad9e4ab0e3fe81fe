"""Article URLs from list pages, RSS/Atom feeds and sitemaps.

    source_urls(spec, since=)   the list pages / feeds a `--source` spec stands for
    discover(page, since=)      the canonical article URLs a fetched list page / feed links to

Sources (`--source`) are `<name>:<key>=<value>,…`, where the name is a site's key in
`scrapers.sites.DISCOVERY` and that site's `list_urls` reads the rest, or a URL:
    naver:section=101                    https://news.naver.com/section/101 (li.sa_item)
    naver:section=101,sub=259,pages=3    main/list.naver LS2D lists, one per day since --since
    naver:section=101,pages=2            main/list.naver LSD lists (whole section) per day
    chosun:rss                           www.chosun.com's feed of all articles
    chosun:rss=politics                  a category feed (or a full feed URL)
    nate:mid=n0100                       news.nate.com/recent list (per day with --since)
    url:https://…  rss:…  sitemap:…      any list page, feed or sitemap

Which links count as articles is decided per site: the site's own `list_links` picks the
links of its list pages (Naver: only inside `li.sa_item` on section pages, so the side bars
do not leak in) and its `is_article_url` tells the articles (Naver by article ids, Chosun by
article paths, Nate by `/view/<id>`); other sites by a path that carries a long number or a
date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapers.errors import ScraperError
from scrapers.model import Page
from scrapers.sites import DISCOVERY, canonical_url, find_site, generic
from scrapers.sites.base import ListingSite
from scrapers.sites.sources import BadSource, all_links, read_spec, web_url
from scrapers.urls import host_of

if TYPE_CHECKING:
    from lxml.etree import _Element

WEB_SOURCES = ("url", "rss", "sitemap", "atom")
FEED_MARKERS = (b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:RDF")


# --- sources ---------------------------------------------------------------------------------


def source_urls(spec: str, *, since: date | None = None, today: date | None = None) -> list[str]:
    """The list pages or feeds `spec` stands for: a URL as given, else what the site named
    by the spec lists (see the module docstring)."""
    kind, _, rest = spec.strip().partition(":")
    if kind.lower() in WEB_SOURCES:
        return [web_url(rest, spec)]
    source = read_spec(spec, since=since, today=today or datetime.now(UTC).date())
    site = DISCOVERY.get(source.name)
    if site is None:
        known = ", ".join(s.SOURCE_HELP for s in DISCOVERY.values())
        raise BadSource(f"unknown source {spec!r}: use {known}, url:…")
    return site.list_urls(source)


# --- discovery -------------------------------------------------------------------------------


def discover(page: Page, *, since: date | None = None) -> list[str]:
    """Canonical article URLs on a list page, feed or sitemap, in page order, deduplicated.

    `since` drops feed/sitemap entries dated before that day (HTML lists carry no dates).
    """
    feed = _is_feed(page)
    links = _feed_links(page, since) if feed else _html_links(page)
    out: dict[str, None] = {}
    for link in links:
        # Every entry of a feed or sitemap is an article; on an HTML page most links are not.
        if _is_web(link) and (feed or _is_article_link(link, page.final_url)):
            try:
                out[canonical_url(link)] = None
            except ScraperError:
                continue
    return list(out)


def _is_feed(page: Page) -> bool:
    mime = page.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if "xml" in mime or mime in ("application/rss+xml", "application/atom+xml"):
        return True
    head = page.content[:4096].lstrip().lower()
    return head.startswith(b"<?xml") and any(m.lower() in head for m in FEED_MARKERS)


def _html_links(page: Page) -> Iterator[str]:
    import lxml.html

    if not page.text.strip():
        return
    root = lxml.html.document_fromstring(page.text)
    base = page.final_url
    site = _listing_site(base)
    hrefs: Iterable[str] = site.list_links(root, base) if site else all_links(root)
    for href in hrefs:
        href = href.strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            yield urljoin(base, href)


def _feed_links(page: Page, since: date | None) -> Iterator[str]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(page.content, parser)
    except etree.XMLSyntaxError:
        return
    if root is None:
        return
    for entry in root.iter():
        name = _local(entry)
        if name in ("item", "entry", "url"):
            link = _entry_link(entry)
            day = _entry_day(entry) if since is not None else None
            if link and (since is None or day is None or day >= since):
                yield urljoin(page.final_url, link)


def _entry_link(entry: _Element) -> str | None:
    for child in entry:
        name = _local(child)
        if name == "loc" or (name == "link" and (child.text or "").strip()):
            return (child.text or "").strip()
        if name == "link" and child.get("href") and child.get("rel", "alternate") == "alternate":
            return str(child.get("href"))
    return None


def _entry_day(entry: _Element) -> date | None:
    import email.utils

    for child in entry:
        name = _local(child)
        value = (child.text or "").strip()
        if not value:
            continue
        if name == "pubDate":
            try:
                return email.utils.parsedate_to_datetime(value).date()
            except (TypeError, ValueError):
                return None
        if name in ("lastmod", "updated", "published", "date"):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                return None
    return None


def _local(element: _Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_article_link(url: str, list_url: str) -> bool:
    """An article of a site with its own parser, as that site tells; on any other site, an
    article-shaped link of the list's own site (not an ad or a partner's page)."""
    site = find_site(url)
    if site is not generic:
        return site.is_article_url(url)
    same_site = _site_of(host_of(url)) == _site_of(host_of(list_url))
    return same_site and generic.is_article_url(url)


def _listing_site(url: str) -> ListingSite | None:
    """The site whose list page `url` is, if that site lists its articles its own way."""
    try:
        return DISCOVERY.get(find_site(url).NAME)
    except ScraperError:
        return None


def _is_web(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _site_of(host: str) -> str:
    """The last two labels (three for *.co.kr and the like): enough to tell sites apart."""
    labels = host.split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in ("co", "or", "go", "ne", "ac") else 2
    return ".".join(labels[-keep:])


__all__ = ["BadSource", "discover", "source_urls"]
