"""When a failed job is tried again: retryable fetch errors back off exponentially."""

from __future__ import annotations

import random

from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job

from pipeline.queue.politeness import HostBusy
from scrapers.errors import RetryableFetchError

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 900.0
# A job that found its host busy comes back soon, however often that happened.
HOST_BUSY_DELAY_SECONDS = (1.0, 5.0)


class FetchRetry(BaseRetryStrategy):
    """Retry `RetryableFetchError` up to `max_attempts` runs, waiting base·2ⁿ (±50 % jitter)
    and never less than the server's Retry-After; `HostBusy` always, after a few seconds;
    anything else fails the job at once."""

    def __init__(
        self,
        max_attempts: int = MAX_ATTEMPTS,
        base: float = BACKOFF_BASE_SECONDS,
        cap: float = BACKOFF_CAP_SECONDS,
    ) -> None:
        self.max_attempts = max_attempts
        self.base = base
        self.cap = cap

    def will_retry(self, exception: BaseException, attempts: int) -> bool:
        """`attempts`: runs before this one (procrastinate's `job.attempts`)."""
        if isinstance(exception, HostBusy):
            return True
        return isinstance(exception, RetryableFetchError) and attempts + 1 < self.max_attempts

    def delay(self, exception: BaseException, attempts: int) -> float:
        if isinstance(exception, HostBusy):
            return random.uniform(*HOST_BUSY_DELAY_SECONDS)
        wait = min(self.cap, self.base * 2.0**attempts) * random.uniform(0.5, 1.5)
        retry_after = getattr(exception, "retry_after", None)
        if isinstance(retry_after, int | float):
            wait = max(wait, float(retry_after))
        return wait

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not self.will_retry(exception, job.attempts):
            return None
        millis = round(self.delay(exception, job.attempts) * 1000)
        return RetryDecision(retry_in={"milliseconds": millis})
