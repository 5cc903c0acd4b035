"""Figures: time series, the gaps at a glance, sub-districts, relation of two indicators."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import plotting
from ..formatting import format_value, unit_label
from . import describe, html, selection
from .context import ReportContext
from .html import Section
from .maps import subarea_map


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
    fig.subplots_adjust(hspace=0.6, wspace=0.35)
    plotting.legend_below(fig, axes.flat)
    rows = pd.concat([selection.plotted_values(ctx.mine, i.id, ctx.year) for i in inds])
    rows = rows[rows["group"].isin({g for i in inds for g in i.groups})]
    valued = rows.dropna(subset=["value"])["year"]
    img, files = ctx.figure(
        fig,
        "time_series",
        describe.series_alt(ctx, title, rows),
        describe.series_table(ctx, rows),
        years=f"{int(valued.min())}–{int(valued.max())}" if len(valued) else "",
    )
    return Section(title, img, rows, files)


def _series_panel(ctx: ReportContext, ax, ind) -> None:
    d = selection.plotted_values(ctx.mine, ind.id, ctx.year)
    for group in ind.groups:
        g = d[d["group"] == group].sort_values("year")
        if g["value"].notna().any():
            ax.plot(
                g["year"],
                g["value"],
                ms=3,
                label=ctx.label("group", group),
                **plotting.group_style(group),
            )
    ax.set_title(textwrap.fill(ctx.ind_name(ind), 45), fontsize=9)
    ax.set_ylabel(unit_label(ind.unit, ctx.lang))
    plotting.honest_ylim(ax)
    plotting.value_axis(ax, ind.unit, ctx.t("report_axis_not_zero"))
    ax.xaxis.get_major_locator().set_params(integer=True)


def gap_overview(ctx: ReportContext) -> Section:
    """Every gap in percentage points for the reporting year, as one chart."""
    title = ctx.t("report_gap_overview")
    percent = {i.id for i in ctx.indicators if i.unit == "percent"}
    g = selection.latest_percent_gaps(ctx.gaps, ctx.latest, percent)
    if g.empty:
        return html.missing(title, ctx.none_available())
    inds = {i.id: i for i in ctx.indicators}
    g = g.assign(
        label=[
            f"{ctx.ind_name(inds[r.indicator_id])} ({ctx.label('group', r.group)} – "
            f"{ctx.label('group', r.reference_group)})"
            for r in g.itertuples()
        ],
        effect=[_gap_effect(inds[r.indicator_id].direction, r.gap) for r in g.itertuples()],
    ).sort_values("gap")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(g) + 1.6))
    for effect, style in plotting.GAP_STYLES.items():
        part = g[g["effect"] == effect]
        if len(part):
            ax.barh(
                part["label"],
                part["gap"],
                color=style["color"],
                hatch=style["hatch"],
                edgecolor="white",
                label=ctx.t(f"report_gap_{effect}"),
            )
    ax.set_yticks(range(len(g)), [textwrap.fill(x, 70) for x in g["label"]])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(ctx.t("report_gap_axis"))
    ax.set_title(ctx.t("report_gap_chart_title", year=max(ctx.latest.values())), fontsize=9)
    plotting.legend_below(fig, [ax])
    pp = ctx.t("report_pp")
    table = pd.DataFrame(
        {
            ctx.t("report_indicator"): g["label"],
            ctx.t("report_as_of"): g["year"].astype(int).astype(str),
            ctx.t("report_gap_axis"): [
                ctx.fmt_difference(inds[r.indicator_id], r.gap, r.status) for r in g.itertuples()
            ],
            ctx.t("report_gap_effect"): g["effect"].map(lambda e: ctx.t(f"report_gap_{e}")),
        }
    )
    alt = describe.ranking_alt(
        ctx,
        title,
        g.set_index("label")["gap"],
        lambda v: format_value(v, "ok", "percent", ctx.lang, sign=True) + f" {pp}",
    )
    img, files = ctx.figure(fig, "gaps", alt, table, years=_years(g["year"]))
    return Section(title, img + html.paragraph(ctx.t("report_gap_note")), g, files)


def _level(ctx: ReportContext, area_id: str) -> str:
    """The register level of an area (a Landkreis's sub-areas are Gemeinden)."""
    return ctx.areas.loc[ctx.areas["area_id"] == area_id, "level"].iloc[0]


def _years(years: pd.Series) -> str:
    """``2024`` or ``2021–2024`` (indicators differ in their latest year)."""
    low, high = int(years.min()), int(years.max())
    return str(high) if low == high else f"{low}–{high}"


def _gap_effect(direction: str, gap: float) -> str:
    """Whether a gap (compared group minus reference group) is favourable for the compared
    group, by the indicator's direction: a higher unemployment rate is unfavourable, a
    higher employment rate favourable; indicators without a direction are neutral."""
    if direction == "neutral" or gap == 0:
        return "neutral"
    return "favourable" if (gap > 0) == (direction == "higher_is_better") else "unfavourable"


def subdistricts(ctx: ReportContext) -> Section:
    """Values of the sub-areas (Stadtteile or Gemeinden) in a table, the first indicator
    with sub-area data also as a figure and, where boundaries are stored, as a map."""
    title = ctx.t("report_subdistricts")
    subs = ctx.areas[ctx.areas["area_id"].isin(ctx.subareas)]
    d = selection.latest_subarea_rows(ctx.table, subs["area_id"], ctx.latest)
    d_ok = selection.valued(d)
    if d_ok.empty:
        why = ctx.params.data_gaps.get("subdistricts") or ctx.t("report_no_subdistricts_why")
        return html.missing(title, ctx.t("report_no_subdistricts", name=ctx.name, why=why))
    inds = [i for i in ctx.indicators if i.id in set(d_ok["indicator_id"])]
    table = _subdistrict_table(ctx, subs, d, inds)
    path = ctx.write_csv(table, "subdistricts")
    img, files = _subdistrict_figure(ctx, d_ok, inds[0], title)
    the_map, map_files = subarea_map(ctx, d_ok, inds[0], subs["area_id"].tolist())
    body = html.paragraph(level_note(ctx, d_ok["area_id"].nunique())) + html.table(table, ctx.lang)
    body += img + the_map
    return Section(title, body, table, [path, *files, *map_files])


def level_note(ctx: ReportContext, with_values: int) -> str:
    """Which sub-area level the section uses, why, and how many of its areas it covers."""
    level = ctx.subarea_level
    return ctx.t(
        "report_subarea_level",
        level=level.label(ctx.lang),
        n=len(level.area_ids),
        covered=with_values,
        why=ctx.t(f"report_level_{level.chosen_by}"),
    )


def _subdistrict_table(
    ctx: ReportContext, subs: pd.DataFrame, d: pd.DataFrame, inds
) -> pd.DataFrame:
    """One row per sub-area, one column per indicator and group (with unit and year);
    empty columns dropped."""
    level = ctx.subarea_level.label(ctx.lang, plural=False)
    level = level[:1].upper() + level[1:]  # a column heading
    table = pd.DataFrame({level: subs["name"].to_numpy()}, index=subs["area_id"].to_numpy())
    for ind in inds:
        for group in ind.groups:
            x = d[(d["indicator_id"] == ind.id) & (d["group"] == group)].set_index("area_id")
            unit = unit_label(ind.unit, ctx.lang)
            col = (
                f"{ctx.ind_name(ind)} – {ctx.label('group', group)} ({unit}, {ctx.latest[ind.id]})"
            )
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
        style = {**plotting.group_style(group), "linestyle": "none"}
        ax.plot(g["value"], range(len(order)), ms=6, label=ctx.label("group", group), **style)
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel(f"{ctx.ind_name(ind)} ({unit_label(ind.unit, ctx.lang)})")
    if ind.unit == "percent":
        ax.set_xlim(left=0)
    year = int(f["year"].max())
    ax.set_title(f"{ctx.ind_name(ind)}, {year}", fontsize=9)
    plotting.legend_below(fig, [ax])
    first = "total" if (f["group"] == "total").any() else f["group"].iloc[0]
    values = f[f["group"] == first].set_index("name")["value"]
    alt = describe.ranking_alt(
        ctx,
        f"{title}: {ctx.ind_name(ind)} ({ctx.label('group', first)}, {year})",
        values,
        lambda v: ctx.fmt(ind, v, "ok", with_unit=True),
    )
    return ctx.figure(fig, "subdistricts", alt, years=str(year))


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
    note = ctx.t(
        "report_relation_note",
        n=len(d),
        year=year,
        r=format_value(r, "ok", "ratio", ctx.lang, sign=True),
    )
    table = pd.DataFrame(
        {
            ctx.label("area_level", _level(ctx, d["area_id"].iloc[0])): d["name"],
            ctx.ind_name(xi): [ctx.fmt(xi, v, "ok", with_unit=True) for v in d["value_x"]],
            ctx.ind_name(yi): [ctx.fmt(yi, v, "ok", with_unit=True) for v in d["value_y"]],
        }
    )
    img, files = ctx.figure(
        fig, f"relation_{x_id}_{y_id}", f"{title}. {note}", table, years=str(year)
    )
    return Section(title, img + html.paragraph(note), d, files)
