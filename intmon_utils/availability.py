"""Data availability (``intmon data status``, the index page): which variables exist for
which area and year, and which indicators can therefore be computed — for the working group
to see what data each municipality lacks.

The tables are given in memory or as Parquet files (the cached published tables). DuckDB
reads only the columns named and hands over the distinct keys, so a store of millions of
observations is never loaded whole.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from .catalogue import load_catalogue
from .statuses import VALUED_INDICATORS, VALUED_OBSERVATIONS
from .topics import TOPICS

Table = pd.DataFrame | Path  # a table in memory or a Parquet file


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


def _query(table: Table, sql: str, areas: Collection[str] | None = None) -> pd.DataFrame:
    """``sql`` over ``table`` (the view ``t``, only the rows of ``areas`` unless None)."""
    import duckdb

    con = duckdb.connect()
    try:
        rel = con.read_parquet(str(table)) if isinstance(table, Path) else con.from_df(table)
        if areas is not None:
            con.register("keep", pd.DataFrame({"area_id": pd.Series(list(areas), dtype="str")}))
            rel = rel.join(con.table("keep"), "area_id", how="semi")
        rel.create_view("t")
        return con.execute(sql).df()
    finally:
        con.close()


def _among(column: str, values) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def areas_of(table: Table) -> set[str]:
    """The areas the table has rows for."""
    return set(_query(table, "SELECT DISTINCT area_id FROM t")["area_id"])


def _matrix(keys: pd.DataFrame, column: str) -> pd.DataFrame:
    """Area × ``column`` from distinct (area_id, column, year): the years as ranges."""
    keys = keys.astype({"area_id": "str", column: "str"})
    return keys.groupby(["area_id", column])["year"].agg(year_ranges).unstack(fill_value="")


def variable_matrix(observations: Table, areas: Collection[str] | None = None) -> pd.DataFrame:
    """Area × variable: the years with at least one usable value."""
    sql = "SELECT DISTINCT area_id, variable, year FROM t WHERE "
    keys = _query(observations, sql + _among("status", VALUED_OBSERVATIONS), areas)
    return _matrix(keys, "variable").sort_index()


def indicator_matrix(table: Table, areas: Collection[str] | None = None) -> pd.DataFrame:
    """Area × indicator: the years in which the indicator has a value (total, both sexes)."""
    sql = "SELECT DISTINCT area_id, indicator_id, year FROM t WHERE sex = 'total' AND "
    keys = _query(table, sql + _among("status", VALUED_INDICATORS), areas)
    ids = [i.id for i in load_catalogue()]
    return _matrix(keys, "indicator_id").reindex(columns=ids, fill_value="").sort_index()


def summary(
    table: Table,
    year: int | None = None,
    area_ids: list[str] | None = None,
    areas: Collection[str] | None = None,
) -> pd.DataFrame:
    """Area × topic: computable indicators in ``year`` (default: the latest) out of all.

    ``areas`` restricts the table to these areas; ``area_ids`` lists the areas to show (also
    those without any value); default: every area with a value."""
    chosen = str(int(year)) if year else "(SELECT max(year) FROM t)"
    sql = f"SELECT DISTINCT area_id, indicator_id FROM t WHERE year = {chosen} AND "
    ok = _query(table, sql + _among("status", VALUED_INDICATORS), areas)
    have = ok.astype("str").groupby("area_id")["indicator_id"].agg(set)
    catalogue = load_catalogue()
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
