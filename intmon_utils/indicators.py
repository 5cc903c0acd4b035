"""The indicator engine: one vectorised pass over all areas, years, groups and sexes.

``compute_indicators(observations, catalogue)`` returns the indicator table (its columns and
statuses: docs/architecture.md): one row per indicator × area × year × group × sex with
``value``, ``numerator``, ``denominator``, ``unit``, ``status`` and a ``reason`` code that
says why a value is missing. Secret inputs never yield a number; a missing input yields a
``missing_input`` row (so reports can say what is missing) rather than no row at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import Catalogue, Indicator, Selector, load_catalogue
from .statuses import INDICATOR_STATUS_OF_INPUT, REASON_BY_STATUS, STATUS_RANK, VALUED_INDICATORS
from .vocabulary import load_vocabulary

ROW_KEYS = ["area_id", "year", "group", "sex"]
INDICATOR_COLUMNS = [
    "indicator_id",
    "topic",
    "area_id",
    "year",
    "group",
    "sex",
    "value",
    "numerator",
    "denominator",
    "unit",
    "status",
    "reason",
    "detail",
    "ci_low",
    "ci_high",
    "n_cases",
]


def prepare_inputs(observations: pd.DataFrame) -> pd.DataFrame:
    """Add the columns the engine needs: indicator-status rank and a reason code per cell."""
    obs = observations.copy()
    if "disclosure" not in obs.columns:
        obs["disclosure"] = ""
    istatus = obs["status"].map(INDICATOR_STATUS_OF_INPUT)
    obs["rank"] = istatus.map(STATUS_RANK).astype("int64")
    # one reason for every cell intmon suppressed: whether a cell was small itself or hides
    # another one must never be published (it would tell an attacker which cells are small)
    secret_reason = np.where(obs["disclosure"].fillna("") == "", "secret_source", "secret")
    obs["reason"] = np.where(
        istatus == "suppressed", secret_reason, istatus.map(REASON_BY_STATUS).fillna("")
    )
    return obs


def _side(obs: pd.DataFrame, ind: Indicator, selectors: tuple[Selector, ...]) -> pd.DataFrame:
    """Aggregate one side of the fraction to one row per area × year × group × sex."""
    sexes = list(load_vocabulary().sexes)
    parts = []
    for k, sel in enumerate(selectors):
        mask = (obs["variable"] == sel.variable) & (obs["age"] == sel.age)
        if sel.group:
            mask &= obs["group"] == sel.group
        else:
            mask &= obs["group"].isin(ind.groups)
        if sel.sex:
            mask &= obs["sex"] == sel.sex
        sub = obs.loc[
            mask, ["area_id", "year", "group", "sex", "value", "rank", "reason", "variable"]
        ]
        if sel.group:
            sub = sub.drop(columns="group").merge(
                pd.DataFrame({"group": list(ind.groups)}), how="cross"
            )
        if sel.sex:
            sub = sub.drop(columns="sex").merge(pd.DataFrame({"sex": sexes}), how="cross")
        sub = sub.assign(year=sub["year"] - sel.year_offset, part=k)
        parts.append(sub)
    data = pd.concat(parts, ignore_index=True).sort_values("rank", kind="stable")
    grouped = data.groupby(ROW_KEYS, sort=False)
    out = grouped.agg(
        value=("value", "sum"),
        n_parts=("part", "nunique"),
        rank=("rank", "max"),
        reason=("reason", "last"),
    )
    out["complete"] = out["n_parts"] == len(selectors)
    return out.drop(columns="n_parts")


def _label(selectors: tuple[Selector, ...]) -> str:
    """Inputs of one side as ``variable:age`` joined by ``+`` (translated by the report)."""
    return "+".join(f"{s.variable}:{s.age}" for s in selectors)


def compute_indicator(obs: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """All rows of one indicator. ``obs`` must come from :func:`prepare_inputs`."""
    num = _side(obs, ind, ind.numerator)
    den = _side(obs, ind, ind.denominator)
    merged = num.merge(
        den, left_index=True, right_index=True, how="outer", suffixes=("_num", "_den")
    ).reset_index()

    # grid: every area with data in a year in which the numerator exists somewhere
    num_vars = {s.variable for s in ind.numerator}
    years = obs.loc[obs["variable"].isin(num_vars), "year"].unique()
    area_years = obs.loc[obs["year"].isin(years), ["area_id", "year"]].drop_duplicates()
    grid = area_years.merge(pd.DataFrame({"group": list(ind.groups), "sex": "total"}), how="cross")
    merged = grid.merge(merged, on=ROW_KEYS, how="outer")
    merged = merged[merged["year"].isin(area_years["year"].unique())]

    has_num = merged["complete_num"].eq(True)
    has_den = merged["complete_den"].eq(True)
    rank = np.maximum(merged["rank_num"].fillna(0), merged["rank_den"].fillna(0)).astype(int)
    worst_is_num = merged["rank_num"].fillna(0) >= merged["rank_den"].fillna(0)
    input_reason = np.where(worst_is_num, merged["reason_num"], merged["reason_den"])
    rank_status = pd.Series(rank, index=merged.index).map({v: k for k, v in STATUS_RANK.items()})
    zero_den = has_num & has_den & (rank <= 1) & (merged["value_den"] == 0)

    status = np.select(
        [~has_num, ~has_den, zero_den],
        ["missing_input", "missing_input", "not_applicable"],
        default=rank_status,
    )
    reason = np.select(
        [~has_num, ~has_den, zero_den, rank > 1],
        ["missing_numerator", "missing_denominator", "zero_denominator", input_reason],
        default="",
    )
    detail = np.select(
        [~has_num, ~has_den], [_label(ind.numerator), _label(ind.denominator)], default=""
    )
    valued = np.isin(status, VALUED_INDICATORS)
    value = np.where(
        valued, merged["value_num"] / merged["value_den"].where(valued) * ind.multiplier, np.nan
    )
    # a suppressed row shows neither side: the visible side could help recover the secret one
    keep_num = valued | (has_num & (merged["rank_num"].fillna(9) <= 1) & (status != "suppressed"))
    keep_den = valued | (has_den & (merged["rank_den"].fillna(9) <= 1) & (status != "suppressed"))
    return pd.DataFrame(
        {
            "indicator_id": ind.id,
            "topic": ind.topic,
            "area_id": merged["area_id"].to_numpy(),
            "year": merged["year"].astype("int64").to_numpy(),
            "group": merged["group"].to_numpy(),
            "sex": merged["sex"].to_numpy(),
            "value": value,
            "numerator": np.where(keep_num, merged["value_num"], np.nan),
            "denominator": np.where(keep_den, merged["value_den"], np.nan),
            "unit": ind.unit,
            "status": status,
            "reason": reason,
            "detail": detail,
        }
    )


def compute_indicators(
    observations: pd.DataFrame, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """The indicator table for every catalogue indicator, area, year, group and sex."""
    catalogue = catalogue or load_catalogue()
    obs = prepare_inputs(observations)
    frames = [
        compute_indicator(obs, ind)
        for ind in catalogue
        if ind.survey is None and ind.spatial is None
    ]
    table = pd.concat(frames, ignore_index=True).reindex(columns=INDICATOR_COLUMNS)
    return table.sort_values(["indicator_id", "area_id", "year", "group", "sex"], ignore_index=True)
