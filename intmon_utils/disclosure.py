"""Disclosure control on the observation cells, before any indicator is shown.

Specification: docs/methods/disclosure-control.md; place in the data flow: docs/architecture.md.

Rules (documented in the README and in every report's methods section):

1. **Primary suppression.** A count (persons, households, marriages) with
   ``0 < value < min_count`` is suppressed. True zeros stay visible as ``-``, as in official
   tables. Amounts and published rates (m², percentages) have no threshold.
2. **Secondary suppression.** Published cells are tied by additive identities: a total equals
   the sum of its parts over groups (German + foreign, with + without migration background),
   sexes, nested age bands (``vocabulary.yml`` partitions) and areas (a municipality equals
   the sum of its sub-districts in the area register). In every identity, a secret cell must
   never be the only unknown: where it is, the smallest other visible part is suppressed too,
   and this repeats until no identity has exactly one secret cell. Where a part is absent from
   the data altogether and is the only unknown, its value follows by subtraction; if that value
   is below the threshold another part is suppressed as well.
3. Suppressing a cell suppresses every indicator computed from it (the engine never turns a
   secret input into a number).

This is the classic hierarchical heuristic used by statistical offices; it does not solve the
full linear-programming audit for arbitrary overlapping tables (age bands are kept laminar so
that the identities above cover every difference a reader can form).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError
from .statuses import SYMBOL_ONLY
from .vocabulary import DIMENSIONS, load_vocabulary

CELL_KEYS = ["area_id", "year", "variable", "group", "sex", "age"]
SECRET = "secret"
COUNT_UNITS = {"persons", "households", "marriages"}


def build_identities(
    cells: pd.DataFrame, areas: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Membership of cells in additive identities.

    Returns ``(members, expected, residual)``: ``members`` has columns ``identity``, ``cell``
    (row position in ``cells``), ``is_parent`` and ``is_residual`` (the part is a residual
    group such as ``nationality_unknown``); ``expected`` gives per identity how many parts it
    has by definition (parts missing from ``cells`` are absent), ``residual`` how many of
    them are residual parts.
    """
    vocab = load_vocabulary()
    frame = cells[CELL_KEYS].reset_index(drop=True).assign(cell=np.arange(len(cells)))
    member_frames, expected_parts, residual_parts = [], [], []
    next_id = 0

    def add(
        parents: pd.DataFrame,
        children: pd.DataFrame,
        key: list[str],
        n_parts,
        dim: str = "",
        residual_children=(),
    ):
        nonlocal next_id
        parents = parents[key + ["cell"]].copy()
        parents["identity"] = np.arange(next_id, next_id + len(parents))
        next_id += len(parents)
        kids = children[key + ["cell"]].merge(parents[key + ["identity"]], on=key)
        member_frames.append(
            pd.DataFrame(
                {
                    "identity": parents["identity"],
                    "cell": parents["cell"],
                    "is_parent": True,
                    "is_residual": False,
                }
            )
        )
        is_residual = (
            frame.loc[kids["cell"], dim].isin(residual_children).to_numpy()
            if residual_children
            else False
        )
        member_frames.append(
            pd.DataFrame(
                {
                    "identity": kids["identity"],
                    "cell": kids["cell"],
                    "is_parent": False,
                    "is_residual": is_residual,
                }
            )
        )
        counts = (
            n_parts if isinstance(n_parts, pd.Series) else pd.Series(n_parts, index=parents.index)
        )
        index = parents["identity"].to_numpy()
        expected_parts.append(pd.Series(counts.to_numpy(), index=index))
        residual_parts.append(pd.Series(len(residual_children), index=index))

    for dim in DIMENSIONS:
        others = [k for k in CELL_KEYS if k != dim]
        for parent, children in vocab.partition_pairs(dim):
            add(
                frame[frame[dim] == parent],
                frame[frame[dim].isin(children)],
                others,
                len(children),
                dim,
                tuple(c for c in children if c in vocab.residuals),
            )

    register = areas[["area_id", "parent_id"]].dropna()
    register = register[register["parent_id"] != ""]
    n_children = register.groupby("parent_id").size().rename("n_children")
    if len(n_children):
        others = [k for k in CELL_KEYS if k != "area_id"]
        parents = frame.merge(n_children, left_on="area_id", right_index=True)
        kids = (
            frame.merge(register, on="area_id")
            .drop(columns="area_id")
            .rename(columns={"parent_id": "area_id"})
        )
        add(parents, kids, ["area_id", *others], parents["n_children"].reset_index(drop=True))

    members = pd.concat(member_frames, ignore_index=True)
    return members, pd.concat(expected_parts), pd.concat(residual_parts)


