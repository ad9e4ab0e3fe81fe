"""Run one query a user typed, on a connection that cannot write.

Two guards, either of which is enough to stop a write:
1. the connection is read-only (`make_engine(url, read_only=True)`: SQLite opens the file with
   mode=ro and query_only; PostgreSQL runs each transaction READ ONLY);
2. `check_query` reads the text first, so a write, DDL, PRAGMA, ATTACH or a second statement
   is refused with a message that says why, before anything reaches the database.

The check is a small lexer (strings, quoted names, comments and dollar quotes are skipped),
not a parser: it only has to recognise what is a query, and the connection backs it up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.db import connect_errors, make_engine
from storage.errors import QueryError, ReadOnlyViolation

QUERY_STARTS = frozenset({"SELECT", "WITH", "VALUES"})
# Words that start a statement other than a query (SQLite's and PostgreSQL's): refused as
# writes or session changes. Any other first word is no SQL at all: a syntax error.
OTHER_STATEMENTS = frozenset(
    word
    for line in (
        "INSERT UPDATE DELETE MERGE UPSERT REPLACE CREATE DROP ALTER TRUNCATE ATTACH DETACH",
        "PRAGMA VACUUM REINDEX ANALYZE ANALYSE BEGIN START COMMIT END ROLLBACK SAVEPOINT",
        "RELEASE GRANT REVOKE COPY SET RESET SHOW LISTEN NOTIFY UNLISTEN DO CALL LOCK CLUSTER",
        "REFRESH COMMENT SECURITY PREPARE EXECUTE DEALLOCATE DECLARE FETCH MOVE CLOSE",
        "DISCARD LOAD CHECKPOINT IMPORT TABLE",
    )
    for word in line.split()
)
# Words that change data or the session wherever they appear (also inside WITH … AS (…)).
WRITE_WORDS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "UPSERT",
        "INTO",  # SELECT … INTO new_table creates a table in PostgreSQL
        "ATTACH",
        "DETACH",
        "PRAGMA",
        "COPY",
        "TRUNCATE",
        "CREATE",
        "DROP",
        "ALTER",
        "GRANT",
        "REVOKE",
        "VACUUM",
        "REINDEX",
        "CALL",
        "LOCK",
    }
)
EXPLAIN_OPTIONS = frozenset({"ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN"})
ROW_LOCKS = frozenset({"SHARE", "KEY", "NO"})
# How each database words "you cannot write here" (SQLite, PostgreSQL).
READ_ONLY_MARKERS = ("readonly", "read-only", "query_only")
STREAM_BATCH = 1000  # rows fetched per round trip from a PostgreSQL server-side cursor

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>--[^\n]*)
    | (?P<block_comment>/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*(?:'|\Z))
    | (?P<quoted>"(?:[^"]|"")*(?:"|\Z)|`[^`]*(?:`|\Z)|\[[^\]]*(?:\]|\Z))
    | (?P<dollar>\$(?P<tag>[A-Za-z_][A-Za-z_0-9]*)?\$)
    | (?P<word>[A-Za-z_][A-Za-z_0-9$]*)
    | (?P<semicolon>;)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRows(NamedTuple):
    """Column names, and the rows as a one-pass iterator (streamed from the database)."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def _statements(sql: str) -> list[list[str]]:
    """The upper-cased words and symbols of each statement; strings and comments dropped."""
    statements: list[list[str]] = [[]]
    pos = 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        assert match is not None  # `other` matches any character
        pos = match.end()
        kind = match.lastgroup
        if kind == "dollar":  # PostgreSQL $tag$ … $tag$ string: skip to the closing tag
            close = sql.find(match.group(0), pos)
            pos = len(sql) if close < 0 else close + len(match.group(0))
            statements[-1].append("'")
        elif kind == "semicolon":
            statements.append([])
        elif kind in ("word", "other"):
            statements[-1].append(match.group(0).upper())
        elif kind in ("string", "quoted"):
            statements[-1].append("'" if kind == "string" else '"')
    return [s for s in statements if s]


