"""Figures: time series, the gaps at a glance, sub-districts, relation of two indicators."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import plotting
from ..formatting import format_value, unit_label
from . import html, selection
from .context import ReportContext
from .html import Section


def time_series(ctx: ReportContext) -> Section:
    """One panel per available indicator, one line per group, up to the reporting year."""
    title = ctx.t("report_time_series")
    inds = [i for i in ctx.indicators if ctx.available(i)]
    if not inds:
        return html.missing(title, ctx.none_available())
    ncols = min(3, len(inds))
    nrows = -(-len(inds) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows), squeeze=False)
    for ax, ind in zip(axes.flat, inds):
        _series_panel(ctx, ax, ind)
    for ax in list(axes.flat)[len(inds) :]:
        ax.axis("off")
    # fixed spacing for titles of up to three lines (tight_layout would measure every
    # text once more; the outer margins are trimmed when the figure is saved)
    fig.subplots_adjust(hspace=0.55, wspace=0.3)
    img, files = ctx.figure(fig, "time_series", title)
    data = ctx.mine[ctx.mine["indicator_id"].isin([i.id for i in inds])]
    return Section(title, img, data, files)


def _series_panel(ctx: ReportContext, ax, ind) -> None:
    d = selection.plotted_values(ctx.mine, ind.id, ctx.year)
    for group in ind.groups:
        g = d[d["group"] == group].sort_values("year")
        if g["value"].notna().any():
            ax.plot(
                g["year"],
                g["value"],
                marker="o",
                ms=3,
                color=plotting.GROUP_COLORS[group],
                label=ctx.label("group", group),
            )
    ax.set_title(textwrap.fill(ctx.ind_name(ind), 45), fontsize=9)
    ax.set_ylabel(unit_label(ind.unit, ctx.lang))
    plotting.honest_ylim(ax)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=7)


def gap_overview(ctx: ReportContext) -> Section:
    """Every gap in percentage points for the reporting year, as one chart."""
    title = ctx.t("report_gap_overview")
    percent = {i.id for i in ctx.indicators if i.unit == "percent"}
    g = selection.latest_percent_gaps(ctx.gaps, ctx.latest, percent)
    if g.empty:
        return html.missing(title, ctx.none_available())
    names = {i.id: ctx.ind_name(i) for i in ctx.indicators}
    g = g.assign(
        label=g["indicator_id"].map(names)
        + " ("
        + g["group"].map(lambda x: ctx.label("group", x))
        + ")"
    ).sort_values("gap")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(g) + 1.2))
    ax.barh(g["label"], g["gap"], color=[plotting.GROUP_COLORS[x] for x in g["group"]])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(ctx.t("report_gap_axis"))
    img, files = ctx.figure(fig, "gaps", title)
    return Section(title, img, g, files)


def subdistricts(ctx: ReportContext) -> Section:
    """Values of the sub-areas (Stadtteile or Gemeinden) in a table, the first indicator
    with sub-area data also as a figure."""
    title = ctx.t("report_subdistricts")
    subs = ctx.areas[ctx.areas["parent_id"] == ctx.area_id]
    d = selection.latest_subarea_rows(ctx.table, subs["area_id"], ctx.latest)
    d_ok = selection.valued(d)
    if d_ok.empty:
        why = ctx.params.data_gaps.get("subdistricts") or ctx.t("report_no_subdistricts_why")
        return html.missing(title, ctx.t("report_no_subdistricts", name=ctx.name, why=why))
    inds = [i for i in ctx.indicators if i.id in set(d_ok["indicator_id"])]
    table = _subdistrict_table(ctx, subs, d, inds)
    path = ctx.write_csv(table, "subdistricts")
    img, files = _subdistrict_figure(ctx, d_ok, inds[0], title)
    return Section(title, html.table(table, ctx.lang) + img, table, [path, *files])


def _subdistrict_table(
    ctx: ReportContext, subs: pd.DataFrame, d: pd.DataFrame, inds
) -> pd.DataFrame:
    """One row per sub-area, one column per indicator and group; empty columns dropped."""
    unit_label = ctx.label("area_level", subs["level"].iloc[0])
    table = pd.DataFrame({unit_label: subs["name"].to_numpy()}, index=subs["area_id"].to_numpy())
    for ind in inds:
        for group in ind.groups:
            x = d[(d["indicator_id"] == ind.id) & (d["group"] == group)].set_index("area_id")
            col = f"{ctx.ind_name(ind)} – {ctx.label('group', group)}"
            table[col] = [
                ctx.fmt(ind, x["value"].get(a, np.nan), x["status"].get(a, "missing_input"))
                for a in table.index
            ]
    return table.loc[:, (table != ".").any()]


def _subdistrict_figure(ctx: ReportContext, d_ok: pd.DataFrame, ind, title: str):
    """Dot plot of one indicator over the sub-areas, groups side by side."""
    f = d_ok[d_ok["indicator_id"] == ind.id].assign(name=lambda x: x["area_id"].map(ctx.names))
    order = (
        f[f["group"] == "total"].sort_values("value")["name"].tolist()
        or f.sort_values("value")["name"].unique().tolist()
    )
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(order) + 1.4))
    for group in ind.groups:
        g = f[f["group"] == group].set_index("name").reindex(order)
        ax.plot(
            g["value"],
            range(len(order)),
            "o",
            ms=6,
            color=plotting.GROUP_COLORS[group],
            label=ctx.label("group", group),
        )
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel(f"{ctx.ind_name(ind)} ({unit_label(ind.unit, ctx.lang)})")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(order)), ncol=3, frameon=False
    )
    return ctx.figure(fig, "subdistricts", title)


def relation(
    ctx: ReportContext, x_id: str, y_id: str, x_group: str = "total", y_group: str = "total"
) -> Section:
    """Scatter of two indicators across the area's sub-areas (latest year with both)."""
    xi, yi = ctx.catalogue.get(x_id), ctx.catalogue.get(y_id)
    title = ctx.t("report_relation", x=ctx.ind_name(xi), y=ctx.ind_name(yi))
    found = selection.relation_pairs(
        ctx.table, ctx.subareas, ctx.year, (x_id, x_group), (y_id, y_group)
    )
    if found is None:
        return html.missing(title, ctx.t("report_no_relation", name=ctx.name))
    year, pairs = found
    d = pairs.assign(name=lambda z: z["area_id"].map(ctx.names))
    r = float(np.corrcoef(d["value_x"], d["value_y"])[0, 1])
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(d["value_x"], d["value_y"], color=plotting.GROUP_COLORS[y_group], s=30)
    for row in d.itertuples():
        ax.annotate(
            row.name,
            (row.value_x, row.value_y),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set_xlabel(f"{ctx.ind_name(xi)} ({unit_label(xi.unit, ctx.lang)})")
    ax.set_ylabel(f"{ctx.ind_name(yi)} ({unit_label(yi.unit, ctx.lang)})")
    img, files = ctx.figure(fig, f"relation_{x_id}_{y_id}", title)
    note = html.paragraph(
        ctx.t(
            "report_relation_note",
            n=len(d),
            year=year,
            r=format_value(r, "ok", "ratio", ctx.lang, sign=True),
        )
    )
    return Section(title, img + note, d, files)
