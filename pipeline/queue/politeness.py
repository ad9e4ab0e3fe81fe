"""Per-host politeness across every worker of a cluster, kept by PostgreSQL advisory locks.

A host has `limit` slots; a fetch holds one slot, as the session-level advisory lock
hash('newsnote-host:<host>#<slot>'), from before the request until `interval` seconds after
it ends. So whatever the number of workers and machines, at most `limit` requests are in
flight to a host, and each slot waits `interval` between the end of one request and the
start of the next. A worker that dies loses its connection and PostgreSQL frees its locks:
a killed worker never leaves a host blocked.

Locks live on one dedicated autocommit connection per worker process. Session-level
advisory locks are re-entrant within a session, so the process also keeps the set of keys it
holds and never asks for one of them again.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scrapers.politeness import host_key

# How often a job waiting for a busy host asks again; short next to a 1 s interval.
POLL_SECONDS = 0.05
# A job waits this long at most for a busy host, then gives up its worker slot with
# `HostBusy` and is retried a little later, so one crowded host cannot fill every slot.
MAX_WAIT_SECONDS = 30.0
LOCK_NAMESPACE = "newsnote-host:"


class HostBusy(Exception):
    """Every slot of a host stayed taken for too long; the job is worth retrying."""


class HostSlots:
    """Cluster-wide per-host slots for one worker process."""

    def __init__(
        self,
        conninfo: str,
        *,
        limit: int,
        interval: float,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        if limit < 1:
            raise ValueError("per-host limit must be at least 1")
        self.conninfo = conninfo
        self.limit = limit
        self.interval = interval
        self.max_wait = max_wait
        self._held: set[tuple[str, int]] = set()
        self._guard = threading.Lock()
        self._conn: Any = None
        self._timers: set[threading.Timer] = set()

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.conninfo, autocommit=True)
            self._held.clear()  # a new session holds nothing
        return self._conn

    def _try(self, host: str, slot: int) -> bool:
        with self._guard:
            if (host, slot) in self._held:
                return False
            row = (
                self._connection()
                .execute(
                    "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))",
                    (f"{LOCK_NAMESPACE}{host}#{slot}",),
                )
                .fetchone()
            )
            if row and row[0]:
                self._held.add((host, slot))
                return True
            return False

    def _release(self, host: str, slot: int) -> None:
        with self._guard:
            if (host, slot) not in self._held:
                return
            self._held.discard((host, slot))
            if self._conn is not None and not self._conn.closed:
                self._conn.execute(
                    "SELECT pg_advisory_unlock(hashtextextended(%s, 0))",
                    (f"{LOCK_NAMESPACE}{host}#{slot}",),
                )

    def acquire(self, host: str) -> int:
        """Wait for a free slot of `host` and take it; returns the slot number."""
        deadline = time.monotonic() + self.max_wait
        while True:
            first = random.randrange(self.limit)
            for i in range(self.limit):
                slot = (first + i) % self.limit
                if self._try(host, slot):
                    return slot
            if time.monotonic() > deadline:
                raise HostBusy(f"{host}: no free slot after {self.max_wait:.0f} s")
            time.sleep(POLL_SECONDS)

    def release_later(self, host: str, slot: int) -> None:
        """Free the slot once the interval has passed, without keeping the job waiting."""
        if self.interval <= 0:
            self._release(host, slot)
            return
        timer = threading.Timer(self.interval, self._release_timer, (host, slot))
        timer.daemon = True
        with self._guard:
            self._timers.add(timer)
        timer.start()

    def _release_timer(self, host: str, slot: int) -> None:
        with self._guard:
            self._timers.discard(threading.current_thread())
        self._release(host, slot)

    @contextmanager
    def hold(self, url: str) -> Iterator[None]:
        """Hold a slot of `url`'s host around a request, and `interval` seconds after it."""
        host = host_key(url)
        slot = self.acquire(host)
        try:
            yield
        finally:
            self.release_later(host, slot)

    def close(self) -> None:
        """Release everything now. The locks are unlocked before the session closes: the
        server frees a closed session's locks only when its backend has exited, a moment
        later, and another worker asking at once would find the host still busy."""
        with self._guard:
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
        with self._guard:
            self._held.clear()
            if self._conn is not None:
                with contextlib.suppress(Exception):  # a dead connection holds nothing
                    self._conn.execute("SELECT pg_advisory_unlock_all()")
                self._conn.close()
                self._conn = None
