"""Per-host politeness: at most N requests in flight to a host, starts at least T seconds apart.

A `HostGate` is asyncio-only and lives inside one `Fetcher` (one event loop). A server's
`Retry-After` or a robots.txt crawl-delay pushes the host's next allowed start further out,
for every request to that host, not just the one that was told to wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from scrapers.urls import host_port

# A start the event loop woke late (a busy machine) may count the lateness, up to this share
# of the interval, towards the next gap. Starts never run ahead of the grid
# first_start + k × interval, so the rate to a host never exceeds 1/interval; single gaps
# stay ≥ (1 − LATE_START_CREDIT) × interval. Without it, wake-up lag adds to every gap
# and a long batch runs ~20% slower than the politeness bound on a loaded machine.
LATE_START_CREDIT = 0.1


def host_key(url: str) -> str:
    """`host[:port]` in lower case: what politeness limits are counted by."""
    try:
        return host_port(url)
    except ValueError:  # a bad port: the fetch itself reports it; count it under the host
        return (urlsplit(url).hostname or "").lower()


class HostGate:
    """Concurrency limit plus minimum interval between request starts, for one host."""

    def __init__(self, concurrency: int, interval: float) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self.interval = max(0.0, interval)
        self._next_start = 0.0  # time.monotonic() before which no request may start

    def slow_down(self, interval: float) -> None:
        """Use at least `interval` between starts from now on (robots.txt crawl-delay)."""
        self.interval = max(self.interval, interval)

    def defer(self, seconds: float) -> None:
        """Start nothing for `seconds` from now (a server's Retry-After)."""
        self._next_start = max(self._next_start, time.monotonic() + seconds)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the host's slots, starting no sooner than the interval allows."""
        async with self._slots:
            async with self._lock:
                scheduled = self._next_start
                now = time.monotonic()
                if scheduled > now:
                    await asyncio.sleep(scheduled - now)
                    now = time.monotonic()
                credit = min(max(0.0, now - scheduled), self.interval * LATE_START_CREDIT)
                self._next_start = now - credit + self.interval
            yield


class HostGates:
    """One `HostGate` per host, created on first use with the same defaults."""

    def __init__(self, concurrency: int, interval: float) -> None:
        self._concurrency = concurrency
        self._interval = interval
        self._gates: dict[str, HostGate] = {}

    def for_url(self, url: str) -> HostGate:
        key = host_key(url)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = HostGate(self._concurrency, self._interval)
        return gate