def check_query(sql: str) -> str:
    """Raise ReadOnlyViolation unless `sql` is exactly one query; return its first word.

    A query is SELECT, WITH … SELECT, VALUES, or EXPLAIN of one of those.
    """
    statements = _statements(sql)
    if not statements:
        raise ReadOnlyViolation("empty query: give one SELECT statement")
    if len(statements) > 1:
        raise ReadOnlyViolation(
            f"{len(statements)} statements given: `newsnote sql` runs exactly one query"
        )
    tokens = statements[0]
    kind = tokens[0]
    if tokens[0] == "EXPLAIN":
        tokens = _after_explain(tokens[1:])
    while tokens and tokens[0] == "(":
        tokens = tokens[1:]
    first = tokens[0] if tokens else ""
    if first == "PRAGMA":
        raise ReadOnlyViolation(
            "PRAGMA is refused: read settings and schema with SELECT, "
            "e.g. SELECT * FROM pragma_table_info('articles')"
        )
    if first not in QUERY_STARTS and first not in OTHER_STATEMENTS:
        raise QueryError(
            f"syntax error at {first or '…'!r}: a query starts with SELECT, WITH, VALUES or EXPLAIN"
        )
    if first not in QUERY_STARTS:
        raise ReadOnlyViolation(
            f"only queries may run here (SELECT, WITH, VALUES, EXPLAIN), not {first or '…'}: "
            "the store is opened read-only"
        )
    writes = sorted(WRITE_WORDS.intersection(tokens))
    if writes:
        raise ReadOnlyViolation(
            f"{writes[0]} is refused: this query would write or change the database "
            "(quote a column of that name in double quotes)"
        )
    if any(a == "FOR" and b in ROW_LOCKS for a, b in itertools.pairwise(tokens)):
        raise ReadOnlyViolation("row locks (FOR SHARE, FOR KEY SHARE) are refused here")
    return kind


def _after_explain(tokens: list[str]) -> list[str]:
    if tokens and tokens[0] == "(":  # PostgreSQL: EXPLAIN (ANALYZE, FORMAT JSON) …
        depth = 0
        for i, tok in enumerate(tokens):
            depth += {"(": 1, ")": -1}.get(tok, 0)
            if depth == 0:
                tokens = tokens[i + 1 :]
                break
    while tokens and tokens[0] in EXPLAIN_OPTIONS:
        tokens = tokens[1:]
    if tokens and tokens[0] == "EXPLAIN":
        raise ReadOnlyViolation("EXPLAIN EXPLAIN is not a query")
    return tokens


def first_line(exc: BaseException) -> str:
    """The database's own message, first line only, without SQLAlchemy's decoration."""
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def stream(
    conn: Connection,
    execute: Callable[[Connection], CursorResult[Any]],
    *,
    streaming: bool = True,
    on_close: Callable[[], None] | None = None,
) -> QueryRows:
    """Run `execute` on `conn` and return its columns and a row iterator.

    `streaming` fetches rows in batches (a server-side cursor on PostgreSQL, which only
    takes SELECT and VALUES) instead of all at once.

    The iterator closes `conn` (and calls `on_close`) when exhausted or discarded; errors
    raised while fetching become QueryError as well.
    """

    def close() -> None:
        conn.close()
        if on_close is not None:
            on_close()

    try:
        if not conn.in_transaction():
            conn.begin()
        if streaming:
            conn = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
        result = execute(conn)
    except DBAPIError as exc:
        close()
        message = first_line(exc)
        if any(marker in message.lower() for marker in READ_ONLY_MARKERS):
            raise ReadOnlyViolation(f"refused by the read-only connection: {message}") from exc
        raise QueryError(f"query failed: {message}") from exc
    except BaseException:
        close()
        raise
    if not result.returns_rows:  # only reachable without check_query, e.g. a PRAGMA read
        close()
        return QueryRows((), iter(()))
    columns = tuple(result.keys())

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            for row in result:
                yield tuple(row)
        except SQLAlchemyError as exc:
            raise QueryError(f"query failed: {first_line(exc)}") from exc
        finally:
            result.close()
            close()

    return QueryRows(columns, rows())


def open_readonly(url: str) -> tuple[Engine, Connection]:
    """A read-only engine and one connection to it; the caller closes both."""
    engine = make_engine(url, read_only=True)
    try:
        with connect_errors(url):
            conn = engine.connect()
    except BaseException:
        engine.dispose()
        raise
    return engine, conn


def run_readonly(url: str, sql: str) -> QueryRows:
    """Run one query on a read-only connection to `url`; rows stream as they are read."""
    kind = check_query(sql)
    return run_unchecked(url, sql, streaming=kind != "EXPLAIN")


def run_unchecked(url: str, sql: str, *, streaming: bool = False) -> QueryRows:
    """Like run_readonly without the text check: the read-only connection alone guards.

    For tests that show the second guard holds; commands call run_readonly.
    """
    engine, conn = open_readonly(url)
    # The text goes to the driver as typed: no ':name' binds, no '%' escaping.
    return stream(
        conn,
        lambda c: c.execution_options(no_parameters=True).exec_driver_sql(sql),
        streaming=streaming,
        on_close=engine.dispose,
    )
