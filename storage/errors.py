"""Errors raised by the storage package.

StorageError            a problem a user can cause or fix
├── DatabaseUnavailable  cannot connect, or the URL is malformed
├── ReadOnlyViolation    a write, DDL or several statements sent through the read-only path
├── UnknownReport        no report by that name
└── NotFound             no stored article matches
"""


class StorageError(Exception):
    pass


class DatabaseUnavailable(StorageError):
    pass


class ReadOnlyViolation(StorageError):
    pass


class UnknownReport(StorageError):
    pass


class NotFound(StorageError):
    pass


class QueryError(StorageError):
    pass


class ReportUnavailable(StorageError):
    pass
