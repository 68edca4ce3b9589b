"""Choose units under a budget without repeating information.

Integer linear program in the style of Gillick & Favre (2009), solved with ``scipy.optimize.milp``
(HiGHS): maximize the weight of the concepts covered plus the salience of the units chosen, subject to
the budget (words or sentences) and a redundancy constraint ``x_u + x_v <= 1`` for every pair of units
whose term-set cosine reaches ``SummaryOptions.redundancy``.  Concepts make the objective reward new
information and the pair constraints forbid saying one thing twice.  If the solver fails or runs out of
time, a greedy pass (best score per word first, skipping redundant units) gives the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

log = logging.getLogger(__name__)

MAX_CANDIDATES = 100
"""Only the best-scored units enter the ILP; keeps the solve well under 100 ms on big clusters."""
SALIENCE_WEIGHT = 2.0
"""How much unit salience counts against concept coverage in the ILP objective."""
TIME_LIMIT_SECONDS = 2.0


@dataclass(frozen=True)
class Budget:
    words: int | None = None
    sentences: int | None = None

    def fits(self, lengths: Sequence[int]) -> bool:
        if self.sentences is not None:
            return len(lengths) <= self.sentences
        return sum(lengths) <= (self.words or 0)


def redundant_pairs(similarity: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    upper = np.triu(similarity >= threshold, k=1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(upper), strict=True)]


def select_greedy(
    scores: np.ndarray, lengths: np.ndarray, similarity: np.ndarray, budget: Budget, threshold: float
) -> list[int]:
    """Best salience per sqrt(word) first; skip what overflows the budget or repeats a chosen unit."""
    density = scores / np.sqrt(np.maximum(lengths, 1))
    order = sorted(range(len(scores)), key=lambda i: (-density[i], i))
    chosen: list[int] = []
    used = 0
    for i in order:
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.words is not None and used + lengths[i] > budget.words:
            continue
        if any(similarity[i, j] >= threshold for j in chosen):
            continue
        chosen.append(i)
        used += int(lengths[i])
    return chosen


def select_ilp(
    scores: np.ndarray,
    lengths: np.ndarray,
    similarity: np.ndarray,
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix,
    budget: Budget,
    threshold: float,
) -> list[int] | None:
    """Solve the ILP on the given units; ``None`` when the solver gives no usable answer."""
    n, m = occurrences.shape
    if n == 0:
        return []
    objective = -np.concatenate([SALIENCE_WEIGHT * scores, concept_weights])
    constraints = []
    if budget.sentences is not None:
        row = np.concatenate([np.ones(n), np.zeros(m)])
        constraints.append(LinearConstraint(row[None, :], -np.inf, budget.sentences))
    else:
        row = np.concatenate([lengths.astype(np.float64), np.zeros(m)])
        constraints.append(LinearConstraint(row[None, :], -np.inf, float(budget.words or 0)))
    # y_c <= sum of the chosen units that contain c
    cover = sparse.hstack([-occurrences.T, sparse.identity(m)], format="csr")
    constraints.append(LinearConstraint(cover, -np.inf, 0.0))
    pairs = redundant_pairs(similarity, threshold)
    if pairs:
        rows = np.repeat(np.arange(len(pairs)), 2)
        cols = np.array(pairs).ravel()
        red = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(pairs), n + m))
        constraints.append(LinearConstraint(red, -np.inf, 1.0))
    result = milp(
        objective,
        constraints=constraints,
        integrality=np.concatenate([np.ones(n), np.zeros(m)]),
        bounds=Bounds(0, 1),
        options={"time_limit": TIME_LIMIT_SECONDS, "presolve": True, "mip_rel_gap": 0.01},
    )
    if result.x is None:
        log.info("ILP gave no solution (%s); using the greedy selector", result.message)
        return None
    return [i for i in range(n) if result.x[i] > 0.5]


def select(
    scores: np.ndarray,
    lengths: np.ndarray,
    similarity: np.ndarray,
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix,
    budget: Budget,
    threshold: float,
) -> list[int]:
    """Indexes of the chosen units (in index order).  Deterministic."""
    n = len(scores)
    fitting = [
        i for i in range(n) if budget.sentences is not None or lengths[i] <= (budget.words or 0)
    ]
    pool = sorted(fitting, key=lambda i: (-scores[i], i))[:MAX_CANDIDATES]
    pool.sort()
    if not pool:
        return []
    idx = np.array(pool)
    sub_sim = similarity[np.ix_(idx, idx)]
    sub_occ = occurrences[idx]
    present = np.flatnonzero(np.asarray(sub_occ.sum(axis=0)).ravel() > 0)  # concepts the pool can cover
    chosen = select_ilp(
        scores[idx], lengths[idx], sub_sim, concept_weights[present], sub_occ[:, present], budget, threshold
    )
    if chosen is None:
        chosen = select_greedy(scores[idx], lengths[idx], sub_sim, budget, threshold)
    return sorted(int(idx[i]) for i in chosen)
