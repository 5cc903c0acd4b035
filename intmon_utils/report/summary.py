"""Tables of values: key figures, comparison with other areas, goals, women and men."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from .. import comparisons, methods
from ..formatting import format_number, format_value
from ..statuses import VALUED_INDICATORS
from ..topics import OVERVIEW
from . import html, selection
from .context import ReportContext
from .html import Section

SMALL_DENOMINATOR = 50
DIRECTION_BETTER = {"higher_is_better": True, "lower_is_better": False, "neutral": None}
GERMANY = "DG"  # area id of Germany in the area register


def key_figure_rows(ctx: ReportContext) -> tuple[dict[str, list[dict]], bool]:
    """Per indicator with a value: its rows of the key-figures table (latest value, changes,
    trend and the Land's value per group, then the gaps between groups, all as shown), and
    whether any value rests on small numbers."""
    changes = ctx.changes[ctx.changes["sex"] == "total"].set_index(
        ["indicator_id", "group", "year", "period"]
    )[["change", "status"]]
    rows, small = {}, False
    for ind in ctx.indicators:
        if not ctx.available(ind):
            continue
        year = ctx.latest[ind.id]
        rows[ind.id] = []
        for group in ind.groups:
            row, is_small = _value_row(ctx, ind, group, year, changes)
            if row:
                rows[ind.id].append(row)
                small |= is_small
        if ind.reference_group:
            rows[ind.id] += [
                _gap_row(ctx, ind, g, year)
                for g in selection.shown_gaps(ctx.gaps, ind.id, year).itertuples()
            ]
    return rows, small


def key_figures(ctx: ReportContext) -> Section:
    """The key-figures table (:func:`key_figure_rows`)."""
    title = ctx.t("report_key_figures")
    by_indicator, small = key_figure_rows(ctx)
    rows = [r for of_one in by_indicator.values() for r in of_one]
    if not rows:
        return html.missing(title, ctx.none_available())
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, "key_figures")
    note = html.paragraph(ctx.t("report_small_numbers", n=SMALL_DENOMINATOR)) if small else ""
    return Section(title, html.table(df, ctx.lang) + note, df, [path])


def _land_label(ctx: ReportContext) -> str:
    return ctx.names.get(ctx.land, ctx.t("report_land"))


def _value_row(
    ctx: ReportContext, ind, group: str, year: int, changes: pd.DataFrame
) -> tuple[dict | None, bool]:
    """(row of the key-figures table, whether the value rests on small numbers);
    ``changes`` is indexed by indicator, group, year and period."""
    value, status = ctx.cell(ind.id, group, year)
    if status == "missing_input":
        return None, False  # explained in the data availability section
    land_value, land_status = (
        ctx.cell(ind.id, group, year, area=ctx.land) if ctx.land else selection.MISSING_CELL
    )
    shown = ctx.fmt(ind, value, status, with_unit=True) + _ci(ctx, ind, group, year)
    small = _small(ctx, ind.id, group, year)
    if small:
        shown += " ¹"
    row = {
        ctx.t("report_indicator"): ctx.ind_name(ind),
        ctx.t("report_group"): ctx.label("group", group),
        ctx.t("report_as_of"): str(year),
        ctx.t("report_value"): shown,
    }
    for period in (1, 5):
        c = changes.loc[(ind.id, group, year, period)]
        row[ctx.t(f"report_change{period}")] = ctx.fmt_difference(ind, c["change"], c["status"])
    row[ctx.t("report_trend")] = _trend(ctx, ind.id, group)
    row[_land_label(ctx)] = ctx.fmt(ind, land_value, land_status, with_unit=True)
    return row, small


def _gap_row(ctx: ReportContext, ind, g, year: int) -> dict:
    """Row of the key-figures table for one gap (in percentage points for shares)."""
    shown = ctx.fmt_difference(ind, g.gap, g.status)
    empty = ("report_change1", "report_change5", "report_trend")
    return {
        ctx.t("report_indicator"): ctx.ind_name(ind),
        ctx.t("report_group"): ctx.t(
            "report_gap", a=ctx.label("group", g.group), b=ctx.label("group", g.reference_group)
        ),
        ctx.t("report_as_of"): str(year),
        ctx.t("report_value"): shown,
        **{ctx.t(key): "" for key in empty},
        _land_label(ctx): "",
    }


def _ci(ctx: ReportContext, ind, group: str, year: int) -> str:
    """`` (KI 58,1–66,4; n = 412)`` for a survey share, else empty."""
    r = selection.cell_rows(ctx.mine, ind.id, group, year)
    if not len(r) or pd.isna(r["ci_low"].iloc[0]):
        return ""
    low, high = (
        format_value(r[c].iloc[0], "ok", ind.unit, ctx.lang) for c in ("ci_low", "ci_high")
    )
    n = format_number(float(r["n_cases"].iloc[0]), 0, ctx.lang)  # 1.359, not 1359
    return " " + ctx.t("report_confidence_interval", low=low, high=high, n=n)


def _trend(ctx: ReportContext, ind_id: str, group: str) -> str:
    s = selection.series(ctx.mine, ind_id, group, ctx.year)
    return ctx.t(f"report_trend_{methods.trend(s.index, s.to_numpy())}")


def _small(ctx: ReportContext, ind_id: str, group: str, year: int) -> bool:
    r = selection.cell_rows(ctx.mine, ind_id, group, year)
    return bool(len(r)) and bool(
        methods.small_number_flag(r["denominator"].fillna(np.inf), SMALL_DENOMINATOR)[0]
    )


def comparison(ctx: ReportContext) -> Section:
    """The area next to its Land, Germany and its peers, with the peers' mean and rank."""
    title = ctx.t("report_comparison")
    areas = [(a, role) for a, role in ctx.compared if a in ctx.names]
    rows = [
        _comparison_row(ctx, ind, group, areas)
        for ind in ctx.indicators
        if ctx.available(ind)
        for group in ind.groups
    ]
    if not rows:
        return html.missing(title, ctx.none_available())
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, "comparison")
    missing = [a for a, _ in ctx.compared if a not in ctx.names]
    note = (
        html.paragraph(
            ctx.t(
                "report_not_compared",
                areas=", ".join(ctx.t("report_germany") if a == GERMANY else a for a in missing),
            )
        )
        if missing
        else ""
    )
    rank_note = html.paragraph(ctx.t("report_rank_note")) if ctx.t("report_peer_rank") in df else ""
    return Section(title, html.table(df, ctx.lang) + note + rank_note, df, [path])


