"""Figure extraction and normalisation (see ../shared/figures-spec.md).

`extract_figures(sentence)` returns every figure in a sentence, in order of occurrence.
"""

from __future__ import annotations

import logging

from pipeline.model import Figure

__all__ = ["extract_figures"]

_log = logging.getLogger(__name__)


def extract_figures(sentence: str) -> list[Figure]:
    """Return the figures in `sentence`, in order. Never raises: on an internal error it logs
    the sentence and returns what a plain rescan finds (possibly nothing)."""
    from pipeline.figures.extract import extract

    if not isinstance(sentence, str) or not sentence:
        return []
    try:
        return extract(sentence)
    except Exception:  # a bug must not stop ingestion of the whole article
        _log.exception("figure extraction failed for %r", sentence[:200])
        return []
