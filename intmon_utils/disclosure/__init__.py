"""Disclosure control on the observation cells, before any indicator is shown.

Specification: docs/methods/disclosure-control.md; place in the data flow: docs/architecture.md.

1. ``heuristic``: primary suppression of small counts and the hierarchical secondary
   suppression over every additive identity (``identities``).
2. ``lp_audit``: the protected table as the public sees it, attacked by linear programming;
   where a suppressed cell is determined exactly or a small cell is provably below the
   threshold, a further cell is suppressed and both steps run again (:func:`protect_audited`).

Which suppressions are primary is known only inside this step: published tables carry one
status (``secret``) for both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..statuses import SYMBOL_ONLY
from .heuristic import COUNT_UNITS, SECRET, cell_state, is_count, per_cell, protect, violations
from .identities import CELL_KEYS, Identities, build_identities
from .lp_audit import AuditResult, audit

__all__ = [
    "CELL_KEYS",
    "COUNT_UNITS",
    "SECRET",
    "AuditResult",
    "Identities",
    "audit",
    "build_identities",
    "protect",
    "protect_audited",
    "violations",
]


def _extra_suppressions(
    violations: pd.DataFrame,
    ids: Identities,
    protected: pd.DataFrame,
    value: np.ndarray,
    min_count: np.ndarray,
) -> np.ndarray:
    """For each unsafe cell, one visible cell of an identity that binds it in the attacker's
    programs (suppressing it loosens that bound): the smallest count that can still lift the
    unsafe cell to the threshold, a part before a total."""
    visible = ~protected["status"].isin(list(SYMBOL_ONLY)).to_numpy()
    countable = is_count(protected) & visible & (np.nan_to_num(value) > 0)
    chosen = np.zeros(len(protected), dtype=bool)
    for cell, binding in zip(violations["cell"], violations["binding"]):
        rows = binding if len(binding) else ids.identities_of(cell)
        member = ids.members(rows)
        member = member[countable[ids.cell[member]]]
        if not len(member) or chosen[ids.cell[member]].any():
            continue  # nothing to suppress here, or a cell chosen already loosens it
        cells = ids.cell[member]
        values = value[cells]
        # order: able to lift the cell to its threshold first, then the smallest value, a
        # part before a total, then the cell position (deterministic)
        order = np.lexsort((cells, ~ids.is_child[member], values, values < min_count[cell]))
        chosen[cells[order[0]]] = True
    return chosen


def protect_audited(
    observations: pd.DataFrame,
    areas: pd.DataFrame,
    min_count: int | np.ndarray,
    max_rounds: int = 50,
) -> tuple[pd.DataFrame, AuditResult, int]:
    """Protect, audit, and suppress more until the audit passes (``min_count``: one
    threshold, or one per cell, see ``policy``).

    Returns the protected observations (with the internal ``disclosure`` column), the last
    audit (its programs counted over all rounds; its bounds cover the components it solved)
    and the number of cells the audit added.
    """
    obs = observations.reset_index(drop=True)
    min_count = per_cell(min_count, len(obs))
    ids = Identities(obs, areas)
    value, known, _ = cell_state(obs)
    small = known & (value > 0) & (value < min_count) & is_count(obs)
    force = np.zeros(len(obs), dtype=bool)
    added = force.copy()  # cells the audit chose
    previous, programs = None, 0
    for _ in range(max_rounds):
        protected = protect(obs, areas, min_count, force=force, ids=ids)
        status = protected["status"].to_numpy()
        # the next round starts from this one's suppressions (they only grow): the heuristic
        # then has only the newly added cells to follow up
        force |= protected["disclosure"].to_numpy() == "secondary"
        # after the first (full) audit only components whose cells changed are solved again
        focus = None if previous is None else status != previous
        result = audit(protected, value, areas, min_count, small, ids, focus)
        programs += result.programs
        previous = status
        if result.violations.empty:
            result.programs = programs
            return protected, result, int(added.sum())
        extra = _extra_suppressions(result.violations, ids, protected, value, min_count)
        if not (extra & ~force).any():
            break
        force |= extra
        added |= extra
    raise DataError(
        f"disclosure audit: {len(result.violations)} suppressed cells stay recoverable, e.g. "
        f"{obs.loc[int(result.violations['cell'].iloc[0]), CELL_KEYS].to_dict()}; nothing was "
        f"published -> report this with the data set"
    )