class Identities:
    """Additive identities over a table of cells, with the arrays the checks need."""

    def __init__(self, cells: pd.DataFrame, areas: pd.DataFrame):
        members, expected, residual = build_identities(cells, areas)
        self.ident = members["identity"].to_numpy()
        self.cell = members["cell"].to_numpy()
        self.is_child = ~members["is_parent"].to_numpy()
        self.n = int(expected.index.max()) + 1 if len(expected) else 0

        def per_identity(series):
            arr = np.zeros(self.n)
            arr[series.index.to_numpy()] = series.to_numpy()
            return arr

        self.absent = per_identity(expected) - np.bincount(
            self.ident[self.is_child], minlength=self.n
        )
        # an unpublished residual part (nationality not recorded) may well be zero: it hides
        # nothing, so it does not count as an unknown for a lone secret part
        present_residual = np.bincount(
            self.ident[members["is_residual"].to_numpy()], minlength=self.n
        )
        self.absent_residual = per_identity(residual) - present_residual
        self.signed = np.where(self.is_child, -1.0, 1.0)

    def _sum(self, per_cell: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.ident, weights=per_cell[self.cell].astype("float64"), minlength=self.n
        )

    def recoverable(
        self, unknown: np.ndarray, secret: np.ndarray, value: np.ndarray, min_count: int
    ) -> np.ndarray:
        """Per identity: True where a secret cell, or a small absent part, is the only unknown."""
        # unknowns, not counting unpublished residual parts (they may well be zero)
        n_hidden = self._sum(unknown) + self.absent - self.absent_residual
        lone_secret = (n_hidden == 1) & (self._sum(secret) == 1)
        remainder = np.bincount(
            self.ident, weights=np.nan_to_num(value[self.cell]) * self.signed, minlength=self.n
        )
        lone_absent = (
            (n_hidden == 1)
            & (self.absent - self.absent_residual == 1)
            & (remainder > 0)
            & (remainder < min_count)
        )
        return lone_secret | lone_absent


def _is_count(obs: pd.DataFrame) -> np.ndarray:
    """Counts of units (persons, households, marriages) are protected; amounts and published
    rates (m², percentages) are not counts and have no threshold."""
    counts = [v for v, spec in load_vocabulary().variables.items() if spec["unit"] in COUNT_UNITS]
    return obs["variable"].isin(counts).to_numpy()


def _cell_state(obs: pd.DataFrame):
    value = obs["value"].to_numpy(dtype="float64")
    known = ~obs["status"].isin(list(SYMBOL_ONLY)).to_numpy()
    secret = obs["status"].to_numpy() == SECRET
    return value, known, secret


def protect(
    observations: pd.DataFrame, areas: pd.DataFrame, min_count: int = 3, max_rounds: int = 100
) -> pd.DataFrame:
    """Return the observations with small and recoverable counts suppressed.

    Suppressed cells get ``status='secret'``, an empty value and ``disclosure`` set to
    ``'primary'`` or ``'secondary'``; cells the source itself kept secret keep ``''``.
    """
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise DataError(f"disclosure min_count must be a whole number >= 1, got {min_count!r}")
    obs = observations.reset_index(drop=True).copy()
    value, known, source_secret = _cell_state(obs)
    primary = known & (value > 0) & (value < min_count) & _is_count(obs)
    secret = source_secret | primary
    unknown = ~known | primary
    disclosure = np.where(primary, "primary", "").astype(object)
    ids = Identities(obs, areas)

    for _ in range(max_rounds):
        violated = ids.recoverable(unknown, secret, value, min_count)
        # candidates: visible members of violated identities; prefer parts over totals,
        # then the smallest positive value (a zero hides nothing about the others)
        cand = violated[ids.ident] & ~unknown[ids.cell]
        if not cand.any():
            break
        c = pd.DataFrame(
            {
                "identity": ids.ident[cand],
                "cell": ids.cell[cand],
                "parent": ~ids.is_child[cand],
                "value": value[ids.cell[cand]],
            }
        )
        c["zero"] = c["value"] <= 0
        chosen = (
            c.sort_values(["identity", "parent", "zero", "value", "cell"])
            .drop_duplicates("identity")["cell"]
            .to_numpy()
        )
        secret[chosen] = True
        unknown[chosen] = True
        disclosure[chosen] = np.where(disclosure[chosen] == "", "secondary", disclosure[chosen])
    else:
        raise DataError(
            f"disclosure control did not converge in {max_rounds} rounds; "
            f"report this with the data set"
        )

    newly = secret & ~source_secret
    obs.loc[newly, "status"] = SECRET
    obs.loc[newly, "value"] = np.nan
    obs["disclosure"] = disclosure.astype(str)
    return obs


def violations(observations: pd.DataFrame, areas: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Audit a protected table: visible small counts and identities with one lone secret.

    Returns one row per problem (empty when the table is safe). Used by tests and by
    ``intmon run`` as a last check before anything is published.
    """
    obs = observations.reset_index(drop=True)
    value, known, secret = _cell_state(obs)
    small = known & (value > 0) & (value < min_count) & _is_count(obs)
    ids = Identities(obs, areas)
    bad = ids.recoverable(~known, secret, value, min_count)
    parents = ids.cell[~ids.is_child & bad[ids.ident]]
    return pd.concat(
        [
            obs.loc[small, CELL_KEYS].assign(problem="visible count below threshold"),
            obs.loc[parents, CELL_KEYS].assign(
                problem="identity with a single secret part (recoverable by subtraction)"
            ),
        ],
        ignore_index=True,
    )
