"""Choose units under a budget without repeating information.

The selection is an integer linear program in the style of Gillick & Favre (2009): maximize the weight
of the concepts covered plus the salience of the units chosen, subject to the budget (words or
sentences) and a redundancy constraint ``x_u + x_v <= 1`` for every pair of units whose term-set cosine
reaches ``SummaryOptions.redundancy``.  Concepts make the objective reward new information and the
pair constraints forbid saying one thing twice.

The program is small (at most ``MAX_CANDIDATES`` units), so it is solved exactly by our own
branch and bound (``select_exact``, the default) rather than a general solver: the bound is a
fractional knapsack over each unit's marginal gain given the concepts already covered, which never
underestimates because coverage is submodular (Nemhauser et al. 1978), and branching follows the best
gain per word, so the first dive is the greedy solution (Khuller et al. 1999).  On the 30-unit
programs of news clusters it visits tens of nodes where HiGHS (``scipy.optimize.milp``, kept as
``select_ilp`` to cross-check) spends most of a summary's time in setup.  A node limit bounds the
worst case; the best solution found so far is kept then.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from khulasa import dedup
from khulasa.arrays import row_sizes, take_rows, unique
from khulasa.errors import InvalidOptionsError
from khulasa.models import InfoUnit
from khulasa.options import Budget, SummaryOptions
from khulasa.score import Concepts, UnitScores

log = logging.getLogger(__name__)

MAX_CANDIDATES = 30
"""Only the best-scored units enter the ILP; keeps the solve well under 100 ms on big clusters."""
SALIENCE_WEIGHT = 40.0
"""How much unit salience counts against concept coverage in the ILP objective."""
TIME_LIMIT_SECONDS = 2.0
NODE_LIMIT = 20_000
"""Branch-and-bound nodes before ``select_exact`` settles for the best solution found (logged)."""


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
    occurrences: sparse.csr_matrix | np.ndarray,
    budget: Budget,
) -> list[int]:
    """Budgeted maximum coverage, greedily: best marginal gain per word first (Khuller et al. 1999).

    The gain of a unit is its salience plus the weight of the concepts it adds; units that overflow
    the budget or conflict with a chosen unit are skipped.  Used when the ILP fails.
    """
    n = len(scores)
    conflict = _conflict_sets(n, conflicts)
    occ = sparse.csr_matrix(occurrences)
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


def _dense(matrix: sparse.csr_matrix | np.ndarray) -> np.ndarray:
    return matrix.toarray() if isinstance(matrix, sparse.spmatrix | sparse.sparray) else np.asarray(matrix)


def _dense_rows(matrix: sparse.csr_matrix | np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``matrix[rows]`` as a dense array (straight from the CSR arrays: scipy's row indexing costs
    more than the whole selection on a news cluster)."""
    if not isinstance(matrix, sparse.csr_matrix):
        return _dense(matrix)[rows]
    if not matrix.has_canonical_format:  # duplicate entries add up, as in toarray()
        matrix = matrix.copy()
        matrix.sum_duplicates()
    positions, indptr = take_rows(matrix.indptr, rows)
    out = np.zeros((len(rows), matrix.shape[1]), dtype=matrix.dtype)
    out[np.arange(len(rows)).repeat(row_sizes(indptr)), matrix.indices[positions]] = matrix.data[positions]
    return out


