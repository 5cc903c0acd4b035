"""Texts around the numbers: header, commentary, data availability, methods and sources."""

from __future__ import annotations

import os

import pandas as pd

from .. import provenance
from ..catalogue_doc import formula
from ..formatting import disclosure_note, legend, unit_label
from ..texts import all_texts
from ..topics import report_title, topic_label
from . import html, selection
from .commentary import SECTION_ANCHORS
from .context import ReportContext
from .html import Section


def header(ctx: ReportContext) -> Section:
    """Title, the warning for synthetic data, sources, reference dates, disclosure control."""
    label = topic_label(ctx.topic, ctx.lang)
    body = html.STYLE
    if ctx.synthetic:
        body += html.banner(ctx.t("report_synthetic"))
    n_suppressed = len(selection.suppressed(ctx.mine, ctx.year))
    variables = sorted({v for ind in ctx.indicators for v in ind.variables})
    dates = "; ".join(
        f"{ctx.label('variable', v)}: {ctx.vocab.variables[v]['reference_date'][ctx.lang]}"
        for v in variables
    )
    body += html.paragraph(f"{label} · {ctx.area_id} · {ctx.year}")
    body += html.paragraph(ctx.t("report_sources") + ": " + "; ".join(ctx.sources))
    body += html.paragraph(ctx.t("report_reference_dates") + ": " + dates)
    body += html.paragraph(_disclosure(ctx, n_suppressed))
    return Section(report_title(ctx.name, ctx.year, ctx.topic, ctx.lang), body, level=1)


def _disclosure(ctx: ReportContext, n_suppressed: int) -> str:
    """Thresholds in force for the areas this report shows, the procedure, the count."""
    note = disclosure_note(
        ctx.lang,
        ctx.policy.range(ctx.shown),
        ctx.policy.of_area(ctx.area_id)[1],
        ctx.params.disclosure.reason,
    )
    return note + " " + ctx.t("report_disclosure", n=n_suppressed)


def commentary(ctx: ReportContext) -> Section:
    """The topic's interpretation from ``<topic>.md`` as sanitised HTML; where there is
    none, a discreet hint for the working group (this is the working view: the integrated
    report shows nothing)."""
    title = ctx.t("report_commentary")
    body = ctx.interpretations.html(level=3)
    if not body:
        rel = os.path.relpath(ctx.interpretations.path, ctx.params.parameter_file.parent)
        return Section(
            title, html.paragraph(ctx.t("report_no_commentary", path=rel), "intmon-hint")
        )
    return Section(title, body)


def interpretation(ctx: ReportContext, anchor: str, level: int = 2) -> str:
    """The commentary attached to a section or an indicator (``## [anchor]``), as a block
    to print right after it; empty when the working group wrote none."""
    body = ctx.interpretations.html(anchor, level=level + 1)
    if not body:
        return ""
    if anchor in SECTION_ANCHORS:
        label = ctx.t("report_interpretation")
    else:
        label = ctx.t("report_interpretation_of", name=ctx.ind_name(ctx.catalogue.get(anchor)))
    return html.commentary_block(label, body)


def explained(ctx: ReportContext, section: Section, *anchors: str) -> Section:
    """``section`` followed by the commentary attached to it (and to its indicators)."""
    extra = "".join(interpretation(ctx, a, section.level) for a in anchors)
    if not extra:
        return section
    return Section(section.title, section.body + extra, section.data, section.files, section.level)


def availability(ctx: ReportContext) -> Section:
    """Per indicator: available (in which year), or which groups are missing and why."""
    rows = [
        {
            ctx.t("report_indicator"): ctx.ind_name(ind),
            ctx.t("report_status_column"): _availability_state(ctx, ind),
        }
        for ind in ctx.indicators
    ]
    df = pd.DataFrame(rows)
    path = ctx.write_csv(df, "availability")
    body = html.table(df, ctx.lang) + _suppressed_html(ctx)
    return Section(ctx.t("report_availability"), body, df, [path])


def _availability_state(ctx: ReportContext, ind) -> str:
    year = ctx.latest.get(ind.id, ctx.year)
    rows = ctx.mine[
        (ctx.mine["indicator_id"] == ind.id)
        & (ctx.mine["year"] == year)
        & (ctx.mine["sex"] == "total")
    ]
    ok_groups, missing = selection.missing_groups(rows, ind.groups)
    available = (
        ctx.t("report_available")
        if year == ctx.year
        else ctx.t("report_available_as_of", year=year)
    )
    if not missing:
        return available
    why = _explicit_gap(ctx, ind, missing) or _reason(ctx, *selection.first_reason(rows, missing))
    if ok_groups:
        groups = ", ".join(ctx.label("group", g) for g in missing)
        return available + "; " + ctx.t("report_groups_missing", groups=groups, why=why)
    return ctx.t("report_not_available_because", name=ctx.name, why=why)


