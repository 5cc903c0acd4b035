"""What a figure shows, in words and as a table: its alt text and the data behind it.

A reader who cannot see a figure gets an alt text generated from the figure's own data
(which series rise or fall, which value is highest and lowest), and every figure has the
table of its values under it (``html.figure_data``), in the report's number format.
"""

from __future__ import annotations

import pandas as pd

from .. import methods
from .context import ReportContext


def series_alt(ctx: ReportContext, title: str, rows: pd.DataFrame) -> str:
    """Alt text of a time-series figure: per indicator, how its first group developed and
    which group is highest and lowest in the latest year. ``rows`` are tidy plotted values
    (``indicator_id``, ``group``, ``year``, ``value``)."""
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return title
    years = f"{int(rows['year'].min())}–{int(rows['year'].max())}"
    parts = [ctx.t("describe_series", title=title, years=years)]
    for ind_id, d in rows.groupby("indicator_id", sort=False):
        ind = ctx.catalogue.get(ind_id)
        parts.append(f"{ctx.ind_name(ind)}: {_development(ctx, ind, d)}{_extremes(ctx, ind, d)}")
    return " ".join(parts)


def _development(ctx: ReportContext, ind, d: pd.DataFrame) -> str:
    group = "total" if (d["group"] == "total").any() else d["group"].iloc[0]
    s = d[d["group"] == group].sort_values("year")
    first, last = s.iloc[0], s.iloc[-1]
    trend = methods.trend(s["year"].to_numpy(), s["value"].to_numpy())
    return ctx.t(
        "describe_development",
        group=ctx.label("group", group),
        trend="" if trend == "insufficient" else " " + ctx.t(f"report_trend_{trend}"),
        start=ctx.fmt(ind, first["value"], "ok", with_unit=True),
        start_year=int(first["year"]),
        end=ctx.fmt(ind, last["value"], "ok", with_unit=True),
        end_year=int(last["year"]),
    )


def _extremes(ctx: ReportContext, ind, d: pd.DataFrame) -> str:
    latest = d[d["year"] == d["year"].max()].set_index("group")["value"]
    if len(latest) < 2:
        return "."
    high, low = latest.idxmax(), latest.idxmin()
    return "; " + ctx.t(
        "describe_extremes",
        high=ctx.label("group", high),
        high_value=ctx.fmt(ind, latest[high], "ok", with_unit=True),
        low=ctx.label("group", low),
        low_value=ctx.fmt(ind, latest[low], "ok", with_unit=True),
    )


def ranking_alt(ctx: ReportContext, title: str, values: pd.Series, fmt) -> str:
    """Alt text of a ranked chart: how many entries, which is highest and which lowest
    (``values``: label -> number; ``fmt`` formats a number)."""
    values = values.dropna()
    if values.empty:
        return title
    return ctx.t(
        "describe_ranking",
        title=title,
        n=len(values),
        high=values.idxmax(),
        high_value=fmt(values.max()),
        low=values.idxmin(),
        low_value=fmt(values.min()),
    )


def series_table(ctx: ReportContext, rows: pd.DataFrame) -> pd.DataFrame:
    """The values of a time-series figure: one row per indicator and group, one column per
    year, formatted (status symbols where there is no value)."""
    out = []
    for (ind_id, group), d in rows.groupby(["indicator_id", "group"], sort=False):
        ind = ctx.catalogue.get(ind_id)
        row = {
            ctx.t("report_indicator"): ctx.ind_name(ind),
            ctx.t("report_group"): ctx.label("group", group),
        }
        for r in d.sort_values("year").itertuples():
            row[str(int(r.year))] = ctx.fmt(ind, r.value, r.status)
        out.append(row)
    return pd.DataFrame(out)
