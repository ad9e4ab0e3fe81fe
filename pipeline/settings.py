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

    @classmethod
    def from_env(cls, db: str | None = None, **overrides: object) -> Settings:
        ua = os.environ.get(ENV_USER_AGENT) or DEFAULT_USER_AGENT
        return cls(database_url=resolve_database_url(db), user_agent=ua, **overrides)  # type: ignore[arg-type]


def fetch_config_for(settings: Settings, **overrides: Any) -> FetchConfig:
    """The fetcher's configuration from the settings it shares names with, plus `overrides`
    (the worker's retry policy, say)."""
    from scrapers.fetch import FetchConfig

    known = {f.name for f in dataclasses.fields(FetchConfig)}
    values = {k: v for k, v in dataclasses.asdict(settings).items() if k in known}
    return FetchConfig(**(values | overrides))
