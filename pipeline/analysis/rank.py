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
    weights = np.zeros((n, n))
    for a, row in edges.items():
        i = index[a]
        for b, w in row.items():
            weights[index[b], i] = w  # column i: what node i passes on
    out = weights.sum(axis=0)
    dangling = out == 0
    transition = weights / np.where(dangling, 1.0, out)
    jump = np.array([prior.get(node, 0.0) for node in nodes]) if prior else np.ones(n)
    jump = jump / jump.sum() if jump.sum() > 0 else np.full(n, 1 / n)
    score = jump.copy()
    for _ in range(MAX_ITERATIONS):
        new = DAMPING * (transition @ score + score[dangling].sum() * jump)
        new += (1 - DAMPING) * jump
        done = np.abs(new - score).sum() < TOLERANCE
        score = new
        if done:
            break
    return {node: float(score[i]) for i, node in enumerate(nodes)}
