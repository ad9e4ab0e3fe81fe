"""The process's one Kiwi, created on first use, and batched tokenisation.

Kiwi loads a ~500 MB model and finishes initialising on its first analysis, so the
instance is built once under a lock and warmed up before anyone uses it. Kiwi's analysis
is safe to call from several threads on one built instance (its author says so for the C++
core), so only creation is locked.

Kiwi gets a worker thread per core (`NEWSNOTE_KIWI_THREADS` sets the number), and on Linux
those threads run at a lower priority (nice +10): while they tokenise, one Python thread
parses, analyses and saves beside them, and it is the one everything waits for. At equal
priority the scheduler would give it a third of the CPU of two cores when both Kiwi threads
are busy; lowered, Kiwi takes the CPU that thread leaves and no more.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

_lock = threading.Lock()
_kiwi: Kiwi | None = None
THREADS_ENV = "NEWSNOTE_KIWI_THREADS"
KIWI_NICE = 10  # added to the niceness of Kiwi's worker threads
TASKS = "/proc/self/task"  # one entry per thread of this process (Linux)


def kiwi_threads() -> int:
    """Kiwi's worker threads: `NEWSNOTE_KIWI_THREADS`, else one per core."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


def _thread_ids() -> set[int]:
    try:
        return {int(tid) for tid in os.listdir(TASKS)}
    except OSError:  # not Linux
        return set()


def _lower_priority(thread_ids: set[int]) -> None:
    """Make these threads (Kiwi's) yield the CPU to this process's Python threads."""
    python_threads = {t.native_id for t in threading.enumerate()}
    for tid in thread_ids - python_threads:
        with contextlib.suppress(OSError):  # gone, or not allowed: it only costs speed
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + KIWI_NICE)


def get_kiwi() -> Kiwi:
    """The shared Kiwi instance (created and warmed up on the first call)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                before = _thread_ids()
                kiwi = Kiwi(num_workers=kiwi_threads())
                kiwi.tokenize("")  # finishes Kiwi's lazy initialisation now, under the lock
                _lower_priority(_thread_ids() - before)
                _kiwi = kiwi
    return _kiwi


# kiwipiepy hands a batch to its threads only a few dozen texts at a time (more as the
# results are read): batches this small are all under way as soon as they are submitted.
SUBMIT_BATCH = 8


class Tokenising:
    """Kiwi splitting and tokenising some texts on its own threads, started on creation.

    `result()` collects the work (waiting for what is not done yet), so a caller can start
    the next articles and do other work while Kiwi runs: no Python thread is needed, and
    none has to win the GIL back to keep Kiwi fed.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        kiwi = get_kiwi()
        # Without `split_sents`: Kiwi splits all the same, and kiwipiepy's grouping by
        # sentence (a Python lambda per token) is left to `sentences_of`.
        self._batches: list[Any] = [
            kiwi.tokenize(list(texts[i : i + SUBMIT_BATCH]))
            for i in range(0, len(texts), SUBMIT_BATCH)
        ]

    def result(self) -> list[list[Token]]:
        """For each text: its tokens (offsets inside that text), for `sentences_of`."""
        return [tokens for batch in self._batches for tokens in batch]


_sentence_of = attrgetter("sent_position")


def sentences_of(tokens: Iterable[Token]) -> list[list[Token]]:
    """A text's tokens grouped into its sentences, as `tokenize(..., split_sents=True)` does."""
    return [list(group) for _, group in groupby(tokens, key=_sentence_of)]


def tokenize_many(texts: Sequence[str]) -> list[list[Token]]:
    """Tokens of each text, without sentence splitting (one batched call)."""
    if not texts:
        return []
    result: Any = get_kiwi().tokenize(list(texts))
    return [list(tokens) for tokens in result]
