"""The one-page summary of the integrated report: the key figures of every topic, each with
its latest value, the compared group, the gap and the state of its goals (as text and
colour, never colour alone)."""

from __future__ import annotations

from html import escape

from ..comparisons import goal_status
from ..report import selection
from ..report.context import ReportContext
from ..report.summary import topic_goals
from ..topics import topic_label


def summary_table(ctx: ReportContext) -> str:
    """The key figures of the context's topic as a table; empty when there is none."""
    states = _goal_states(ctx)
    rows = [
        _row(ctx, ind, states.get(ind.id, []))
        for ind in ctx.indicators
        if ind.key_figure and ctx.available(ind)
    ]
    if not rows:
        return ""
    head = "".join(
        f'<th scope="col">{escape(ctx.t(k))}</th>'
        for k in (
            "report_indicator",
            "report_as_of",
            "publication_total",
            "publication_compared",
            "publication_gap",
            "publication_goal",
        )
    )
    caption = escape(topic_label(ctx.topic, ctx.lang))
    return (
        f'<table class="intmon-table summary"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _row(ctx: ReportContext, ind, goals: list[tuple[str, str]]) -> str:
    year = ctx.latest[ind.id]
    first = "total" if "total" in ind.groups else ind.groups[0]
    compared = next((g for g in ind.groups if g not in (first, ind.reference_group)), None)
    cells = [
        escape(ctx.ind_name(ind)),
        str(year),
        escape(_value(ctx, ind, first, year, label=first != "total")),
        escape(_value(ctx, ind, compared, year, label=True)) if compared else "",
        escape(_gap(ctx, ind, compared, year)) if compared else "",
        "<br>".join(
            f'<span class="goal goal-{state}">{escape(label)}</span>' for label, state in goals
        ),
    ]
    return (
        f'<tr><th scope="row">{cells[0]}</th>'
        + "".join(f"<td>{c}</td>" for c in cells[1:])
        + "</tr>"
    )


def _value(ctx: ReportContext, ind, group: str, year: int, label: bool) -> str:
    value, status = ctx.cell(ind.id, group, year)
    shown = ctx.fmt(ind, value, status, with_unit=True)
    return f"{ctx.label('group', group)}: {shown}" if label else shown


def _gap(ctx: ReportContext, ind, group: str, year: int) -> str:
    """The gap of ``group`` to the reference group (``""`` when the indicator has none)."""
    if not ind.reference_group:
        return ""
    gaps = selection.shown_gaps(ctx.gaps, ind.id, year)
    row = gaps[gaps["group"] == group]
    if row.empty:
        return ""
    shown = ctx.fmt_difference(ind, row["gap"].iloc[0], row["status"].iloc[0])
    return ctx.t("publication_gap_to", value=shown, group=ctx.label("group", ind.reference_group))


def _goal_states(ctx: ReportContext) -> dict[str, list[tuple[str, str]]]:
    """Per indicator: (text, state) of each goal of the working group on it."""
    targets = topic_goals(ctx.params.goals, ctx.topic)
    if not targets:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for g in goal_status(ctx.table, ctx.gaps, targets, ctx.area_id, ctx.year).itertuples():
        label = ctx.t(
            "publication_goal_state",
            target=ctx.t(f"publication_goal_{g.measure}"),
            state=ctx.t(f"report_goal_{g.state}"),
        )
        out.setdefault(g.indicator_id, []).append((label, g.state))
    return out
