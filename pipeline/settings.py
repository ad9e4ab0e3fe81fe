"""Settings: read once from flags and the environment (only here), then passed down frozen."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storage.location import resolve_database_url

if TYPE_CHECKING:
    from scrapers.fetch import FetchConfig


ENV_USER_AGENT = "NEWSNOTE_USER_AGENT"
ENV_STORY_WINDOW = "NEWSNOTE_STORY_WINDOW_HOURS"
DEFAULT_USER_AGENT = "newsnote/0.1 (+https://github.com/newsnote/newsnote; polite news reader)"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    user_agent: str = DEFAULT_USER_AGENT
    proxy: str | None = None
    per_host_concurrency: int = 1
    per_host_interval: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    summary_sentences: int = 3
    # How far apart two articles of one story may be (stories, `NEWSNOTE_STORY_WINDOW_HOURS`).
    story_window_hours: float = 48.0

    @classmethod
    def from_env(cls, db: str | None = None, **overrides: object) -> Settings:
        ua = os.environ.get(ENV_USER_AGENT) or DEFAULT_USER_AGENT
        window = os.environ.get(ENV_STORY_WINDOW, "").strip()
        if window and "story_window_hours" not in overrides:
            overrides["story_window_hours"] = _story_window(window)
        return cls(database_url=resolve_database_url(db), user_agent=ua, **overrides)  # type: ignore[arg-type]


def fetch_config_for(settings: Settings, **overrides: Any) -> FetchConfig:
    """The fetcher's configuration from the settings it shares names with, plus `overrides`
    (the worker's retry policy, say)."""
    from scrapers.fetch import FetchConfig

    known = {f.name for f in dataclasses.fields(FetchConfig)}
    values = {k: v for k, v in dataclasses.asdict(settings).items() if k in known}
    return FetchConfig(**(values | overrides))


def _story_window(text: str) -> float:
    from pipeline.errors import InputError

    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 365:
        raise InputError(f"{ENV_STORY_WINDOW} must be a number of hours above 0, got {text!r}")
    return hours
