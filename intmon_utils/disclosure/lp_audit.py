"""The audit of a protected table by linear programming, as an attacker would attempt it.

An attacker knows every published cell, every additive identity (``identities``), that counts
are not negative, and that a suppressed cell is not zero (true zeros are published as ``-``).
For every suppressed cell the audit asks what the attacker can learn: the smallest and the
largest value the cell can take under all that (two linear programs, solved with HiGHS per
connected component of the identities). A protected table passes when

- no suppressed cell is determined exactly (its feasible interval is at least 1 wide), and
- no cell that is small itself can be proven to lie below the threshold: its feasible maximum
  reaches ``min_count`` (the protection interval of τ-ARGUS, with the threshold as the upper
  protection level).

Most cells are certified without a linear program of their own: the true table is one
feasible point, and a few programs that push all uncertified cells of a component up (or
down) at once give further points; a cell whose value differs by at least 1 between two
points, and which reaches the threshold in one, is safe. Only the rest are solved one by one.
Specification: docs/methods/disclosure-control.md.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csc_matrix
from scipy.sparse.csgraph import connected_components

from ..statuses import SYMBOL_ONLY
from .heuristic import per_cell
from .identities import Identities

SECRET = "secret"


@dataclass
class AuditResult:
    """What the audit checked and found."""

    cells: int  # suppressed cells audited
    identities: int  # identities with at least one unknown cell (rows of the programs)
    components: int  # connected components solved separately
    programs: int  # linear programs solved
    narrowest: float  # smallest feasible interval width of a suppressed cell
    lowest_margin: float  # smallest feasible maximum minus threshold of a small cell
    inconsistent: int  # components skipped: the published numbers contradict each other
    violations: pd.DataFrame  # one row per unsafe cell: cell, problem, low, high


@dataclass
class _Component:
    matrix: np.ndarray  # rows × variables
    rhs: np.ndarray
    tolerance: np.ndarray  # per row: allowed |A x - rhs| (data inconsistent by rounding)
    inequality: np.ndarray  # per row: A x <= rhs (an absent part takes the rest)
    cells: np.ndarray  # cell position per variable
    lower: np.ndarray  # 1 for a suppressed cell (not zero), else 0
    true: np.ndarray  # true value per variable (NaN: unknown to intmon as well)
    rows: np.ndarray  # identity id per row


def _programs(
    ids: Identities, unknown: np.ndarray, secret: np.ndarray, value: np.ndarray, true: np.ndarray
):
    """The rows of the attacker's linear system over the unknown cells, by component."""
    member_unknown = unknown[ids.cell]
    rows = np.unique(ids.ident[member_unknown])
    if not len(rows):
        return [], 0
    keep = np.isin(ids.ident, rows)
    ident, cell = ids.ident[keep], ids.cell[keep]
    sign = np.where(ids.is_child[keep], 1.0, -1.0)
    is_unknown = unknown[cell]
    row_index = np.searchsorted(rows, ident)
    # right-hand side: parent minus the known children
    known_part = np.where(is_unknown, 0.0, np.nan_to_num(value[cell]) * sign)
    rhs = -np.bincount(row_index, weights=known_part, minlength=len(rows))
    variables, var_index = np.unique(cell[is_unknown], return_inverse=True)
    r = row_index[is_unknown]
    coef = sign[is_unknown]
    # the true residual tells whether the data themselves add up (rounding-based secrecy)
    true_part = coef * true[variables][var_index]
    true_sum = np.bincount(r, weights=np.nan_to_num(true_part), minlength=len(rows))
    unknown_truth = np.bincount(r, weights=np.isnan(true_part), minlength=len(rows)) > 0
    residual = np.where(unknown_truth, 0.0, rhs - true_sum)
    inequality = ids.absent[rows] > 0
    # an absent part takes any positive rest; only a negative rest means inconsistent data
    residual = np.where(inequality, np.minimum(residual, 0.0), residual)
    n_var = len(variables)
    graph = coo_matrix(
        (np.ones(len(r)), (r, len(rows) + var_index)), shape=(len(rows) + n_var,) * 2
    )
    n_comp, label = connected_components(graph, directed=False)
    row_comp, var_comp = label[: len(rows)], label[len(rows) :]
    out = []
    order_rows, order_vars = (
        np.argsort(row_comp, kind="stable"),
        np.argsort(var_comp, kind="stable"),
    )
    row_bounds = np.searchsorted(row_comp[order_rows], np.arange(n_comp + 1))
    var_bounds = np.searchsorted(var_comp[order_vars], np.arange(n_comp + 1))
    entry_comp = row_comp[r]
    entry_order = np.argsort(entry_comp, kind="stable")
    entry_bounds = np.searchsorted(entry_comp[entry_order], np.arange(n_comp + 1))
    for k in range(n_comp):
        comp_rows = order_rows[row_bounds[k] : row_bounds[k + 1]]
        comp_vars = order_vars[var_bounds[k] : var_bounds[k + 1]]
        if not len(comp_vars):
            continue
        entries = entry_order[entry_bounds[k] : entry_bounds[k + 1]]
        local_row = np.searchsorted(comp_rows, r[entries])
        local_var = np.searchsorted(comp_vars, var_index[entries])
        matrix = np.zeros((len(comp_rows), len(comp_vars)))
        np.add.at(matrix, (local_row, local_var), coef[entries])
        cells = variables[comp_vars]
        out.append(
            _Component(
                matrix,
                rhs[comp_rows],
                np.abs(residual[comp_rows]),
                inequality[comp_rows],
                cells,
                # the attacker knows a suppressed cell is not zero (zeros are shown as "-")
                np.where(secret[cells] & ~(true[cells] == 0), 1.0, 0.0),
                true[cells],
                rows[comp_rows],
            )
        )
    return out, len(rows)


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing (its first construction in a process prints a
    banner from C, which would end up in CSV output: fd 1 is pointed away meanwhile)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


