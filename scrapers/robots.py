"""robots.txt rules per host, parsed with protego and kept for the fetcher's lifetime.

What a robots.txt response means follows RFC 9309: 2xx → its rules; 4xx (none there) →
everything allowed; 5xx or unreachable → nothing allowed for now, which the fetcher reports
as a retryable failure and does not cache, so a later attempt asks again.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_PATH = "/robots.txt"


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules of one host; `None` parser means everything is allowed."""

    parser: Protego | None

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls(None)

    @classmethod
    def from_text(cls, text: str) -> RobotsRules:
        return cls(Protego.parse(text))

    def allows(self, url: str, agent: str) -> bool:
        return self.parser is None or bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def robots_agent(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (`newsnote/0.1 (...)` → newsnote)."""
    token = user_agent.split("/", 1)[0].split(" ", 1)[0].strip()
    return token or "newsnote"
