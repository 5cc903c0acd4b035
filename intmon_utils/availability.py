"""Data availability (``intmon data status``, the index page): which variables exist for
which area and year, and which indicators can therefore be computed — for the working group
to see what data each municipality lacks.
"""

from __future__ import annotations

import pandas as pd

from .catalogue import load_catalogue
from .statuses import VALUED_INDICATORS, VALUED_OBSERVATIONS
from .topics import TOPICS


def year_ranges(years) -> str:
    """``[2014, 2015, 2016, 2019]`` -> ``'2014–2016, 2019'``."""
    years = sorted({int(y) for y in years})
    if not years:
        return ""
    parts, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(f"{start}–{prev}" if prev > start else f"{start}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


def variable_matrix(observations: pd.DataFrame) -> pd.DataFrame:
    """Area × variable: the years with at least one usable value."""
    usable = observations[observations["status"].isin(VALUED_OBSERVATIONS)]
    m = usable.groupby(["area_id", "variable"])["year"].agg(year_ranges).unstack(fill_value="")
    return m.sort_index()


def indicator_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """Area × indicator: the years in which the indicator has a value (total, both sexes)."""
    ok = table[table["status"].isin(VALUED_INDICATORS) & (table["sex"] == "total")]
    m = ok.groupby(["area_id", "indicator_id"])["year"].agg(year_ranges).unstack(fill_value="")
    ids = [i.id for i in load_catalogue()]
    return m.reindex(columns=ids, fill_value="").sort_index()


def summary(
    table: pd.DataFrame, year: int | None = None, area_ids: list[str] | None = None
) -> pd.DataFrame:
    """Area × topic: computable indicators in ``year`` (default: the latest) out of all.

    ``area_ids`` lists the areas to show (also those without any value); default: every area
    with a value."""
    year = year or int(table["year"].max())
    catalogue = load_catalogue()
    ok = table[table["status"].isin(VALUED_INDICATORS) & (table["year"] == year)]
    have = ok.groupby("area_id")["indicator_id"].agg(set)
    rows = []
    for area in have.index if area_ids is None else area_ids:
        ids = have.get(area, set())
        row = {"area_id": area}
        for topic in TOPICS:
            topic_ids = {i.id for i in catalogue.by_topic(topic)}
            row[topic] = f"{len(ids & topic_ids)}/{len(topic_ids)}"
        rows.append(row)
    if not rows:
        return pd.DataFrame(index=pd.Index([], name="area_id"))
    return pd.DataFrame(rows).set_index("area_id")