class _Program:
    """The attacker's linear program of one component, built once and solved for one
    objective after another (HiGHS keeps the last basis: a warm start)."""

    def __init__(self, comp: _Component):
        self.comp = comp
        n, m = len(comp.cells), len(comp.rows)
        # a cap instead of infinity keeps every program bounded; a cell that reaches it is
        # as good as unbounded for the checks (width >= 1, maximum >= threshold)
        cap = (
            10.0 * (np.abs(comp.rhs).sum() + np.nansum(np.abs(comp.true)) + comp.lower.sum()) + 1e3
        )
        matrix = csc_matrix(comp.matrix)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = comp.lower.astype(float)
        lp.col_upper_ = np.full(n, cap)
        # equations: rhs exactly; rounding bands: rhs ± tolerance; an absent part: <= rhs
        lp.row_lower_ = np.where(comp.inequality, -highspy.kHighsInf, comp.rhs - comp.tolerance)
        lp.row_upper_ = comp.rhs + comp.tolerance
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        self.highs = _quiet_highs()
        self.highs.passModel(lp)
        self.columns = np.arange(n, dtype=np.int32)

    def solve(self, objective: np.ndarray, binding: set | None = None) -> np.ndarray | None:
        """A feasible point minimising ``objective`` (None: the system is infeasible). The
        identities whose constraint binds at the optimum are added to ``binding``."""
        h = self.highs
        h.changeColsCost(len(objective), self.columns, objective.astype(float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = h.getSolution()
        if binding is not None:
            duals = np.abs(np.asarray(solution.row_dual))
            binding.update(int(i) for i in self.comp.rows[duals > 1e-9])
        return np.asarray(solution.col_value)


def _audit_component(
    comp: _Component, secret: np.ndarray, small: np.ndarray, min_count: np.ndarray
):
    """Per variable: (low, high) bounds where they were needed, the identities that bind
    each cell whose own programs were solved, and the programs solved."""
    n = len(comp.cells)
    low, high = comp.true.copy(), comp.true.copy()  # the true table is a feasible point
    need_move = secret.copy()  # must not be exact
    need_high = small.copy()  # must reach the threshold
    programs = 0
    program = _Program(comp)
    for direction in (-1.0, 1.0, -1.0, 1.0):  # push all open cells up, then down, ...
        open_ = need_move | need_high
        if not open_.any():
            break
        point = program.solve(direction * open_.astype(float))
        programs += 1
        if point is None:
            return None, programs
        low = np.fmin(low, point)
        high = np.fmax(high, point)
        need_move &= ~(high - low >= 1 - 1e-6)
        need_high &= ~(high >= min_count - 1e-6)
    binding: dict[int, set] = {}
    for j in np.flatnonzero(need_move | need_high):
        binding[j] = set()
        for direction in (1.0, -1.0):
            if direction < 0 and not need_move[j]:
                continue
            objective = np.zeros(n)
            objective[j] = -direction
            point = program.solve(objective, binding[j])
            programs += 1
            if point is None:
                return None, programs
            low[j], high[j] = min(low[j], point[j]), max(high[j], point[j])
    return (low, high, binding), programs


def audit(
    protected: pd.DataFrame,
    true_values: np.ndarray,
    areas: pd.DataFrame,
    min_count: int | np.ndarray,
    small: np.ndarray,
    ids: Identities | None = None,
    focus: np.ndarray | None = None,
) -> AuditResult:
    """Audit ``protected`` (as published) against the attacker's linear programs.

    ``true_values`` are the values before protection (aligned with ``protected``), ``small``
    marks the cells that are small themselves (``0 < value < min_count``, counts);
    ``min_count`` is one threshold or one per cell. With
    ``focus`` (a mask of cells), only the components holding one of them are solved: the
    others were audited before and have not changed.
    """
    obs = protected.reset_index(drop=True)
    min_count = per_cell(min_count, len(obs))
    ids = ids or Identities(obs, areas)
    status = obs["status"].to_numpy()
    unknown = obs["status"].isin(list(SYMBOL_ONLY)).to_numpy()
    secret = status == SECRET
    value = obs["value"].to_numpy(dtype="float64")
    truth = np.where(unknown & secret, true_values, np.nan)
    components, n_rows = _programs(ids, unknown, secret, value, truth)
    problems, programs, inconsistent = [], 0, 0
    narrowest, margin = np.inf, np.inf
    for comp in components:
        if focus is not None and not focus[comp.cells].any():
            continue
        comp_secret, comp_small = secret[comp.cells], small[comp.cells]
        threshold = min_count[comp.cells]
        bounds, solved = _audit_component(comp, comp_secret, comp_small, threshold)
        programs += solved
        if bounds is None:
            inconsistent += 1
            continue
        low, high, binding = bounds
        width = high - low
        if comp_secret.any():
            narrowest = min(narrowest, float(np.nanmin(width[comp_secret])))
        if comp_small.any():
            margin = min(margin, float(np.nanmin(high[comp_small] - threshold[comp_small])))
        exact = comp_secret & (width < 1 - 1e-6)
        below = comp_small & (high < threshold - 1e-6)
        for j in np.flatnonzero(exact | below):
            problems.append(
                {
                    "cell": int(comp.cells[j]),
                    "problem": "determined exactly" if exact[j] else "provably below threshold",
                    "low": float(low[j]),
                    "high": float(high[j]),
                    "binding": sorted(binding.get(j, ())),
                }
            )
    return AuditResult(
        cells=int(secret.sum()),
        identities=n_rows,
        components=len(components),
        programs=programs,
        narrowest=narrowest,
        lowest_margin=margin,
        inconsistent=inconsistent,
        violations=pd.DataFrame(problems, columns=["cell", "problem", "low", "high", "binding"]),
    )