def _comparison_row(ctx: ReportContext, ind, group: str, areas) -> dict:
    year = ctx.latest[ind.id]
    row = {
        ctx.t("report_indicator"): ctx.ind_name(ind),
        ctx.t("report_group"): ctx.label("group", group),
        ctx.t("report_as_of"): str(year),
    }
    for area, _ in areas:
        value, status = ctx.cell(ind.id, group, year, area=area)
        row[ctx.names[area]] = ctx.fmt(ind, value, status, with_unit=True)
    peers = [a for a, role in areas if role in ("area", "peer")]
    if len(peers) > 1:
        values = pd.Series(
            {
                a: v
                for a in peers
                for v, s in [ctx.cell(ind.id, group, year, area=a)]
                if s in VALUED_INDICATORS
            }
        )
        pos = methods.peer_position(values, ctx.area_id, DIRECTION_BETTER[ind.direction])
        row[ctx.t("report_peer_mean")] = ctx.fmt(
            ind, pos["mean"], "ok" if pd.notna(pos["mean"]) else "missing_input", with_unit=True
        )
        row[ctx.t("report_peer_rank")] = f"{pos['rank']} / {pos['of']}" if pos["rank"] else "."
    return row


def topic_goals(goals: dict, topic: str) -> dict[str, dict]:
    """The goals of a topic report as dictionaries (the overview shows every goal)."""
    return {
        k: asdict(g)
        for k, g in goals.items()
        if topic == OVERVIEW or g.indicator_id.startswith(topic + ".")
    }


