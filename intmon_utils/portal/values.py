"""The values the portal compares: per indicator, every portal area in one year, side by side.

Pure functions over the published indicator table (after disclosure control: a suppressed
value arrives as its status and stays a symbol; a gap or change derived from it has no
number either). Each indicator is shown in its *portal year*: the latest year up to the
reporting year in which one of the portal's areas has a value, the same year for every area
so that the comparison is fair. Areas are compared only with areas of the same level
(Kreise with Kreise, Gemeinden with Gemeinden); the Land and Germany are reference rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Indicator, load_catalogue
from ..comparisons import changes, gaps
from ..statuses import VALUED_INDICATORS

LOOKBACK = 5  # years an indicator's portal year may lie before the reporting year
CHANGE_PERIODS = (1, 5)
REFERENCE_LEVELS = ("state", "country")  # shown beside the areas, never ranked among them
# the share of foreigners: its denominator is an area's population (which areas are the
# largest), its value the example of the explanation in Leichte Sprache
FOREIGN_SHARE = "demography.foreign_share"


def compared_group(ind: Indicator) -> str | None:
    """The group whose gap to the reference group the portal shows (foreigners against
    Germans, say): the first of the indicator's groups that is neither total nor the
    reference group."""
    if not ind.reference_group:
        return None
    return next((g for g in ind.groups if g not in ("total", ind.reference_group)), None)


def portal_years(table: pd.DataFrame, areas: list[str], year: int) -> dict[str, int]:
    """Per indicator: the latest year up to ``year`` (at most ``LOOKBACK`` years back) in
    which one of ``areas`` has a valued total."""
    t = table[
        table["area_id"].isin(areas)
        & (table["group"] == "total")
        & (table["sex"] == "total")
        & table["year"].between(year - LOOKBACK, year)
        & table["status"].isin(VALUED_INDICATORS)
    ]
    return t.groupby("indicator_id")["year"].max().astype(int).to_dict()


def comparison_table(
    table: pd.DataFrame, areas: pd.DataFrame, portal_areas: list[str], year: int
) -> pd.DataFrame:
    """One row per indicator and area (the portal's areas and their references) in the
    indicator's portal year: value, numerator, denominator, unit, status; the gap of the
    compared group to the reference group; the change over ``CHANGE_PERIODS`` years.

    ``areas`` is the area register (``area_id``, ``name``, ``level``, ``parent_id``)."""
    register = areas.set_index("area_id")
    references = register.index[register["level"].isin(REFERENCE_LEVELS)].tolist()
    shown = list(dict.fromkeys([*portal_areas, *references]))
    years = portal_years(table, portal_areas, year)
    t = table[
        table["area_id"].isin(shown)
        & (table["sex"] == "total")
        & table["indicator_id"].isin(years)
        & (table["year"] <= year)
    ]
    current = t["year"].to_numpy() == t["indicator_id"].map(years).to_numpy()
    base = t[current & (t["group"] == "total").to_numpy()]
    cols = ["indicator_id", "area_id", "year", "value", "numerator", "denominator", "unit"]
    out = base[[*cols, "status"]].reset_index(drop=True)
    out = out.merge(_gap_columns(t[current]), on=["indicator_id", "area_id"], how="left")
    out = out.merge(_change_columns(t, years), on=["indicator_id", "area_id"], how="left")
    out.insert(2, "name", out["area_id"].map(register["name"]).fillna(out["area_id"]))
    out.insert(3, "level", out["area_id"].map(register["level"]).fillna("country"))
    out.insert(4, "reference", out["area_id"].isin(references) & ~out["area_id"].isin(portal_areas))
    return out.sort_values(["indicator_id", "reference", "area_id"], ignore_index=True)


def _gap_columns(t: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and area: the compared group, the reference group, the gap and its
    status."""
    catalogue = load_catalogue()
    wanted = pd.DataFrame(
        [
            (ind.id, compared_group(ind))
            for ind in catalogue
            if compared_group(ind) and ind.id in set(t["indicator_id"])
        ],
        columns=["indicator_id", "group"],
    )
    g = gaps(t, catalogue).merge(wanted, on=["indicator_id", "group"])
    return g.rename(columns={"group": "gap_group", "status": "gap_status"})[
        ["indicator_id", "area_id", "gap_group", "reference_group", "gap", "gap_status"]
    ]


def _change_columns(t: pd.DataFrame, years: dict[str, int]) -> pd.DataFrame:
    """Per indicator and area: the change of the total over each period up to the portal
    year, with its status (``change_1``, ``change_1_status``, …)."""
    total = t[t["group"] == "total"]
    c = changes(total, CHANGE_PERIODS)
    c = c[c["year"].to_numpy() == c["indicator_id"].map(years).to_numpy()]
    wide = c.pivot_table(
        index=["indicator_id", "area_id"],
        columns="period",
        values=["change", "status"],
        aggfunc="first",
        dropna=False,
    )
    wide.columns = [
        f"change_{period}" if name == "change" else f"change_{period}_status"
        for name, period in wide.columns
    ]
    return wide.reset_index()


def ranks(rows: pd.DataFrame, direction: str) -> pd.Series:
    """Rank 1 = the most favourable value among the non-reference rows with a value (by
    the indicator's direction; for a neutral indicator, the highest); ties share a rank."""
    valued = rows["status"].isin(VALUED_INDICATORS) & ~rows["reference"]
    ascending = direction == "lower_is_better"
    r = rows["value"].where(valued).rank(method="min", ascending=ascending)
    return r.astype("Int64")


def is_valued(status: pd.Series) -> np.ndarray:
    """Whether a status carries a number."""
    return status.isin(VALUED_INDICATORS).to_numpy()
