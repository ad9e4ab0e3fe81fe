"""The `newsnote` application: registers the commands and turns user errors into one line.

Command modules import only click and light modules at import time; the tokenizer, the
HTTP client and SQLAlchemy are imported inside the commands that need them.
"""

from __future__ import annotations

import sys

import click

from pipeline.cli.batch_cmd import batch
from pipeline.cli.db_cmd import db
from pipeline.cli.digest_cmd import digest
from pipeline.cli.enqueue_cmd import enqueue
from pipeline.cli.import_articles_cmd import import_articles
from pipeline.cli.import_note_cmd import import_note
from pipeline.cli.ingest_cmd import ingest
from pipeline.cli.note_cmd import note
from pipeline.cli.parse_cmd import parse
from pipeline.cli.reparse_cmd import reparse
from pipeline.cli.report_cmd import report
from pipeline.cli.sql_cmd import sql
from pipeline.cli.stories_cmd import stories
from pipeline.cli.worker_cmd import worker
from pipeline.errors import USER_ERRORS

COMMANDS: tuple[click.Command, ...] = (
    ingest,
    batch,
    parse,
    note,
    import_note,
    import_articles,
    report,
    stories,
    digest,
    sql,
    db,
    reparse,
    enqueue,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsnote")
def cli() -> None:
    """newsnote: Korean news articles into study notes and a SQL store."""


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    try:
        rc = cli.main(prog_name="newsnote", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("newsnote: interrupted", err=True)
        sys.exit(130)
    except USER_ERRORS as exc:
        click.echo(f"newsnote: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(141)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
