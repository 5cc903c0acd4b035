"""Consistency of the whole store, across sources: totals against the sum of their parts.

An import checks its own file (``validation.py``: parts that must add up are an error there).
Across imports, intmon compares everything the store holds: a city's published population
with the sum of its Stadtbezirke from another file, Stadtbezirke with their Stadtteile,
total with German + foreign from different tables. Differences are **warnings** with their
size, because official sources legitimately differ (a city row that includes persons not
assigned to a Stadtteil; register vs. Fortschreibung; reference dates); they tell the working
group what to explain before comparing levels. ``intmon data check`` prints them; every
import logs how many it leaves.

Where the sub-areas cover a municipality completely and it has no value of its own (a city
with turnout per Stadtteil only), :func:`rollups` computes the value as their sum, with
status ``derived`` and a source saying so (``intmon data rollup``).
"""

from __future__ import annotations

import pandas as pd

from .derive import DERIVED
from .statuses import EXACT_OBSERVATIONS
from .subareas import ancestors
from .validation import identity_gaps
from .vocabulary import load_vocabulary

ROLLUP_SOURCE = "rollup"  # the store's source of roll-ups
ROLLUP_TEXT = "Summe der Teilgebiete (abgeleitet durch intmon)"  # their ``source`` text
CHECK_COLUMNS = [
    "area_id",
    "name",
    "year",
    "variable",
    "group",
    "sex",
    "age",
    "published",
    "sum_of_parts",
    "parts",
    "difference",
    "relative",
    "identity",
]


def check_store(
    observations: pd.DataFrame, areas: pd.DataFrame, only: set[str] | None = None
) -> pd.DataFrame:
    """Every total that differs from the sum of its parts beyond rounding tolerance, largest
    relative difference first; ``only``: totals of these areas and the areas above them."""
    # an area without a value of its own stands for the sum of its sub-areas, so that a city
    # is compared with its Stadtbezirke even where only their Stadtteile have values
    filled = rollups(observations, areas).assign(status="ok")
    gaps = identity_gaps(pd.concat([observations, filled], ignore_index=True), areas)
    if len(gaps) == 0:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    gaps = gaps.rename(columns={"v": "published", "total": "sum_of_parts", "n": "parts"})
    if only is not None:
        gaps = gaps[gaps["area_id"].isin(ancestors(only, areas))]
    gaps["difference"] = gaps["sum_of_parts"] - gaps["published"]
    gaps["relative"] = gaps["difference"] / gaps["published"].where(gaps["published"] != 0)
    gaps["name"] = gaps["area_id"].map(areas.set_index("area_id")["name"])
    order = gaps["relative"].abs().fillna(float("inf"))
    return gaps.assign(_o=order).sort_values("_o", ascending=False)[CHECK_COLUMNS]


def headline(gaps: pd.DataFrame) -> str:
    n = len(gaps)
    return (
        f"{n} total{'s' if n != 1 else ''} differ{'s' if n == 1 else ''} from the sum of the parts"
    )


def describe(gaps: pd.DataFrame, limit: int = 20) -> str:
    """The warnings as lines a statistician reads."""
    lines = []
    for r in gaps.head(limit).itertuples(index=False):
        rel = f", {r.relative:+.1%}" if pd.notna(r.relative) else ""
        parts = f"{int(r.parts)} parts" if pd.notna(r.parts) else "parts"
        lines.append(
            f"{r.area_id} {r.name}, {r.year}, {r.variable} [{r.group}, {r.sex}, {r.age}]: "
            f"{r.published:,.0f} published, {r.sum_of_parts:,.0f} sum of {parts} "
            f"({r.difference:+,.0f}{rel}; {r.identity})"
        )
    if len(gaps) > limit:
        lines.append(f"… and {len(gaps) - limit} more (--format csv lists them all)")
    return "\n".join(lines)


def rollups(observations: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Values of municipalities (and sub-area levels) that have none of their own, as the
    sum of their registered sub-areas where every one of them has an exact count; level by
    level (Stadtteile → Stadtbezirk → city)."""
    found = []
    while True:
        step = _rollup_step(pd.concat([observations, *found], ignore_index=True), areas)
        if step.empty:
            break
        found.append(step)
    if not found:
        return observations.iloc[0:0]
    return pd.concat(found, ignore_index=True)[list(observations.columns)]


def _rollup_step(observations: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    children = areas[areas["level"] == "subdistrict"][["area_id", "parent_id"]]
    expected = children.groupby("parent_id").size()
    keys = ["year", "variable", "group", "sex", "age"]
    exact = observations[
        observations["status"].isin(EXACT_OBSERVATIONS)
        & observations["variable"].isin(load_vocabulary().additive())
    ]
    kids = exact.merge(children, on="area_id")
    sums = kids.groupby(["parent_id", *keys]).agg(value=("value", "sum"), n=("value", "size"))
    sums = sums[sums["n"].to_numpy() == expected.reindex(sums.index.get_level_values(0)).to_numpy()]
    sums = sums.reset_index().rename(columns={"parent_id": "area_id"})
    have = pd.MultiIndex.from_frame(observations[["area_id", *keys]])
    sums = sums[~pd.MultiIndex.from_frame(sums[["area_id", *keys]]).isin(have)]
    level = areas.set_index("area_id")["level"]
    return sums.assign(
        area_level=sums["area_id"].map(level),
        status=DERIVED,
        source=ROLLUP_TEXT,
    ).drop(columns="n")
