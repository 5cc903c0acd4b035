"""Measures over the sub-areas and age groups: residential segregation, age standardisation."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import methods, plotting
from ..formatting import format_value
from ..spatial import subarea_counts
from . import html, selection
from .charts import level_note
from .context import ReportContext
from .html import Section

SEGREGATION_GROUPS = {"total", "german", "foreign"}
INDEX = "index"  # the unit of the catalogue's segregation indicators (0–100)


def segregation_measures(
    observations: pd.DataFrame, areas: pd.DataFrame, area_id: str, year: int, units: list[str]
) -> pd.DataFrame:
    """Per year up to ``year``: D, IS, isolation and concentration of foreign nationals over
    the sub-areas ``units`` of ``area_id``, with the number of sub-areas used and left out;
    on the 0–100 scale of the catalogue's spatial indicators."""
    rows = []
    members = pd.DataFrame({"area_id": units, "parent_id": area_id})
    for _, y, usable, left_out in subarea_counts(
        observations, areas, "population", SEGREGATION_GROUPS, members
    ):
        if y > year:
            continue
        d = methods.dissimilarity(usable["foreign"], usable["german"])
        rows.append(
            {
                "year": y,
                "D": d.value * 100,
                "IS": methods.segregation_index(usable["foreign"], usable["total"]).value * 100,
                "isolation": methods.isolation(usable["foreign"], usable["total"]).value * 100,
                "concentration": methods.concentration_share(
                    usable["foreign"], usable["total"]
                ).value
                * 100,
                "units": d.n_units,
                "excluded": d.n_excluded + left_out,
            }
        )
    return pd.DataFrame(rows)


MEASURE_STYLES = (("o", "-"), ("s", "--"), ("^", ":"))  # D, IS, isolation: not colour alone


def segregation(ctx: ReportContext) -> Section:
    """Segregation of foreign nationals over the area's sub-areas, per year."""
    title = ctx.t("report_segregation")
    data = segregation_measures(ctx.observations, ctx.areas, ctx.area_id, ctx.year, ctx.subareas)
    if data.empty:
        return html.missing(title, ctx.t("report_no_segregation", name=ctx.name))
    shown = _segregation_table(ctx, data)
    path = ctx.write_csv(shown, "segregation")
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    labels = {"D": "D", "IS": "IS", "isolation": ctx.t("report_isolation")}
    for (column, label), (marker, line) in zip(labels.items(), MEASURE_STYLES):
        ax.plot(data["year"], data[column], marker=marker, linestyle=line, ms=3, label=label)
    ax.set_ylim(0, max(50, float(data[["D", "IS", "isolation"]].max().max()) * 1.15))
    ax.xaxis.get_major_locator().set_params(integer=True)
    plotting.legend_below(fig, [ax])
    latest = data.sort_values("year").iloc[-1]
    alt = ctx.t(
        "describe_segregation",
        title=title,
        year=int(latest["year"]),
        d=format_value(latest["D"], "ok", INDEX, ctx.lang),
        first=int(data["year"].min()),
    )
    img, files = ctx.figure(
        fig, "segregation", alt, years=f"{int(data['year'].min())}–{latest['year']:.0f}"
    )
    body = html.paragraph(level_note(ctx, int(latest["units"]))) + html.table(shown, ctx.lang)
    body += img + html.paragraph(ctx.t("report_segregation_note"))
    return Section(title, body, data, [path, *files])


def _segregation_table(ctx: ReportContext, data: pd.DataFrame) -> pd.DataFrame:
    def index(values):
        return [format_value(v, "ok", INDEX, ctx.lang) for v in values]

    return pd.DataFrame(
        {
            ctx.t("report_year_column"): data["year"].astype(str),
            "D": index(data["D"]),
            "IS": index(data["IS"]),
            ctx.t("report_isolation"): index(data["isolation"]),
            ctx.t("report_concentration"): [
                format_value(v, "ok", "percent", ctx.lang, with_unit=True)
                for v in data["concentration"]
            ],
            ctx.t("report_units_label"): [
                f"{u} (+{e})" if e else str(u) for u, e in zip(data["units"], data["excluded"])
            ],
        }
    )


def age_standardised(ctx: ReportContext, indicator_id: str) -> Section:
    """Crude and directly age-standardised values of one indicator, by group.

    The age bands are the parts of the denominator's age band in the vocabulary (e.g.
    15-64 = 15-24 + 25-64); the standard is the area's total population in those bands.
    """
    ind = ctx.catalogue.get(indicator_id)
    title = ctx.t("report_standardised", name=ctx.ind_name(ind))
    den = ind.denominator[0]
    bands = next((c for p, c in ctx.vocab.partition_pairs("age") if p == den.age), ())
    num = selection.band_table(
        ctx.observations, ctx.area_id, ctx.year, ind.numerator[0].variable, bands
    )
    pop = selection.band_table(ctx.observations, ctx.area_id, ctx.year, den.variable, bands)
    groups = [g for g in ind.groups if g in num.columns and g in pop.columns]
    band_labels = ", ".join(ctx.label("age", b) for b in bands)
    if not bands or "total" not in groups or len(num) < len(bands) or len(pop) < len(bands):
        return html.missing(
            title, ctx.t("report_no_standardised", name=ctx.name, bands=band_labels or "-")
        )
    rows = []
    standard_known = bool(pop["total"].notna().all())
    for group in groups:
        # a suppressed band would bias both values: the group's values are suppressed too
        complete = standard_known and bool(num[group].notna().all() and pop[group].notna().all())
        status = "ok" if complete else "suppressed"
        crude = num[group].sum() / pop[group].sum() * ind.multiplier
        std = methods.direct_standardisation(num[group] / pop[group], pop["total"]) * ind.multiplier
        rows.append(
            {
                ctx.t("report_group"): ctx.label("group", group),
                ctx.t("report_crude"): ctx.fmt(ind, crude, status, with_unit=True),
                ctx.t("report_age_standardised"): ctx.fmt(ind, std, status, with_unit=True),
            }
        )
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, f"standardised_{indicator_id}")
    body = html.table(df, ctx.lang) + html.paragraph(
        ctx.t("report_standardised_note", bands=band_labels)
    )
    return Section(title, body, df, [path])
