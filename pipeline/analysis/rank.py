"""PageRank over a small weighted undirected graph (TextRank's ranking step), with numpy."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

import numpy as np

N = TypeVar("N", bound=Hashable)

DAMPING = 0.85  # TextRank's (and PageRank's) usual value
MAX_ITERATIONS = 100
TOLERANCE = 1e-6


def pagerank(
    edges: Mapping[N, Mapping[N, float]],
    nodes: list[N],
    prior: Mapping[N, float] | None = None,
) -> dict[N, float]:
    """Scores of `nodes` (summing to 1); `edges[a][b]` is the weight between a and b.

    `prior` biases the random jump (personalised PageRank); uniform when None. A node
    without edges spreads its score by the random jump.
    """
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    # One fancy-indexed assignment instead of a Python-level store per edge.
    targets = [index[b] for row in edges.values() for b in row]
    sources = [index[a] for a, row in edges.items() for _ in row]
    weights = np.zeros((n, n))
    weights[targets, sources] = [w for row in edges.values() for w in row.values()]
    out = weights.sum(axis=0)  # column i: what node i passes on
    dangling = out == 0
    transition = weights / np.where(dangling, 1.0, out)
    jump = np.array([prior.get(node, 0.0) for node in nodes]) if prior else np.ones(n)
    jump = jump / jump.sum() if jump.sum() > 0 else np.full(n, 1 / n)
    teleport = (1 - DAMPING) * jump
    # Without dangling nodes their term is 0.0 * jump: adding it changes no value, so skip it.
    has_dangling = bool(dangling.any())
    score = jump.copy()
    for _ in range(MAX_ITERATIONS):
        spread = transition @ score
        if has_dangling:
            spread += score[dangling].sum() * jump
        new = DAMPING * spread
        new += teleport
        done = np.abs(new - score).sum() < TOLERANCE
        score = new
        if done:
            break
    return dict(zip(nodes, score.tolist(), strict=True))
