"""Errors raised by the scrapers package.

    ScraperError                 anything a user's input or the network can cause
    ├── FetchError               a page could not be fetched
    │   ├── RetryableFetchError  timeouts, connection errors, 429, 5xx: worth trying again
    │   └── PermanentFetchError  4xx, refused scheme, too large, not HTML, robots.txt
    │       └── RobotsDisallowed
    ├── DecodeError              bytes that do not decode to trustworthy text
    ├── UnsupportedSite          no parser handles this URL
    └── ParseError               the page is not what its parser expects
        └── NotAnArticle         the page holds no article (a list page, an error page)

Runners catch `ScraperError` per article and go on; anything else is a bug and surfaces.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base of every error a user or the network can cause in scrapers."""


class FetchError(ScraperError):
    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class RetryableFetchError(FetchError):
    def __init__(
        self, url: str, reason: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(url, reason, status)
        self.retry_after = retry_after


class PermanentFetchError(FetchError):
    pass


class RobotsDisallowed(PermanentFetchError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class DecodeError(ScraperError):
    pass


class UnsupportedSite(ScraperError):
    def __init__(self, url: str) -> None:
        super().__init__(f"unsupported site: {url}")
        self.url = url


class ParseError(ScraperError):
    """The page does not look as its parser expects; `missing` names what was not found."""

    def __init__(self, parser: str, url: str, missing: str) -> None:
        super().__init__(f"{parser} parser: {missing} not found in {url}")
        self.parser = parser
        self.url = url
        self.missing = missing


class NotAnArticle(ParseError):
    def __init__(self, parser: str, url: str, why: str) -> None:
        ScraperError.__init__(self, f"not an article page: {why} ({url})")
        self.parser = parser
        self.url = url
        self.missing = why
