"""The map of an area's sub-areas (Stadtteile of a city, Gemeinden of a Landkreis) in the
reports and the integrated report: one indicator's values by class, drawn with matplotlib
as every report figure (PNG in the page, SVG for print where asked), with the classes,
colours and hatching of :mod:`intmon_utils.choropleth` (the same rule as the portal's maps)
and the attribution of the boundaries under it. Without stored boundaries for the
sub-areas, or with fewer than two values to compare, there is no map.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from .. import choropleth, geometry
from ..formatting import UNIT_DECIMALS, unit_label
from .context import ReportContext


def subarea_map(ctx: ReportContext, rows: pd.DataFrame, ind, sub_ids: list[str]):
    """(img, files) of the map of ``ind`` (its total) over ``sub_ids``; ("", []) when it
    cannot be drawn. ``rows``: the sub-areas' valued rows in their latest year."""
    levels = ctx.areas.loc[ctx.areas["area_id"].isin(sub_ids), "level"].unique()
    shapes = geometry.read_geometry(ctx.store, levels[0]) if len(levels) == 1 else None
    if shapes is None:
        return "", []
    shapes = shapes[shapes["area_id"].isin(sub_ids)]
    total = rows[(rows["indicator_id"] == ind.id) & (rows["group"] == "total")]
    values = dict(zip(total["area_id"], total["value"].astype(float)))
    values = {a: v for a, v in values.items() if a in set(shapes["area_id"])}
    if len(set(values.values())) < 2:
        return "", []
    fills, legend = choropleth.colours(values, ind.direction)
    fig, ax = plt.subplots(figsize=(7.0, 6.0))
    drawn = shapes[shapes["area_id"].isin(fills)]
    drawn.plot(ax=ax, color=drawn["area_id"].map(fills).tolist(), edgecolor="white", linewidth=0.6)
    empty = shapes[~shapes["area_id"].isin(fills)]
    if not empty.empty:
        empty.plot(ax=ax, facecolor="white", edgecolor=choropleth.NO_VALUE_EDGE, hatch="///")
    ax.set_axis_off()
    ax.set_aspect("equal")
    decimals = UNIT_DECIMALS.get(ind.unit, 1)
    handles = [
        Patch(
            facecolor=colour,
            edgecolor="#4d4d4d",
            linewidth=0.5,
            label=choropleth.class_label(lo, hi, decimals, ctx.lang),
        )
        for lo, hi, colour in legend
    ]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor=choropleth.NO_VALUE_EDGE,
            hatch="///",
            label=ctx.t("map_no_value"),
        )
    )
    ax.legend(
        handles=handles,
        title=ctx.t("map_method", k=len(legend)),
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=8,
        title_fontsize=8,
    )
    year = int(total["year"].max())
    ax.set_title(f"{ctx.ind_name(ind)} ({unit_label(ind.unit, ctx.lang)}), {year}", fontsize=9)
    fig.text(
        0.0,
        -0.02,
        geometry.attribution(ctx.store, levels[0], ctx.lang),
        fontsize=7,
        color="#4d4d4d",
    )
    high = max(values, key=values.get)
    low = min(values, key=values.get)
    alt = ctx.t(
        "map_alt",
        title=f"{ctx.ind_name(ind)}, {year}",
        n=len(values),
        k=len(legend),
        high=ctx.names.get(high, high),
        high_value=ctx.fmt(ind, values[high], "ok", with_unit=True),
        low=ctx.names.get(low, low),
        low_value=ctx.fmt(ind, values[low], "ok", with_unit=True),
    )
    if not empty.empty:
        alt += " " + ctx.t("map_alt_without", n=len(empty))
    return ctx.figure(fig, "subdistricts_map", alt, years=str(year))
