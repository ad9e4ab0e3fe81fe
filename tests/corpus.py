"""Where the saved pages are: $NEWSNOTE_CORPUS, else ../shared/corpus (no pytest needed)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path | None:
    configured = os.environ.get("NEWSNOTE_CORPUS")
    path = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return path if path.is_dir() else None
