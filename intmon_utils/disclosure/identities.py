"""Additive identities over a table of cells: the sums a reader can form from what is published.

A total equals the sum of its parts over groups, sexes and nested age bands (the partitions of
``vocabulary.yml``) and over areas (a municipality equals the sum of its sub-districts in the
area register). Disclosure control (``heuristic``) and its audit (``audit``) work on these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocabulary import DIMENSIONS, load_vocabulary

CELL_KEYS = ["area_id", "year", "variable", "group", "sex", "age"]


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
