"""Errors raised by the pipeline package, and the set of errors a user can cause.

    PipelineError              a problem in the user's input or set-up
    ├── NoteFormatError        a study note that does not follow the format (with line number)
    ├── NeedsPostgres          a distributed command used with SQLite
    └── InputError             a file that cannot be read, an empty URL list, …

`USER_ERRORS` adds the scrapers' and storage's bases: the CLI turns any of them into one
line on stderr and a non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from scrapers.errors import ScraperError
from storage.errors import StorageError


class PipelineError(Exception):
    pass


class NoteFormatError(PipelineError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class NeedsPostgres(PipelineError):
    pass


class InputError(PipelineError):
    pass


USER_ERRORS: tuple[type[Exception], ...] = (ScraperError, StorageError, PipelineError)
