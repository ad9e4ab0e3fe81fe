"""Evidence: sentences that carry the article's figures, above all with their source.

A sentence with money, a percentage or percentage points is evidence; a sentence with any
figure that also names where it comes from (`블룸버그통신에 따르면`) is too. At most
MAX_EVIDENCE, the strongest, in article order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.model import Sentence

MAX_EVIDENCE = 5
STRONG_KINDS = frozenset({"money", "percent", "percent_point"})
SOURCE = re.compile(
    r"에 따르면|(?:조사|집계|발표|자료|통계|보고서|공시)(?:에 따르면|에서|에선|로는|결과)|"
    r"(?:집계|조사|발표|분석)했다|밝혔다"
)
STRONG_WEIGHT = 2
SOURCE_WEIGHT = 1


def find_evidence(sentences: Sequence[Sentence], eligible: frozenset[int]) -> tuple[int, ...]:
    scored: list[tuple[int, float]] = []
    for s in sentences:
        if s.index not in eligible or not s.figures:
            continue
        strong = any(f.kind in STRONG_KINDS for f in s.figures)
        sourced = SOURCE.search(s.text) is not None
        if not strong and not sourced:
            continue
        score = STRONG_WEIGHT * strong + SOURCE_WEIGHT * sourced + len(s.figures) / 100
        scored.append((s.index, score))
    best = sorted(scored, key=lambda x: -x[1])[:MAX_EVIDENCE]
    return tuple(sorted(i for i, _ in best))