def _explicit_gap(ctx: ReportContext, ind, missing: list[str]) -> str | None:
    """The working group's own explanation (``data_gaps``) for the indicator, the survey,
    one of its variables or one of the missing groups, in that order."""
    gaps = ctx.params.data_gaps
    keys = [ind.id, *(["survey"] if ind.survey else []), *sorted(ind.variables), *missing]
    return next((gaps[k] for k in keys if k in gaps), None)


def _reason(ctx: ReportContext, code: str, detail: str = "") -> str:
    """The text of a reason code of the indicator table (unknown codes: no data)."""
    key = f"report_reason_{code or 'none'}"
    if key not in all_texts():
        key = "report_reason_none"
    return ctx.t(key, detail=ctx.inputs(detail))


def _suppressed_html(ctx: ReportContext) -> str:
    """Which values of the reporting year are suppressed, and why."""
    sup = selection.suppressed(ctx.mine, ctx.year)
    title = html.heading(ctx.t("report_suppressed_values", year=ctx.year), 3)
    if sup.empty:
        return title + html.paragraph(ctx.t("report_no_suppressed"))
    names = {i.id: ctx.ind_name(i) for i in ctx.indicators}
    df = pd.DataFrame(
        {
            ctx.t("report_indicator"): sup["indicator_id"].map(names),
            ctx.t("report_group"): sup["group"].map(lambda g: ctx.label("group", g)),
            ctx.t("report_sex_column"): sup["sex"].map(lambda s: ctx.label("sex", s)),
            ctx.t("report_reason_column"): sup["reason"].map(lambda r: _reason(ctx, r)),
        }
    )
    return title + html.table(df, ctx.lang)


def methods(ctx: ReportContext, with_provenance: bool = False) -> Section:
    """Definition, inputs, unit, source, rationale, caveats and references per indicator,
    then disclosure control and the legend of the symbols; ``with_provenance``: and how the
    report was made (:mod:`intmon_utils.provenance`; the integrated report has it once, in
    its imprint)."""
    parts = [html.definition_list(_method_items(ctx, ind)) for ind in ctx.indicators]
    parts.append(html.paragraph(_disclosure(ctx, len(selection.suppressed(ctx.mine)))))
    parts.append(html.paragraph(legend(ctx.lang)))
    if with_provenance:
        parts.append(html.heading(ctx.t("provenance_title"), 3))
        record = provenance.record(ctx.params, ctx.store, ctx.project_dir)
        parts.append(html.definition_list(provenance.lines(record, ctx.lang)))
    return Section(ctx.t("report_methods"), "\n".join(parts))


def _method_items(ctx: ReportContext, ind) -> list[tuple[str, str]]:
    if ind.survey or ind.spatial:
        inputs = [(ctx.t("report_method"), _method_text(ctx, ind))]
    else:
        inputs = [
            (ctx.t("report_numerator"), _selectors_text(ctx, ind.numerator)),
            (ctx.t("report_denominator"), _selectors_text(ctx, ind.denominator)),
        ]
    refs = "; ".join(f"{r.ref}: {getattr(r.note, ctx.lang)}" for r in ind.references)
    return [
        (ctx.t("report_indicator"), ctx.ind_name(ind)),
        (ctx.t("report_definition"), ind.text("description", ctx.lang)),
        *inputs,
        (ctx.t("report_unit"), unit_label(ind.unit, ctx.lang)),
        (ctx.t("report_source"), ind.text("source", ctx.lang)),
        (ctx.t("report_rationale"), ind.text("rationale", ctx.lang)),
        (ctx.t("report_caveats"), ind.text("caveats", ctx.lang)),
        (ctx.t("report_references"), refs),
    ]


def _method_text(ctx: ReportContext, ind) -> str:
    """How a survey share or a segregation measure is computed."""
    if ind.spatial:
        return formula(ind, ctx.lang)
    return ctx.t("report_method_survey", item=ind.survey.item, positive=list(ind.survey.positive))


def _selectors_text(ctx: ReportContext, selectors) -> str:
    """One side of the fraction: variables with age band, fixed group and year offset."""
    return " + ".join(
        ctx.label("variable", s.variable)
        + (f" ({ctx.label('age', s.age)})" if s.age != "total" else "")
        + (f" [{ctx.label('group', s.group)}]" if s.group else "")
        + (" " + ctx.t("report_previous_year") if s.year_offset == -1 else "")
        for s in selectors
    )
