"""A saved HTML file as a `Page`: the URL from the caller, else from the page itself."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from scrapers.decode import decoded_page
from scrapers.errors import DecodeError, ScraperError, UnsupportedSite
from scrapers.model import Page
from scrapers.urls import require_web_url

# Attribute order varies between sites, so each pattern allows either order.
Q = "[\"']"  # either quote
OG_URL_RES = (
    re.compile(rf"<meta\s[^>]*?property\s*=\s*{Q}og:url{Q}[^>]*?content\s*=\s*{Q}([^\"']*)", re.I),
    re.compile(rf"<meta\s[^>]*?content\s*=\s*{Q}([^\"']*){Q}[^>]*?property\s*=\s*{Q}og:url", re.I),
)
CANONICAL_RES = (
    re.compile(rf"<link\s[^>]*?rel\s*=\s*{Q}canonical{Q}[^>]*?href\s*=\s*{Q}([^\"']*)", re.I),
    re.compile(rf"<link\s[^>]*?href\s*=\s*{Q}([^\"']*){Q}[^>]*?rel\s*=\s*{Q}canonical", re.I),
)
BASE_RE = re.compile(r"""<base\s[^>]*?href\s*=\s*["']([^"']*)""", re.I)


class PageFileError(ScraperError):
    """A saved page that cannot be read, or whose URL cannot be found."""


def page_from_file(path: Path, url: str | None = None) -> Page:
    """Read and decode `path`; a flagged decoding stays on the Page as `charset_warning`."""
    if path.is_dir():
        raise PageFileError(f"{path} is a folder, not a saved page")
    try:
        content = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as exc:
        raise PageFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        page = decoded_page("", content, fetched_at=mtime)
    except DecodeError as exc:
        raise DecodeError(f"{path}: {exc}") from exc
    page_url = require_web_url(url) if url else url_in_page(page.text, path)
    return replace(page, url=page_url, final_url=page_url)


def url_in_page(text: str, path: Path) -> str:
    """The page's own URL: og:url, else <link rel=canonical>, HTML-unescaped.

    A relative one is joined to an absolute candidate (the other tag, or <base href>);
    without one it is an error that asks for --url.
    """
    candidates = [_first(res, text) for res in (OG_URL_RES, CANONICAL_RES)]
    base = _first((BASE_RE,), text)
    found = [c for c in candidates if c]
    absolute = [c for c in found if _is_web(c)]
    if absolute:
        return absolute[0]
    if found and base and _is_web(base):
        return urljoin(base, found[0])
    if found:
        raise PageFileError(
            f"{path}: the page names only a relative URL ({found[0]}); give the URL with --url"
        )
    raise PageFileError(f"{path}: no og:url or canonical link in the page; give the URL with --url")


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match and match.group(1).strip():
            return html.unescape(match.group(1).strip())
    return None


def _is_web(url: str) -> bool:
    try:
        require_web_url(url)
    except UnsupportedSite:
        return False
    return urlsplit(url).scheme in ("http", "https")
