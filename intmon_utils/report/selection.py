"""Selections the sections make from the published tables: small pure functions.

``table`` is the indicator table (one row per indicator × area × year × group × sex) and
``mine`` the part of it for the report's area and indicators. Only rows for both sexes
together (``sex == "total"``) are used unless a function says otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..statuses import EXACT_OBSERVATIONS, VALUED_INDICATORS

MISSING_CELL = (np.nan, "missing_input")


def cell_index(table: pd.DataFrame) -> dict:
    """(indicator, area, year, group, sex) -> (value, status), for cell-by-cell lookups."""
    keys = zip(
        table["indicator_id"],
        table["area_id"],
        table["year"].astype(int),
        table["group"],
        table["sex"],
    )
    return dict(zip(keys, zip(table["value"], table["status"])))


def latest_years(mine: pd.DataFrame, year: int, lookback: int) -> dict[str, int]:
    """Per indicator: the latest year up to ``year`` (at most ``lookback`` years back) with a
    value."""
    m = mine[
        mine["status"].isin(VALUED_INDICATORS)
        & (mine["year"] <= year)
        & (mine["year"] > year - lookback)
    ]
    return m.groupby("indicator_id")["year"].max().astype(int).to_dict()


def cell_rows(mine: pd.DataFrame, ind_id: str, group: str, year: int) -> pd.DataFrame:
    """The row(s) of one indicator, group and year."""
    return mine[
        (mine["indicator_id"] == ind_id)
        & (mine["group"] == group)
        & (mine["sex"] == "total")
        & (mine["year"] == year)
    ]


def series(mine: pd.DataFrame, ind_id: str, group: str, year: int) -> pd.Series:
    """Year -> value of one indicator and group, up to ``year``, valued cells only."""
    m = mine[
        (mine["indicator_id"] == ind_id)
        & (mine["group"] == group)
        & (mine["sex"] == "total")
        & (mine["year"] <= year)
        & mine["status"].isin(VALUED_INDICATORS)
    ]
    return m.set_index("year")["value"].sort_index()


def plotted_values(mine: pd.DataFrame, ind_id: str, year: int) -> pd.DataFrame:
    """The rows of one indicator up to ``year``; values without a valued status become NaN."""
    d = mine[(mine["indicator_id"] == ind_id) & (mine["sex"] == "total") & (mine["year"] <= year)]
    return d.assign(value=d["value"].where(d["status"].isin(VALUED_INDICATORS)))


def shown_gaps(gaps: pd.DataFrame, ind_id: str, year: int) -> pd.DataFrame:
    """The gaps of one indicator in ``year`` that have a value or a symbol to show."""
    rows = gaps[
        (gaps["indicator_id"] == ind_id) & (gaps["year"] == year) & (gaps["sex"] == "total")
    ]
    return rows[rows["status"] != "missing_input"]


def latest_percent_gaps(
    gaps: pd.DataFrame, latest: dict[str, int], percent_ids: set[str]
) -> pd.DataFrame:
    """Valued gaps of percentage indicators, each in its indicator's latest year."""
    g = gaps[(gaps["sex"] == "total") & gaps["status"].isin(VALUED_INDICATORS)]
    g = g[g["year"] == g["indicator_id"].map(latest)]
    return g[g["indicator_id"].isin(percent_ids)]


def latest_subarea_rows(table: pd.DataFrame, sub_ids, latest: dict[str, int]) -> pd.DataFrame:
    """Rows of the sub-areas, each indicator in its latest year for the area."""
    years = pd.Series(latest, dtype="int64")
    d = table[
        table["area_id"].isin(sub_ids)
        & (table["sex"] == "total")
        & table["indicator_id"].isin(years.index)
    ]
    return d[d["year"] == d["indicator_id"].map(years)]


def valued(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["status"].isin(VALUED_INDICATORS)]


def relation_pairs(
    table: pd.DataFrame,
    sub_ids,
    year: int,
    x: tuple[str, str],
    y: tuple[str, str],
    minimum: int = 3,
) -> tuple[int, pd.DataFrame] | None:
    """(year, rows with ``value_x`` and ``value_y`` per sub-area) for the latest year up to
    ``year`` in which at least ``minimum`` sub-areas have both (indicator, group) values."""
    t = table[
        table["area_id"].isin(sub_ids)
        & (table["sex"] == "total")
        & (table["year"] <= year)
        & table["status"].isin(VALUED_INDICATORS)
    ]

    def side(ind_id: str, group: str) -> pd.DataFrame:
        return t[(t["indicator_id"] == ind_id) & (t["group"] == group)][
            ["area_id", "year", "value"]
        ]

    both = side(*x).merge(side(*y), on=["area_id", "year"], suffixes=("_x", "_y"))
    counts = both.groupby("year").size()
    if both.empty or counts.max() < minimum:
        return None
    chosen = int(counts[counts >= minimum].index.max())
    return chosen, both[both["year"] == chosen]


def band_table(
    observations: pd.DataFrame, area_id: str, year: int, variable: str, bands
) -> pd.DataFrame:
    """Age band × group table of one variable's valued counts (both sexes) in ``year``."""
    o = observations
    cells = o[
        (o["area_id"] == area_id)
        & (o["year"] == year)
        & (o["sex"] == "total")
        & o["age"].isin(bands)
        & o["status"].isin(EXACT_OBSERVATIONS)
        & (o["variable"] == variable)
    ]
    return cells.pivot_table(index="age", columns="group", values="value")


def suppressed(mine: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The suppressed values (of one year, if given)."""
    rows = mine[mine["status"] == "suppressed"]
    return rows if year is None else rows[rows["year"] == year]


def missing_groups(rows: pd.DataFrame, groups) -> tuple[set[str], list[str]]:
    """(groups with a value, groups of ``groups`` without one) among ``rows``."""
    ok = set(rows.loc[rows["status"].isin(VALUED_INDICATORS), "group"])
    return ok, [g for g in groups if g not in ok]


def first_reason(rows: pd.DataFrame, groups) -> tuple[str, str]:
    """(reason code, detail) of the first row of ``groups``; empty when there is none."""
    first = rows[rows["group"].isin(groups)]
    if not len(first):
        return "", ""
    return first["reason"].iloc[0], first["detail"].iloc[0]