def _covered(matrix: sparse.csr_matrix | np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of the concepts that ``rows`` can cover each row covers (a positive entry), and those
    concepts: ``(_dense_rows(matrix, rows) > 0)[:, present]`` and ``present``, where ``present`` are
    the columns with a positive entry in some row.  From a CSR matrix only the rows' entries are read
    (a dense row of every concept is most of the selection's time on a news cluster)."""
    if not isinstance(matrix, sparse.csr_matrix):
        covers = _dense_rows(matrix, rows) > 0
        present = np.flatnonzero(covers.any(axis=0))
        return covers[:, present], present
    if not matrix.has_canonical_format:  # duplicate entries add up, as in toarray()
        matrix = matrix.copy()
        matrix.sum_duplicates()
    positions, indptr = take_rows(matrix.indptr, rows)
    positive = matrix.data[positions] > 0
    columns = matrix.indices[positions][positive]
    present = unique(columns)
    covers = np.zeros((len(rows), len(present)), dtype=bool)
    covers[np.arange(len(rows)).repeat(row_sizes(indptr))[positive], present.searchsorted(columns)] = True
    return covers, present


def _costs(lengths: np.ndarray, budget: Budget) -> tuple[np.ndarray, float]:
    """What each unit costs and how much there is to spend, in sentences or in words."""
    if budget.sentences is not None:
        return np.ones(len(lengths)), float(budget.sentences)
    return lengths.astype(np.float64), float(budget.words or 0)


def select_exact(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix | np.ndarray,
    budget: Budget,
    node_limit: int = NODE_LIMIT,
) -> list[int]:
    """The optimum of the selection ILP by depth-first branch and bound (see the module docstring).

    Each node holds a feasible set of units; it branches on the allowed unit with the best gain per
    unit of cost (include it, then exclude it) and is pruned when the fractional-knapsack bound on
    the marginal gains cannot beat the best set found.  Ties go to the lower index, so it is
    deterministic.
    """
    n = occurrences.shape[0]
    cost, capacity = _costs(lengths, budget)
    safe_cost = np.maximum(cost, 1e-12)
    values = SALIENCE_WEIGHT * np.asarray(scores, dtype=np.float64)
    occ = _dense(occurrences) > 0
    weighted = occ * np.asarray(concept_weights, dtype=np.float64)
    uncovers = ~occ  # a chosen unit's row: what stays uncovered after it
    blocks = np.eye(n, dtype=bool)
    for i, j in conflicts:
        blocks[i, j] = blocks[j, i] = True
    tolerance = 1e-9 * (1.0 + values.sum() + float(np.sum(concept_weights)))
    best: list = [-1.0, []]  # value, units
    nodes = 0

    def visit(
        chosen: list[int], value: float, uncovered: np.ndarray, allowed: np.ndarray, room: float
    ) -> None:
        nonlocal nodes
        nodes += 1
        if value > best[0] + tolerance:
            best[0], best[1] = value, chosen
        candidates = (allowed & (cost <= room)).nonzero()[0]
        if candidates.size == 0 or nodes > node_limit:
            return
        gains = values[candidates] + weighted[candidates] @ uncovered
        order = (-gains / safe_cost[candidates]).argsort(kind="stable")
        ranked_costs = cost[candidates][order]
        ranked_gains = gains[order]
        spent = ranked_costs.cumsum()
        whole = int(spent.searchsorted(room, side="right"))  # units that fit entirely
        bound = value + ranked_gains[:whole].sum()
        if whole < len(order):
            bound += ranked_gains[whole] * (room - (spent[whole - 1] if whole else 0.0)) / ranked_costs[whole]
        if bound <= best[0] + tolerance:
            return
        j = int(candidates[order[0]])
        visit(
            [*chosen, j],
            value + float(ranked_gains[0]),
            uncovered * uncovers[j],
            allowed & ~blocks[j],
            room - float(cost[j]),
        )
        rest = allowed.copy()
        rest[j] = False
        visit(chosen, value, uncovered, rest, room)

    visit([], 0.0, np.ones(occ.shape[1]), np.ones(n, dtype=bool), capacity)
    if nodes > node_limit:
        log.info("selection stopped after %d nodes; keeping the best summary found", node_limit)
    return sorted(best[1])


def select_ilp(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix | np.ndarray,
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
    cover = sparse.hstack(
        [-sparse.csr_matrix(occurrences, dtype=np.float64).T, sparse.identity(m)], format="csr"
    )
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
    fitting = np.arange(len(scores))
    if budget.sentences is None:
        fitting = fitting[np.asarray(lengths) <= (budget.words or 0)]
    best = fitting[np.lexsort((fitting, -np.asarray(scores)[fitting]))[:MAX_CANDIDATES]]  # ties: lower index
    return sorted(best.tolist())


class Selector(Protocol):
    """A way to solve the selection program over the candidate pool (indexes are pool positions).

    Returns the chosen positions, or ``None`` when it has no usable answer (``select_greedy`` then
    answers).  A new selector is a function with this signature, named in ``SELECTORS``.
    """

    def __call__(
        self,
        scores: np.ndarray,
        lengths: np.ndarray,
        conflicts: Sequence[tuple[int, int]],
        concept_weights: np.ndarray,
        occurrences: sparse.csr_matrix | np.ndarray,
        budget: Budget,
    ) -> list[int] | None: ...


SELECTORS: dict[str, Selector] = {"exact": select_exact, "ilp": select_ilp, "greedy": select_greedy}
DEFAULT_METHOD = "exact"


def selector(name: str | None) -> Selector:
    """The selector called ``name`` (default ``DEFAULT_METHOD``); an unknown name lists the valid ones."""
    name = name or DEFAULT_METHOD
    if name not in SELECTORS:
        raise InvalidOptionsError(
            "method", name, "unknown selector", hint=f"valid selectors: {', '.join(SELECTORS)}"
        )
    return SELECTORS[name]


class Rows(Protocol):
    """The rows of a selection program: row ``k`` stands for unit ``ids[k]`` with its salience, words and
    concepts (``Program``; ``khulasa.readable.Problem`` makes rows that also carry a sentence shown
    before their unit)."""

    @property
    def ids(self) -> np.ndarray: ...
    @property
    def scores(self) -> np.ndarray: ...
    @property
    def lengths(self) -> np.ndarray: ...
    @property
    def occurrences(self) -> sparse.csr_matrix | np.ndarray: ...


@dataclass(frozen=True)
class Program:
    """One row per unit (``Rows``)."""

    ids: np.ndarray
    scores: np.ndarray
    lengths: np.ndarray
    occurrences: sparse.csr_matrix | np.ndarray

    @classmethod
    def of(cls, units: Sequence[InfoUnit], scores: UnitScores, concepts: Concepts) -> Program:
        return cls(np.arange(len(units)), scores.score, lengths(units), concepts.occurrences)


def lengths(units: Sequence[InfoUnit]) -> np.ndarray:
    """Each unit's words, as its representative shows them."""
    return np.array([u.representative.n_words for u in units])


def select(
    units: Sequence[InfoUnit],
    rows: Rows,
    concepts: Concepts,
    terms: dedup.SentenceTerms,
    options: SummaryOptions,
    *,
    joined: Callable[[list[tuple[int, int]]], list[tuple[int, int]]] | None = None,
    method: str | None = None,
) -> list[int]:
    """The selection stage: ids of the units to show.  Deterministic.

    The candidate pool is the ``MAX_CANDIDATES`` best-scored rows that fit ``options.budget``; two of
    them conflict when their units' representatives' term sets reach ``options.redundancy`` (``terms``
    holds every unit sentence's terms), plus what ``joined`` adds to those pairs (rows that must not go
    together); the selector ``method`` (``SELECTORS``) chooses among them.
    """
    budget = options.budget
    pool = candidate_pool(rows.scores, rows.lengths, budget)
    conflicts = redundant_pairs([units[int(rows.ids[k])] for k in pool], pool, terms, options.redundancy)
    if joined is not None:
        conflicts = joined(conflicts)
    chosen = choose(
        rows.scores, rows.lengths, conflicts, concepts.weights, rows.occurrences, budget, method, pool=pool
    )
    return [int(rows.ids[k]) for k in chosen]


def redundant_pairs(
    units: Sequence[InfoUnit], pool: Sequence[int], terms: dedup.SentenceTerms, threshold: float
) -> list[tuple[int, int]]:
    """Pairs of ``pool`` rows whose units (``units``, one per pool row) say the same thing: their
    representatives' term sets' cosine reaches ``threshold``.  Only the pool matters: the selector
    considers no other row."""
    term_rows = [terms.row(u.representative) for u in units]
    return [(pool[i], pool[j]) for i, j in dedup.few_similar_pairs(terms.ids.rows(term_rows), threshold)]


def choose(
    scores: np.ndarray,
    lengths: np.ndarray,
    conflicts: Sequence[tuple[int, int]],
    concept_weights: np.ndarray,
    occurrences: sparse.csr_matrix | np.ndarray,
    budget: Budget,
    method: str | None = None,
    *,
    pool: list[int] | None = None,
) -> list[int]:
    """Indexes of the chosen units (in index order), from arrays over all units.  Deterministic.

    ``conflicts`` are pairs of units that say the same thing; at most one of each pair is chosen.
    Only the ``MAX_CANDIDATES`` best-scored units that fit the budget are considered
    (``candidate_pool``; ``pool`` passes it when the caller has it).
    """
    solve = selector(method)
    if pool is None:
        pool = candidate_pool(scores, lengths, budget)
    if not pool:
        return []
    idx = np.array(pool)
    local = {g: k for k, g in enumerate(pool)}
    sub_conflicts = [(local[i], local[j]) for i, j in conflicts if i in local and j in local]
    sub_occ, present = _covered(occurrences, idx)
    args = (scores[idx], lengths[idx], sub_conflicts, concept_weights[present], sub_occ, budget)
    chosen = solve(*args)
    if chosen is None:
        chosen = select_greedy(*args)
    return sorted(int(idx[i]) for i in chosen)
