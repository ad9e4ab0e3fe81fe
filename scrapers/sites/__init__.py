"""Site parsers, chosen by URL: one module per site, the generic extractor last.

SITES            the registry, in the order `find_site` tries them
DISCOVERY        the sites that list their own articles, by the `--source` name they answer to
find_site(url)   the first site that handles `url` (`UnsupportedSite` for non-web URLs)
canonical_url    the key an article is stored under
"""

from __future__ import annotations

from scrapers.sites import chosun, daum, generic, nate, naver
from scrapers.sites.base import ListingSite, Site
from scrapers.urls import require_web_url

SITES: tuple[Site, ...] = (naver, chosun, nate, daum, generic)
# `--source naver:…` asks naver for its list pages, and so on (see `scrapers.sites.sources`).
DISCOVERY: dict[str, ListingSite] = {site.NAME: site for site in (naver, chosun, nate)}


def find_site(url: str) -> Site:
    """The parser for `url`; raises `UnsupportedSite` for non-http(s) or malformed URLs."""
    url = require_web_url(url)
    for site in SITES:
        if site.handles(url):
            return site
    raise AssertionError("the generic site handles every web URL")  # pragma: no cover


def canonical_url(url: str) -> str:
    """The canonical form of `url`, as its site defines it."""
    return find_site(url).canonical_url(require_web_url(url))


__all__ = ["DISCOVERY", "SITES", "ListingSite", "Site", "canonical_url", "find_site"]
