"""PageRank over a small weighted undirected graph (TextRank's ranking step), with numpy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

DAMPING = 0.85  # TextRank's (and PageRank's) usual value
MAX_ITERATIONS = 100
TOLERANCE = 1e-6


def pagerank(weights: npt.NDArray[np.float64], prior: Sequence[float] | None = None) -> list[float]:
    """Scores of the graph's nodes 0 … n-1 (summing to 1); `weights[b, a]` is the weight
    of the edge between a and b (symmetric: the graph is undirected).

    The callers build the matrix themselves: filling it from a mapping of edges would cost
    a Python step per edge. `prior` (one weight per node) biases the random jump
    (personalised PageRank); uniform when None. A node without edges spreads its score by
    the random jump.
    """
    n = len(weights)
    if n == 0:
        return []
    out = weights.sum(axis=0)  # column i: what node i passes on
    dangling = np.flatnonzero(out == 0)
    transition = weights / np.where(out == 0, 1.0, out)
    jump = np.array(prior, dtype=float) if prior else np.ones(n)
    total = jump.sum()
    jump = jump / total if total > 0 else np.full(n, 1 / n)
    teleport = (1 - DAMPING) * jump
    # The loop reuses its buffers and calls numpy's functions directly (`np.add.reduce` is
    # what `ndarray.sum` runs): for graphs this small their per-call cost is most of the work.
    score = jump.copy()
    new = np.empty(n)
    diff = np.empty(n)
    for _ in range(MAX_ITERATIONS):
        np.dot(transition, score, out=new)
        if len(dangling):
            new += np.add.reduce(score[dangling]) * jump
        new *= DAMPING
        new += teleport
        np.subtract(new, score, out=diff)
        np.abs(diff, out=diff)
        score, new = new, score
        if np.add.reduce(diff) < TOLERANCE:
            break
    result: list[float] = score.tolist()
    return result
