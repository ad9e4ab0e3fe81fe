"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from pipeline.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
# The largest id or row count the store's integers hold (SQLite and PostgreSQL BIGINT):
# anything larger is refused at the command line instead of overflowing in the driver.
SQL_INT_MAX = 2**63 - 1


def db_option(func: F) -> F:
    """`--db URL`: the database, else $NEWSNOTE_DATABASE_URL, else the default SQLite file."""
    return click.option(
        "--db",
        "db",
        metavar="URL",
        default=None,
        help="Database URL or SQLite file path [default: $NEWSNOTE_DATABASE_URL, "
        "else newsnote.db in the user data directory].",
    )(func)


def politeness_options(func: F) -> F:
    """`--per-host N`, `--interval SECONDS`, `--proxy URL`: how fetching treats each host."""
    for option in reversed(
        (
            click.option(
                "--per-host",
                type=click.IntRange(1, 64),
                default=None,
                metavar="N",
                help="Requests in flight to one host [default: 1].",
            ),
            click.option(
                "--interval",
                type=click.FloatRange(min=0.0),
                default=None,
                metavar="SECONDS",
                help="Minimum time between requests to one host [default: 1.0].",
            ),
            click.option(
                "--proxy",
                metavar="URL",
                default=None,
                help="HTTP(S) proxy [default: $HTTPS_PROXY / $HTTP_PROXY].",
            ),
        )
    ):
        func = option(func)
    return func


def politeness_overrides(
    per_host: int | None, interval: float | None, proxy: str | None
) -> dict[str, object]:
    """The settings that `politeness_options` were given (those left out keep defaults)."""
    given = {"per_host_concurrency": per_host, "per_host_interval": interval, "proxy": proxy}
    return {name: value for name, value in given.items() if value is not None}


def settings(db: str | None, **overrides: object) -> Settings:
    return Settings.from_env(db, **overrides)


class UserFailure(click.ClickException):
    """One line on stderr and exit code 1 (or the given one)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click declares it as a class default

    def show(self, file: Any = None) -> None:
        click.echo(f"newsnote: error: {self.message}", err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    raise UserFailure(message, code)
