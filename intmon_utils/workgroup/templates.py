"""Commentary templates (``intmon new-commentary --area ID --year Y``).

One Markdown file per topic of the area, in its commentary folder, prefilled with what the
interpretation needs at hand: the key figures as the report shows them (after disclosure
control), the changes since last year and over five years, the gaps between groups, the
goals' states, and the questions the interpretation should answer. Figures and questions sit
in HTML comments: an untouched template prints nothing in a report, so no placeholder can be
published, and ``intmon check`` still lists the topic as lacking its interpretation. A file
that exists is never touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..config.parameters import Parameters
from ..fileio import write_new_text
from ..report.commentary import FINDINGS, SUMMARY, commentary_path
from ..report.context import ReportContext
from ..report.summary import goal_rows, key_figure_rows
from ..texts import text
from ..topics import topic_label


@dataclass(frozen=True)
class Written:
    """What ``new-commentary`` did with one topic's file."""

    path: Path
    created: bool  # False: the file existed and was left as it is


def comment(lines: list[str]) -> str:
    """An HTML comment holding ``lines`` (a ``--`` inside is broken up, so no text can end
    the comment early)."""
    body = "\n".join(line.replace("--", "- -") for line in lines)
    return f"<!--\n{body}\n-->"


def _row_text(row: dict, skip: str) -> str:
    """One row of a report table as ``column: value; …`` (empty cells left out)."""
    return "- " + "; ".join(f"{k}: {v}" for k, v in row.items() if k != skip and str(v))


def template(ctx: ReportContext, state: str, today: dt.date) -> str:
    """The template of the context's topic."""
    lang, indicator = ctx.lang, ctx.t("report_indicator")
    intro = text(
        "template_intro",
        lang,
        name=ctx.name,
        area_id=ctx.area_id,
        year=ctx.year,
        topic=topic_label(ctx.topic, lang),
        date=today.isoformat(),
        state=state,
    )
    head = [intro, "", text("template_questions", lang)]
    goals = goal_rows(ctx)
    if goals:
        head += ["", text("template_goals", lang), *(_row_text(g, "") for g in goals)]
    figures, _ = key_figure_rows(ctx)
    if not figures:
        head += ["", text("template_no_data", lang, year=ctx.year)]
    parts = [comment(head)]
    for ind in ctx.indicators:
        if ind.id not in figures:
            continue
        lines = [ctx.ind_name(ind), *(_row_text(r, indicator) for r in figures[ind.id])]
        lines += ["", text("template_indicator_questions", lang)]
        parts.append(f"## [{ind.id}]\n\n{comment(lines)}")
    return "\n\n".join(parts) + "\n"


def chapter_template(params: Parameters, name: str) -> str:
    """The template of the findings chapter or the summary's introduction (questions only)."""
    key = "template_findings" if name == FINDINGS else "template_summary"
    values = {"name": params.name, "area_id": params.area_id, "year": params.year}
    return comment([text(key, params.language, **values)]) + "\n"


def write_templates(
    params: Parameters, topics: list[str], data_dir: Path, project_dir: Path
) -> list[Written]:
    """A template for every topic, the findings and the summary whose commentary file does
    not exist yet."""
    out = []
    for name in [*topics, FINDINGS, SUMMARY]:
        path = commentary_path(params.commentary_dir, name)
        if path.exists():
            out.append(Written(path, created=False))
            continue
        if name in (FINDINGS, SUMMARY):
            content = chapter_template(params, name)
        else:
            ctx = ReportContext(params, name, data_dir, project_dir / "outputs", project_dir)
            content = template(ctx, ctx.store.fingerprint(), dt.date.today())
        out.append(Written(path, write_new_text(path, content)))
    return out
