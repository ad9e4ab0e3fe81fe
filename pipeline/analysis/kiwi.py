"""The process's one Kiwi, created on first use, and batched tokenisation.

Kiwi loads a ~500 MB model and finishes initialising on its first analysis, so the
instance is built once under a lock and warmed up before anyone uses it. Kiwi's analysis
is safe to call from several threads on one built instance (its author says so for the C++
core), so only creation is locked.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

_lock = threading.Lock()
_kiwi: Kiwi | None = None


def get_kiwi() -> Kiwi:
    """The shared Kiwi instance (created and warmed up on the first call)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi()
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
