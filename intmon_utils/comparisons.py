"""Comparisons derived from the indicator table: gaps, change over time, other areas, goals.

Pure functions over the long indicator table; nothing here is typed into a notebook.
A derived value is only a number when every value it is derived from is a number; otherwise
it carries the status of the weakest input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import methods
from .catalogue import Catalogue, load_catalogue
from .statuses import STATUS_RANK, VALUED_INDICATORS
from .subareas import descendants
from .vocabulary import load_vocabulary

KEYS = ["indicator_id", "area_id", "year", "sex"]
_RANK_TO_STATUS = {v: k for k, v in STATUS_RANK.items()}


def _combine_status(a: pd.Series, b: pd.Series) -> np.ndarray:
    """The weaker of two statuses (a missing partner counts as ``missing_input``)."""
    missing = STATUS_RANK["missing_input"]
    rank = np.maximum(
        a.map(STATUS_RANK).fillna(missing).to_numpy(), b.map(STATUS_RANK).fillna(missing).to_numpy()
    )
    return pd.Series(rank.astype(int)).map(_RANK_TO_STATUS).to_numpy()


def gaps(table: pd.DataFrame, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Gap (difference, in the indicator's unit or percentage points) and ratio per group.

    For every indicator with a ``reference_group``, each group of the same classification is
    compared with it (foreign − German; with − without migration background); groups of
    another classification are not (a gap "Germans − without migration background" would mix
    two concepts).
    """
    catalogue = catalogue or load_catalogue()
    vocab = load_vocabulary()
    pairs = [
        (i.id, i.reference_group, g)
        for i in catalogue
        if i.reference_group
        for _, parts in vocab.partition_pairs("group")
        if i.reference_group in parts
        for g in parts
        if g != i.reference_group and g in i.groups
    ]
    refs = pd.DataFrame(pairs, columns=["indicator_id", "reference_group", "group"])
    t = table.merge(refs, on=["indicator_id", "group"])
    ref = table.merge(
        refs[["indicator_id", "reference_group"]].drop_duplicates(),
        left_on=["indicator_id", "group"],
        right_on=["indicator_id", "reference_group"],
    )[KEYS + ["value", "status"]]
    grp = t
    m = grp.merge(ref, on=KEYS, how="left", suffixes=("", "_ref"))
    status = _combine_status(m["status"], m["status_ref"])
    ok = np.isin(status, VALUED_INDICATORS)
    return pd.DataFrame(
        {
            "indicator_id": m["indicator_id"],
            "area_id": m["area_id"],
            "year": m["year"],
            "sex": m["sex"],
            "group": m["group"],
            "reference_group": m["reference_group"],
            "value": m["value"],
            "reference_value": m["value_ref"],
            "gap": np.where(ok, m["value"] - m["value_ref"], np.nan),
            "ratio": np.where(ok & (m["value_ref"] != 0), m["value"] / m["value_ref"], np.nan),
            "status": status,
        }
    ).reset_index(drop=True)


def changes(table: pd.DataFrame, periods: tuple[int, ...] = (1, 5)) -> pd.DataFrame:
    """Change of each value over ``periods`` years (absolute, in the indicator's unit)."""
    frames = []
    base = table[KEYS + ["group", "value", "status"]]
    for k in periods:
        earlier = base.assign(year=base["year"] + k)
        m = base.merge(earlier, on=KEYS + ["group"], how="left", suffixes=("", "_before"))
        status = _combine_status(m["status"], m["status_before"])
        ok = np.isin(status, VALUED_INDICATORS)
        frames.append(
            m.assign(
                period=k, change=np.where(ok, m["value"] - m["value_before"], np.nan), status=status
            )
        )
    return pd.concat(frames, ignore_index=True)


def land_of(area_id: str, areas: pd.DataFrame) -> str | None:
    """The Land (state-level ancestor) of an area, from the area register."""
    parent = areas.set_index("area_id")["parent_id"].to_dict()
    level = areas.set_index("area_id")["level"].to_dict()
    current = area_id
    while current:
        if level.get(current) == "state":
            return current
        current = parent.get(current) or None
    return None


def comparison_areas(area_id: str, areas: pd.DataFrame, peers: list[str]) -> list[tuple[str, str]]:
    """(area id, role) pairs to compare with: the area, its Land, Germany and the peers."""
    out = [(area_id, "area")]
    land = land_of(area_id, areas)
    if land and land != area_id:
        out.append((land, "state"))
    out.append(("DG", "country"))
    out += [(p, "peer") for p in peers if p != area_id]
    return out


def subareas(area_id: str, areas: pd.DataFrame) -> list[str]:
    """Every area below ``area_id`` in the register, on every level (a report shows one of
    the levels: :mod:`intmon_utils.subareas`)."""
    return sorted(descendants({area_id}, areas))


def report_areas(area_id: str, areas: pd.DataFrame, peers: list[str]) -> list[str]:
    """Every area whose values a report of ``area_id`` may show: the comparison areas and the
    areas below it."""
    return [*(a for a, _ in comparison_areas(area_id, areas, peers)), *subareas(area_id, areas)]


def goal_status(
    table: pd.DataFrame, gap_table: pd.DataFrame, targets: dict, area_id: str, year: int
) -> pd.DataFrame:
    """Each target with the current value and its state (:func:`methods.goal_state`):
    ``reached``, ``on_track`` (the linear trend of the last five years reaches the target by
    its year), ``off_track`` or ``no_data``.
    """
    rows = []
    for name, goal in targets.items():
        if goal["measure"] == "gap":
            src = gap_table[
                (gap_table["indicator_id"] == goal["indicator_id"])
                & (gap_table["area_id"] == area_id)
                & (gap_table["group"] == goal["group"])
                & (gap_table["sex"] == "total")
            ].rename(columns={"gap": "current"})
        else:
            src = table[
                (table["indicator_id"] == goal["indicator_id"])
                & (table["area_id"] == area_id)
                & (table["group"] == goal["group"])
                & (table["sex"] == "total")
            ].rename(columns={"value": "current"})
        src = src[src["year"] <= year].sort_values("year")
        now = src[src["year"] == year]
        current = (
            float(now["current"].iloc[0])
            if len(now) and pd.notna(now["current"].iloc[0])
            else np.nan
        )
        prev = src[src["year"] == year - 1]
        previous = (
            float(prev["current"].iloc[0])
            if len(prev) and pd.notna(prev["current"].iloc[0])
            else np.nan
        )
        state = (
            "no_data"
            if np.isnan(current)
            else methods.goal_state(
                src["year"], src["current"], goal["value"], goal["by"], goal["direction"]
            )
        )
        rows.append(
            {
                "target": name,
                **goal,
                "year": year,
                "current": current,
                "previous": previous,
                "distance": current - goal["value"],
                "state": state,
            }
        )
    return pd.DataFrame(rows)
