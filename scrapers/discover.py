"""Article URLs from list pages, RSS/Atom feeds and sitemaps.

    source_urls(spec, since=)   the list pages / feeds a `--source` spec stands for
    discover(page, since=)      the canonical article URLs a fetched list page / feed links to

Sources (`--source`):
    naver:section=101                    https://news.naver.com/section/101 (li.sa_item)
    naver:section=101,sub=259,pages=3    main/list.naver LS2D lists, one per day since --since
    naver:section=101,pages=2            main/list.naver LSD lists (whole section) per day
    chosun:rss                           www.chosun.com's feed of all articles
    chosun:rss=politics                  a category feed (or a full feed URL)
    nate:mid=n0100                       news.nate.com/recent list (per day with --since)
    url:https://…  rss:…  sitemap:…      any list page, feed or sitemap

Which links count as articles is decided per site: Naver by its article ids (only inside
`li.sa_item` on section pages, so the side bars do not leak in), Chosun by its article
paths, Nate by `/view/<id>`; other sites by a path that carries a long number or a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin, urlsplit

from scrapers.errors import ScraperError
from scrapers.model import Page
from scrapers.urls import host_of

if TYPE_CHECKING:
    from lxml.etree import _Element

NAVER_SECTION = "https://news.naver.com/section/{sid}"
NAVER_LIST = "https://news.naver.com/main/list.naver"
NAVER_SECTIONS = frozenset({"100", "101", "102", "103", "104", "105"})
CHOSUN_RSS = "https://www.chosun.com/arc/outboundfeeds/rss/?outputType=xml"
CHOSUN_CATEGORY_RSS = "https://www.chosun.com/arc/outboundfeeds/rss/category/{name}/?outputType=xml"
NATE_RECENT = "https://news.nate.com/recent"
MAX_DAYS = 366  # --since further back than this is almost certainly a typo
MAX_PAGES = 50

SA_ITEM_LINKS = "//li[contains(concat(' ', normalize-space(@class), ' '), ' sa_item ')]//a/@href"
FEED_MARKERS = (b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:RDF")


class BadSource(ScraperError):
    """A `--source` spec that names nothing we can discover from."""


# --- sources ---------------------------------------------------------------------------------


def source_urls(spec: str, *, since: date | None = None, today: date | None = None) -> list[str]:
    """The list pages or feeds `spec` stands for (see the module docstring)."""
    kind, _, rest = spec.strip().partition(":")
    kind = kind.lower()
    if kind in ("url", "rss", "sitemap", "atom"):
        return [_web_url(rest, spec)]
    params = _params(rest, spec)
    days = _days(since, today or datetime.now(UTC).date())
    if kind == "naver":
        return _naver(params, days, spec)
    if kind == "chosun":
        if "rss" not in params:
            raise BadSource(f"Chosun is read from its RSS: chosun:rss[=category] (got {spec!r})")
        name = params["rss"]
        if name.startswith(("http://", "https://")):
            return [_web_url(name, spec)]
        return [CHOSUN_CATEGORY_RSS.format(name=name) if name else CHOSUN_RSS]
    if kind == "nate":
        mid = params.get("mid", "n0100")
        if not re.fullmatch(r"n\d{4}", mid):
            raise BadSource(f"bad Nate list id {mid!r} in {spec!r} (e.g. mid=n0100)")
        if not days:
            return [f"{NATE_RECENT}?{urlencode({'mid': mid})}"]
        return [
            f"{NATE_RECENT}?{urlencode({'mid': mid, 'type': 'c', 'date': d.strftime('%Y%m%d')})}"
            for d in days
        ]
    raise BadSource(
        f"unknown source {spec!r}: use naver:section=…, chosun:rss[=…], nate:mid=…, url:…"
    )


def _naver(params: dict[str, str], days: list[date], spec: str) -> list[str]:
    sid = params.get("section", "")
    if sid not in NAVER_SECTIONS:
        raise BadSource(f"Naver section must be one of {sorted(NAVER_SECTIONS)} in {spec!r}")
    sub = params.get("sub")
    pages = _int(params.get("pages", "1"), spec, "pages", MAX_PAGES)
    if sub is None and not days and "pages" not in params:
        return [NAVER_SECTION.format(sid=sid)]
    if sub is not None and not sub.isdigit():
        raise BadSource(f"Naver sub-section must be a number in {spec!r}")
    query: dict[str, str] = {"mode": "LS2D" if sub else "LSD", "mid": "shm", "sid1": sid}
    if sub:
        query["sid2"] = sub
    out = []
    dated: list[date | None] = list(days) or [None]
    for d in dated:
        for page in range(1, pages + 1):
            q = dict(query)
            if d is not None:
                q["date"] = d.strftime("%Y%m%d")
            q["page"] = str(page)
            out.append(f"{NAVER_LIST}?{urlencode(q)}")
    return out


def _params(rest: str, spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not key:
            raise BadSource(f"malformed source {spec!r}")
        out[key.strip().lower()] = value.strip() if eq else ""
    return out


def _int(value: str, spec: str, name: str, cap: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= cap:
        raise BadSource(f"{name} must be 1..{cap} in {spec!r}")
    return int(value)


def _days(since: date | None, today: date) -> list[date]:
    if since is None:
        return []
    if since > today:
        raise BadSource(f"--since {since} is in the future")
    count = (today - since).days + 1
    if count > MAX_DAYS:
        raise BadSource(f"--since {since} is more than {MAX_DAYS} days ago")
    return [today - timedelta(days=i) for i in range(count)]


def _web_url(url: str, spec: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadSource(f"not an http(s) URL in source {spec!r}")
    return url.strip()


# --- discovery -------------------------------------------------------------------------------


def discover(page: Page, *, since: date | None = None) -> list[str]:
    """Canonical article URLs on a list page, feed or sitemap, in page order, deduplicated.

    `since` drops feed/sitemap entries dated before that day (HTML lists carry no dates).
    """
    from scrapers.sites import canonical_url

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
    hrefs: Iterable[str]
    if host_of(base) in ("news.naver.com", "n.news.naver.com") and root.xpath(SA_ITEM_LINKS):
        hrefs = (str(h) for h in root.xpath(SA_ITEM_LINKS))
    else:
        hrefs = (str(h) for h in root.xpath("//a/@href"))
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
    from scrapers.sites import find_site, generic

    site = find_site(url)
    if site is not generic:
        return site.is_article_url(url)
    same_site = _site_of(host_of(url)) == _site_of(host_of(list_url))
    return same_site and generic.is_article_url(url)


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
