"""Additive identities over a table of cells: the sums a reader can form from what is published.

A total equals the sum of its parts over groups, sexes and nested age bands (the partitions of
``vocabulary.yml``) and over areas (a municipality equals the sum of its sub-districts in the
area register). Disclosure control (``heuristic``) and its audit (``audit``) work on these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..area_ids import official_parent
from ..statuses import SYMBOL_ONLY
from ..validation import ROUNDING_PER_PART
from ..vocabulary import DIMENSIONS, load_vocabulary

CELL_KEYS = ["area_id", "year", "variable", "group", "sex", "age"]


def register_links(areas: pd.DataFrame) -> pd.DataFrame:
    """``area_id``, ``parent_id``, ``parts``, ``family``: the register's links; a parent
    has as many parts as the register gives it children (its family is the parent id)."""
    links = areas[["area_id", "parent_id"]].dropna()
    links = links[links["parent_id"] != ""]
    return links.assign(
        parts=links.groupby("parent_id")["area_id"].transform("size"), family=links["parent_id"]
    )


def implied_parent(area_id: str, present: set[str]) -> str | None:
    """The parent an id implies among the ``present`` areas: the official parent of an
    AGS, and for ``<AGS>-<code>`` the area of the longest shorter code it begins with,
    else the municipality."""
    ags, _, code = area_id.partition("-")
    if not code:
        parent = official_parent(ags)
        return parent if parent in present else None
    for k in range(len(code) - 1, 0, -1):
        if f"{ags}-{code[:k]}" in present:
            return f"{ags}-{code[:k]}"
    return ags if ags in present else None


def implied_links(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Links the register does not give but the observations show: for every area with
    cells and no parent in the register, the parent its id implies, where its siblings of
    the same id length add up to at most that parent in every fully known cell. Where they
    add up exactly, the identity is an equation; else the parent has one more (unknown)
    part. (Protection must not depend on a register that an import replaced.)"""
    present = set(cells["area_id"].unique())
    placed = set(register_links(areas)["area_id"])
    pairs = [(a, implied_parent(a, present)) for a in sorted(present - placed)]
    links = pd.DataFrame([p for p in pairs if p[1]], columns=["area_id", "parent_id"])
    if links.empty:
        return links.assign(parts=pd.Series(dtype="int64"))
    links["family"] = links["parent_id"] + "/" + links["area_id"].str.len().astype(str)
    others = [k for k in CELL_KEYS if k != "area_id"]
    value = cells["value"].where(~cells["status"].isin(list(SYMBOL_ONLY)))
    known = cells[CELL_KEYS].assign(value=value.to_numpy())
    kids = known.merge(links, on="area_id")
    sums = kids.groupby(["family", "parent_id", *others], observed=True)["value"].agg(
        total="sum", known="count", parts="size"
    )
    size = links.groupby("family")["area_id"].transform("size")
    # tuples where every member of the family has a known value
    family_size = sums.index.get_level_values("family").map(dict(zip(links["family"], size)))
    sums = sums[(sums["known"] == sums["parts"]) & (sums["parts"] == family_size)].reset_index()
    parent_values = known.rename(columns={"area_id": "parent_id", "value": "parent"})
    check = sums.merge(parent_values, on=["parent_id", *others]).dropna(subset=["parent"])
    # more than the parent, beyond the rounding a source may apply per part: not a partition
    check["over"] = check["total"] > check["parent"] + ROUNDING_PER_PART * check["parts"]
    check["short"] = check["total"] < check["parent"] - 1e-9
    verdict = check.groupby("family")[["over", "short"]].any()
    over = links["family"].map(verdict["over"]).fillna(False).astype(bool)
    exact = links["family"].map(~verdict["short"]).fillna(False).astype(bool)
    links = links.assign(parts=np.where(exact, size, size + 1))[~over]
    return links[["area_id", "parent_id", "parts", "family"]].reset_index(drop=True)


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

    others = [k for k in CELL_KEYS if k != "area_id"]
    for links in (register_links(areas), implied_links(cells, areas)):
        if links.empty:
            continue
        families = links.drop_duplicates("family")[["family", "parent_id", "parts"]]
        parents = frame.merge(families, left_on="area_id", right_on="parent_id")
        kids = frame.merge(links[["area_id", "family"]], on="area_id")
        add(parents, kids, ["family", *others], parents["parts"].reset_index(drop=True))

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
        # member positions sorted by identity and by cell, for lookups one identity at a time
        self._by_ident = np.argsort(self.ident, kind="stable")
        self._ident_start = np.searchsorted(self.ident[self._by_ident], np.arange(self.n + 1))
        self._by_cell = np.argsort(self.cell, kind="stable")
        self._cell_sorted = self.cell[self._by_cell]

    def members(self, identities) -> np.ndarray:
        """Positions (in ``ident``/``cell``) of the members of these identities."""
        start = self._ident_start
        parts = [self._by_ident[start[i] : start[i + 1]] for i in identities]
        return np.concatenate(parts) if parts else np.array([], dtype="int64")

    def identities_of(self, cell: int) -> np.ndarray:
        """The identities ``cell`` belongs to."""
        lo, hi = np.searchsorted(self._cell_sorted, [cell, cell + 1])
        return np.unique(self.ident[self._by_cell[lo:hi]])

    def _sum(self, per_cell: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.ident, weights=per_cell[self.cell].astype("float64"), minlength=self.n
        )

    def threshold(self, min_count: np.ndarray) -> np.ndarray:
        """Per identity: the largest threshold of its cells (``min_count`` per cell)."""
        limit = np.zeros(self.n, dtype="int64")
        np.maximum.at(limit, self.ident, min_count[self.cell])
        return limit

    def recoverable(
        self, unknown: np.ndarray, secret: np.ndarray, value: np.ndarray, limit: np.ndarray
    ) -> np.ndarray:
        """Per identity: True where a secret cell, or a small absent part (below the
        identity's threshold ``limit``), is the only unknown."""
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
            & (remainder < limit)
        )
        return lone_secret | lone_absent
