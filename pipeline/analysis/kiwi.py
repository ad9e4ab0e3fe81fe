"""The process's one Kiwi, created on first use, and batched tokenisation.

Kiwi loads a ~500 MB model and finishes initialising on its first analysis, so the
instance is built once under a lock and warmed up before anyone uses it. Kiwi's analysis
is safe to call from several threads on one built instance (its author says so for the C++
core), so only creation is locked.

Kiwi gets one worker thread fewer than there are cores (at least one): while it tokenises,
one Python thread parses, analyses and saves beside it, and a Kiwi thread per core would
leave that thread, the one everything waits for, only part of a core.
`NEWSNOTE_KIWI_THREADS` sets the number instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

_lock = threading.Lock()
_kiwi: Kiwi | None = None
THREADS_ENV = "NEWSNOTE_KIWI_THREADS"


def kiwi_threads() -> int:
    """Kiwi's worker threads: `NEWSNOTE_KIWI_THREADS`, else the cores less one (at least 1)."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) - 1)


def get_kiwi() -> Kiwi:
    """The shared Kiwi instance (created and warmed up on the first call)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=kiwi_threads())
                kiwi.tokenize("")  # finishes Kiwi's lazy initialisation now, under the lock
                _kiwi = kiwi
    return _kiwi


def tokenize_split(texts: Sequence[str]) -> list[list[list[Token]]]:
    """For each text: its sentences, each a list of tokens (offsets inside that text).

    One batched call: Kiwi splits sentences and analyses them in the same pass, spread over
    its worker threads, which is faster than one call per text or one joined string.
    """
    if not texts:
        return []
    result: Any = get_kiwi().tokenize(list(texts), split_sents=True)
    return [list(sents) for sents in result]


def tokenize_many(texts: Sequence[str]) -> list[list[Token]]:
    """Tokens of each text, without sentence splitting (one batched call)."""
    if not texts:
        return []
    result: Any = get_kiwi().tokenize(list(texts))
    return [list(tokens) for tokens in result]
