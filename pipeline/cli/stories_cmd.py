"""`newsnote stories rebuild`: recompute the stories of a period (after the method changed)."""

from __future__ import annotations

from datetime import datetime

import click

from pipeline.cli.common import db_option, settings

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("stories")
def stories() -> None:
    """Stories: the articles of one event across presses.

    Every stored article joins the story it reports, or starts one, as it is saved
    (ingest, batch, import-articles, reparse, workers). `report stories` lists them,
    `digest` describes a day's.
    """


@stories.command("rebuild")
@click.option("--since", type=DAY, help="First day (KST) to recompute: YYYY-MM-DD [default: all].")
@click.option(
    "--window",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="HOURS",
    help="How far apart articles of one story may be [default: 48, $NEWSNOTE_STORY_WINDOW_HOURS].",
)
@db_option
def rebuild(since: datetime | None, window: float | None, db: str | None) -> None:
    """Recompute the stories of every article published on or after --since (KST).

    Articles before --since keep their stories, and later articles may still join them.
    Prints how many articles went into how many stories.

    \b
    Examples:
      newsnote stories rebuild
      newsnote stories rebuild --since 2025-02-01 --window 24
    """
    from pipeline.stories.assign import assign_articles, params_for
    from storage import db as storage_db
    from storage.reports import kst_start
    from storage.stories import articles_since, forget, story_sizes

    overrides = {} if window is None else {"story_window_hours": window}
    conf = settings(db, **overrides)
    engine = storage_db.make_engine(conf.database_url)
    try:
        storage_db.ensure_schema(conf.database_url, engine)
        ids = articles_since(engine, kst_start(since.date()) if since else None)
        forget(engine, ids)
        story_ids = set(assign_articles(engine, ids, params_for(conf)))
        sizes = story_sizes(engine, sorted(story_ids))
    finally:
        engine.dispose()
    several = sum(1 for presses in sizes.values() if presses > 1)
    click.echo(
        f"stories: {len(ids)} articles in {len(story_ids)} stories, "
        f"{several} of them carried by 2 or more presses"
    )
