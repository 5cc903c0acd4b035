"""Indicators computed over the sub-areas of an area: residential segregation and
concentration (catalogue entries with ``spatial: {measure, variable, group[, other]}``).

For every area with at least two sub-areas in the area register and every year, the measure of
:mod:`intmon_utils.methods` is computed over the sub-areas' published counts (age and sex
total). Sub-areas whose counts are suppressed or missing are left out and counted in
``detail``; the value is then ``estimated``. ``n_cases`` holds the number of sub-areas used.
Values are on a 0–100 scale (index × 100; concentration in percent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import methods
from .catalogue import Catalogue, load_catalogue
from .indicators import INDICATOR_COLUMNS

VALUED = ("ok", "zero", "estimated")


def _measure(spec: dict, wide: pd.DataFrame) -> methods.Measure:
    x = wide[spec["group"]]
    if spec["measure"] == "dissimilarity":
        return methods.dissimilarity(x, wide[spec["other"]])
    if spec["measure"] == "segregation":
        return methods.segregation_index(x, wide["total"])
    if spec["measure"] == "isolation":
        return methods.isolation(x, wide["total"])
    return methods.concentration_share(x, wide["total"])


def spatial_indicators(observations: pd.DataFrame, areas: pd.DataFrame,
                       catalogue: Catalogue | None = None) -> pd.DataFrame:
    catalogue = catalogue or load_catalogue()
    # sub-districts of a city, Gemeinden of a Kreis: not Kreise of a Land (another layout)
    children = areas[areas["parent_id"].astype(bool)
                     & areas["level"].isin(["subdistrict", "municipality"])][["area_id", "parent_id"]]
    n_children = children.groupby("parent_id").size()
    rows = []
    for ind in [i for i in catalogue if i.spatial]:
        spec = ind.spatial
        groups = {spec["group"], spec.get("other") or "total"}
        o = observations[(observations["variable"] == spec["variable"])
                         & observations["group"].isin(groups) & (observations["sex"] == "total")
                         & (observations["age"] == "total")]
        o = o.merge(children, on="area_id")
        for (parent, year), cells in o.groupby(["parent_id", "year"]):
            if n_children.get(parent, 0) < 2:
                continue
            known = cells[cells["status"].isin(VALUED)]
            wide = known.pivot_table(index="area_id", columns="group", values="value").dropna()
            if len(wide) < 2 or not groups <= set(wide.columns):
                continue
            m = _measure(spec, wide)
            left_out = n_children[parent] - len(wide)
            rows.append({"indicator_id": ind.id, "topic": ind.topic, "area_id": parent,
                         "year": int(year), "group": "total", "sex": "total",
                         "value": m.value * 100, "numerator": np.nan, "denominator": np.nan,
                         "unit": ind.unit, "status": "ok" if left_out == 0 else "estimated",
                         "reason": "", "detail": f"{left_out} sub-areas without values" if left_out else "",
                         "ci_low": np.nan, "ci_high": np.nan, "n_cases": float(m.n_units)})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
