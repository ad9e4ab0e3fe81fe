"""`--source` specs, read once for the site modules that list their own articles.

A spec is `<name>:<key>=<value>,…` (`naver:section=101,pages=2`, `chosun:rss=politics`,
`nate:mid=n0100`). `scrapers.discover` reads the name, the parameters and `--since` into a
`SourceSpec` and hands it to the site registered under that name in
`scrapers.sites.DISCOVERY`; the site answers with its list pages or feeds (`list_urls`) and,
for a fetched list page of its own, the links that can be articles (`list_links`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers.errors import ScraperError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

MAX_DAYS = 366  # --since further back than this is almost certainly a typo


class BadSource(ScraperError):
    """A `--source` spec that names nothing we can discover from."""


@dataclass(frozen=True)
class SourceSpec:
    """One `--source` spec, read: what a site needs to name its list pages or feeds."""

    spec: str  # as given, for error messages
    name: str  # lower-cased, before the first ':'
    params: dict[str, str] = field(default_factory=dict)  # key=value (key alone: value "")
    days: tuple[date, ...] = ()  # with --since: each day from today back to it; else empty

    def int_param(self, name: str, default: int, cap: int) -> int:
        """Parameter `name` as a number 1..cap (`default` when absent)."""
        value = self.params.get(name, str(default))
        if not value.isdigit() or not 1 <= int(value) <= cap:
            raise BadSource(f"{name} must be 1..{cap} in {self.spec!r}")
        return int(value)


def read_spec(spec: str, *, since: date | None, today: date) -> SourceSpec:
    """`spec` split into its name and parameters, with the days `since` stands for."""
    name, _, rest = spec.strip().partition(":")
    return SourceSpec(
        spec=spec, name=name.lower(), params=_params(rest, spec), days=_days(since, today)
    )


def web_url(url: str, spec: str) -> str:
    """`url` if it is an http(s) URL; `BadSource` naming `spec` otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadSource(f"not an http(s) URL in source {spec!r}")
    return url.strip()


def all_links(root: HtmlElement) -> list[str]:
    """Every link's href on a page: a list page of a site with no list layout of its own."""
    return [str(h) for h in root.xpath("//a/@href")]


def _params(rest: str, spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not key:
            raise BadSource(f"malformed source {spec!r}")
        out[key.strip().lower()] = value.strip() if eq else ""
    return out


def _days(since: date | None, today: date) -> tuple[date, ...]:
    if since is None:
        return ()
    if since > today:
        raise BadSource(f"--since {since} is in the future")
    count = (today - since).days + 1
    if count > MAX_DAYS:
        raise BadSource(f"--since {since} is more than {MAX_DAYS} days ago")
    return tuple(today - timedelta(days=i) for i in range(count))


__all__ = ["MAX_DAYS", "BadSource", "SourceSpec", "all_links", "read_spec", "web_url"]
