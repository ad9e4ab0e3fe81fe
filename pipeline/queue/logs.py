"""One log line for a job that failed for a reason a user can read (a 404, a page that is
not an article), instead of procrastinate's traceback: the traceback helps only with bugs."""

from __future__ import annotations

import logging

from pipeline.errors import USER_ERRORS

PROCRASTINATE_WORKER = "procrastinate.worker"
ENDED = " ended with status"


class UserErrorsAsOneLine(logging.Filter):
    """Rewrites a job's failure record whose exception is a user error: no traceback, the
    job (its URL) and the reason on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, USER_ERRORS):
            job = record.getMessage().split(ENDED, 1)[0]
            record.msg, record.args = "%s failed: %s", (job, exc)
            record.exc_info = record.exc_text = None
        return True


def install() -> None:
    logging.getLogger(PROCRASTINATE_WORKER).addFilter(UserErrorsAsOneLine())