def goals(ctx: ReportContext) -> Section:
    """Each goal of the working group with the current and previous value and its state."""
    title = ctx.t("report_goals")
    rows = goal_rows(ctx)
    if not rows:
        return Section(title, html.paragraph(ctx.t("report_no_goals")))
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, "goals")
    return Section(
        title, html.table(df, ctx.lang) + html.paragraph(ctx.t("report_goal_rule")), df, [path]
    )


def goal_rows(ctx: ReportContext) -> list[dict]:
    """The rows of the goals table of the report's topic: target, current and previous value
    and the goal's state, as shown."""
    targets = topic_goals(ctx.params.goals, ctx.topic)
    if not targets:
        return []
    status = comparisons.goal_status(ctx.table, ctx.gaps, targets, ctx.area_id, ctx.year)
    return [_goal_row(ctx, g) for g in status.itertuples()]


def _goal_row(ctx: ReportContext, g) -> dict:
    """A goal with the group it is set for and its unit (percentage points for a gap)."""
    ind = ctx.catalogue.get(g.indicator_id)
    if g.measure == "gap":
        group = ctx.t(
            "report_gap", a=ctx.label("group", g.group), b=ctx.label("group", ind.reference_group)
        )
    else:
        group = ctx.label("group", g.group)
    target = ctx.t(
        "report_goal_target",
        sign="≤" if g.direction == "below" else "≥",
        value=_goal_value(ctx, ind, g.measure, g.value, sign=False),
        by=g.by,
    )
    return {
        ctx.t("report_indicator"): ctx.ind_name(ind),
        ctx.t("report_group"): group,
        ctx.t("report_target_column"): target,
        str(ctx.year): _goal_value(ctx, ind, g.measure, g.current),
        str(ctx.year - 1): _goal_value(ctx, ind, g.measure, g.previous),
        ctx.t("report_status_column"): ctx.t(f"report_goal_{g.state}"),
    }


def _goal_value(ctx: ReportContext, ind, measure: str, value: float, sign: bool = True) -> str:
    status = "ok" if pd.notna(value) else "missing_input"
    if measure == "gap":
        return ctx.fmt_difference(ind, value, status, sign=sign)
    return ctx.fmt(ind, value, status, with_unit=True)


def by_sex(ctx: ReportContext, indicator_ids: list[str]) -> Section:
    """Values for women and men side by side, per group (reporting year)."""
    title = ctx.t("report_by_sex")
    female, male = ctx.label("sex", "female"), ctx.label("sex", "male")
    rows = []
    for ind in [i for i in ctx.indicators if i.id in indicator_ids]:
        for group in ind.groups:
            vf, sf = ctx.cell(ind.id, group, sex="female")
            vm, sm = ctx.cell(ind.id, group, sex="male")
            if "missing_input" in (sf, sm):
                continue
            both = sf in VALUED_INDICATORS and sm in VALUED_INDICATORS
            rows.append(
                {
                    ctx.t("report_indicator"): ctx.ind_name(ind),
                    ctx.t("report_group"): ctx.label("group", group),
                    female: ctx.fmt(ind, vf, sf, with_unit=True),
                    male: ctx.fmt(ind, vm, sm, with_unit=True),
                    f"{female} – {male}": ctx.fmt_difference(
                        ind, vf - vm if both else np.nan, "ok" if both else "suppressed"
                    ),
                }
            )
    if not rows:
        return html.missing(title, ctx.t("report_no_by_sex", name=ctx.name))
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, "by_sex")
    return Section(title, html.table(df, ctx.lang), df, [path])
