"""Indicators computed over the sub-areas of an area: residential segregation and
concentration (catalogue entries with ``spatial: {measure, variable, group[, other]}``).

For every area with at least two sub-areas in the area register and every year, the measure of
:mod:`intmon_utils.methods` is computed over the published counts (age and sex total) of the
sub-area level :func:`intmon_utils.subareas.choose` picks (the finest level whose every area
has data: a city's Stadtteile even where its Stadtbezirke have no values). Sub-areas whose
counts are suppressed or missing are left out and counted in
``detail``; the value is then ``estimated``. ``n_cases`` holds the number of sub-areas used.
Values are on a 0–100 scale (index × 100; concentration in percent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import methods
from .catalogue import Catalogue, SpatialSpec, load_catalogue
from .indicators import INDICATOR_COLUMNS
from .statuses import VALUED_OBSERVATIONS
from .subareas import choose, hierarchy


def _measure(spec: SpatialSpec, wide: pd.DataFrame) -> methods.Measure:
    x = wide[spec.group]
    if spec.measure == "dissimilarity":
        return methods.dissimilarity(x, wide[spec.other])
    if spec.measure == "segregation":
        return methods.segregation_index(x, wide["total"])
    if spec.measure == "isolation":
        return methods.isolation(x, wide["total"])
    return methods.concentration_share(x, wide["total"])


def subarea_members(
    observations: pd.DataFrame, areas: pd.DataFrame, parents: list[str] | None = None
) -> pd.DataFrame:
    """``(area_id, parent_id)``: the areas of the sub-area level each parent uses. Parents are
    the areas with sub-districts or Gemeinden directly below them (not the Kreise of a Land:
    another layout)."""
    direct = areas[
        areas["parent_id"].astype(bool) & areas["level"].isin(["subdistrict", "municipality"])
    ]
    candidates = sorted(set(direct["parent_id"]))
    if parents is not None:
        candidates = [p for p in candidates if p in set(parents)]
    with_data = set(observations.loc[observations["status"].isin(VALUED_OBSERVATIONS), "area_id"])
    rows, index = [], hierarchy(areas)
    for parent in candidates:
        level = choose(parent, areas, with_data, index=index)
        if level is not None:
            rows += [(a, parent) for a in level.area_ids]
    return pd.DataFrame(rows, columns=["area_id", "parent_id"])


def subarea_counts(
    observations: pd.DataFrame,
    areas: pd.DataFrame,
    variable: str,
    groups: set[str],
    members: pd.DataFrame | None = None,
):
    """Yield ``(parent, year, wide, left_out)``: the published counts of ``variable`` (age and
    sex total) of a parent's sub-areas (``members``, default :func:`subarea_members`), one
    column per group, only sub-areas with all groups known; ``left_out`` counts the
    sub-areas without values. Parents with fewer than two usable sub-areas are skipped."""
    children = subarea_members(observations, areas) if members is None else members
    n_children = children.groupby("parent_id").size()
    o = observations[
        (observations["variable"] == variable)
        & observations["group"].isin(groups)
        & (observations["sex"] == "total")
        & (observations["age"] == "total")
        & observations["status"].isin(VALUED_OBSERVATIONS)
    ]
    for (parent, year), cells in o.merge(children, on="area_id").groupby(["parent_id", "year"]):
        wide = cells.pivot_table(index="area_id", columns="group", values="value").dropna()
        if n_children[parent] >= 2 and len(wide) >= 2 and groups <= set(wide.columns):
            yield parent, int(year), wide, int(n_children[parent] - len(wide))


def spatial_indicators(
    observations: pd.DataFrame, areas: pd.DataFrame, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    catalogue = catalogue or load_catalogue()
    members = subarea_members(observations, areas)
    rows = []
    for ind in [i for i in catalogue if i.spatial]:
        spec = ind.spatial
        groups = {spec.group, spec.other or "total"}
        for parent, year, wide, left_out in subarea_counts(
            observations, areas, spec.variable, groups, members
        ):
            m = _measure(spec, wide)
            rows.append(
                {
                    "indicator_id": ind.id,
                    "topic": ind.topic,
                    "area_id": parent,
                    "year": year,
                    "group": "total",
                    "sex": "total",
                    "value": m.value * 100,
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "unit": ind.unit,
                    "status": "ok" if left_out == 0 else "estimated",
                    "reason": "",
                    "detail": f"{left_out} sub-areas without values" if left_out else "",
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "n_cases": float(m.n_units),
                }
            )
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
