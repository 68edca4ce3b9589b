"""Choose units under a budget without repeating information.

Integer linear program in the style of Gillick & Favre (2009), solved with ``scipy.optimize.milp``
(HiGHS): maximize the weight of the concepts covered plus the salience of the units chosen, subject to
the budget (words or sentences) and a redundancy constraint ``x_u + x_v <= 1`` for every pair of units
whose term-set cosine reaches ``SummaryOptions.redundancy``.  Concepts make the objective reward new
information and the pair constraints forbid saying one thing twice.  If the solver fails or runs out of
time, a greedy pass (best score per word first, skipping redundant units) gives the answer.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from khulasa.errors import InvalidOptionsError

log = logging.getLogger(__name__)

MAX_CANDIDATES = 30
"""Only the best-scored units enter the ILP; keeps the solve well under 100 ms on big clusters."""
SALIENCE_WEIGHT = 40.0
"""How much unit salience counts against concept coverage in the ILP objective."""
TIME_LIMIT_SECONDS = 2.0


@dataclass(frozen=True)
class Budget:
    words: int | None = None
    sentences: int | None = None


_FD_LOCK = threading.Lock()


@contextlib.contextmanager
def _silence_c_stdout() -> Iterator[None]:
    """HiGHS prints debugging lines with C ``printf`` on some solves; keep them out of our stdout.

    Python's ``sys.stdout`` is untouched; only file descriptor 1 is pointed at /dev/null while the
    solver runs, and C's buffers are flushed before it is restored.
    """
    with _FD_LOCK:
        try:
            libc: ctypes.CDLL | None = ctypes.CDLL(None)
        except OSError:
            libc = None
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            yield
        finally:
            if libc is not None:
                libc.fflush(None)
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)


def _conflict_sets(n: int, conflicts: Sequence[tuple[int, int]]) -> list[set[int]]:
    sets: list[set[int]] = [set() for _ in range(n)]
    for i, j in conflicts:
        sets[i].add(j)
        sets[j].add(i)
    return sets


def select_greedy(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix,
    budget: Budget,
) -> list[int]:
    """Budgeted maximum coverage, greedily: best marginal gain per word first (Khuller et al. 1999).

    The gain of a unit is its salience plus the weight of the concepts it adds; units that overflow
    the budget or conflict with a chosen unit are skipped.  Used when the ILP fails.
    """
    n = len(scores)
    conflict = _conflict_sets(n, conflicts)
    occ = occurrences.tocsr()
    covered = np.zeros(occ.shape[1], dtype=bool)
    chosen: list[int] = []
    blocked: set[int] = set()
    used = 0
    while True:
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        best, best_gain = -1, 0.0
        for i in range(n):
            if i in blocked:
                continue
            if budget.words is not None and used + lengths[i] > budget.words:
                continue
            cols = occ.indices[occ.indptr[i] : occ.indptr[i + 1]]
            gain = SALIENCE_WEIGHT * scores[i] + concept_weights[cols][~covered[cols]].sum()
            cost = 1.0 if budget.sentences is not None else float(max(lengths[i], 1))
            if gain / cost > best_gain:
                best, best_gain = i, gain / cost
        if best < 0:
            break
        chosen.append(best)
        blocked.add(best)
        blocked |= conflict[best]
        covered[occ.indices[occ.indptr[best] : occ.indptr[best + 1]]] = True
        used += int(lengths[best])
    return sorted(chosen)


def select_ilp(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix,
    budget: Budget,
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
    if conflicts:
        rows = np.repeat(np.arange(len(conflicts)), 2)
        cols = np.array(conflicts).ravel()
        red = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(conflicts), n + m))
        constraints.append(LinearConstraint(red, -np.inf, 1.0))
    with _silence_c_stdout():
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


def candidate_pool(scores: np.ndarray, lengths: np.ndarray, budget: Budget) -> list[int]:
    """The ``MAX_CANDIDATES`` best-scored units that fit the budget, in index order."""
    fitting = [
        i for i in range(len(scores)) if budget.sentences is not None or lengths[i] <= (budget.words or 0)
    ]
    return sorted(sorted(fitting, key=lambda i: (-scores[i], i))[:MAX_CANDIDATES])


SELECTORS = ("ilp", "greedy")
DEFAULT_METHOD = "ilp"


def select(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix,
    budget: Budget,
    method: str | None = None,
) -> list[int]:
    """Indexes of the chosen units (in index order).  Deterministic.

    ``conflicts`` are pairs of units that say the same thing; at most one of each pair is chosen.
    Only the ``MAX_CANDIDATES`` best-scored units that fit the budget are considered.
    """
    method = method or DEFAULT_METHOD
    if method not in SELECTORS:
        raise InvalidOptionsError(
            "method", method, "unknown selector", hint=f"valid selectors: {', '.join(SELECTORS)}"
        )
    pool = candidate_pool(scores, lengths, budget)
    if not pool:
        return []
    idx = np.array(pool)
    local = {g: k for k, g in enumerate(pool)}
    sub_conflicts = [(local[i], local[j]) for i, j in conflicts if i in local and j in local]
    sub_occ = occurrences[idx]
    present = np.flatnonzero(np.asarray(sub_occ.sum(axis=0)).ravel() > 0)  # concepts the pool can cover
    args = (scores[idx], lengths[idx], sub_conflicts, concept_weights[present], sub_occ[:, present], budget)
    chosen = select_ilp(*args) if method == "ilp" else None
    if chosen is None:
        chosen = select_greedy(*args)
    return sorted(int(idx[i]) for i in chosen)
