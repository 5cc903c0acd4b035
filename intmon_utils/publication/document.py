"""The integrated report of one municipality and year, as one HTML document.

Title page, contents, a one-page summary, one chapter per topic in which every figure and
table is followed by the working group's interpretation of it, qualitative findings, data
availability, methods and sources, the symbols and the imprint. Every section comes from the
same functions as the topic reports (``intmon_utils.report``), so the numbers are the same;
the page is printable on A4 (``templates/report.css``) and loads nothing from the network.
Commentary that does not exist shows nothing here (the topic reports, the working view,
show a hint instead).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from .. import pages, provenance, release
from ..config.parameters import IMAGE_TYPES, Parameters
from ..errors import ParameterError
from ..formatting import legend
from ..report import Report, html, notes
from ..report.commentary import FINDINGS, SUMMARY, read_commentary, shift_headings
from ..report.html import Section
from ..texts import text
from ..topics import topic_label
from .summary import summary_table

CSS = Path(__file__).resolve().parent.parent / "templates" / "report.css"
SECTION_LEVEL = 3  # chapters are <h2>, their sections <h3>


@dataclass
class Part:
    """One section of a chapter: its anchor, heading and HTML body."""

    id: str
    title: str
    body: str


@dataclass
class Chapter:
    id: str
    title: str
    intro: str = ""
    parts: list[Part] = field(default_factory=list)


def publication_title(params: Parameters) -> str:
    """The title of the integrated report (parameter ``publication.title`` or the default)."""
    return params.publication.title or text(
        "publication_title", params.language, name=params.name, year=params.year
    )


def open_reports(
    params: Parameters, data_dir: Path, output_dir: Path, project_dir: Path
) -> list[Report]:
    """One report context per topic of the area (the chapters of its integrated report)."""
    return [Report(params, t, data_dir, output_dir, project_dir) for t in params.topics]


def render(reports: list[Report]) -> str:
    """The integrated report of the reports' area as a complete HTML page."""
    first = reports[0]
    params = first.params
    chapters = [
        _summary(first, reports),
        *(_topic_chapter(r) for r in reports),
        *_findings(first),
        _availability(reports),
        _methods(reports),
        _symbols(first),
        _imprint(first),
    ]
    title = publication_title(params)
    state = release.state(params, first.store)
    return pages.render(
        "report.html",
        lang=params.language,
        title=title,
        subtitle=params.publication.subtitle,
        area=f"{first.name} ({first.area_id})",
        year=params.year,
        facts=_title_facts(first),
        logo=_logo(params),
        draft=state.draft,
        synthetic=first.synthetic,
        chapters=chapters,
        css=CSS.read_text(encoding="utf-8"),
        page_css=_page_css(first, title, state.draft),
    )


def _part(ctx: Report, name: str, section: Section) -> Part:
    return Part(
        f"{ctx.topic}-{name}", section.title, shift_headings(section.body, SECTION_LEVEL + 1)
    )


def _summary(first: Report, reports: list[Report]) -> Chapter:
    intro = read_commentary(first.params.commentary_dir, SUMMARY).html(level=SECTION_LEVEL)
    tables = "".join(summary_table(r) for r in reports)
    body = (
        html.paragraph(first.t("publication_summary_note"))
        + (tables or html.paragraph(first.none_available()))
        + html.paragraph(first.t("publication_goal_legend"), "intmon-legend")
    )
    return Chapter("summary", first.t("publication_summary"), intro + body)


def _topic_chapter(r: Report) -> Chapter:
    """Key figures with the topic's interpretation, time series with the commentary on each
    indicator, gaps, sub-areas, comparison and goals, each followed by its commentary."""
    chapter = Chapter(r.topic, topic_label(r.topic, r.lang))
    if not any(r.available(i) for i in r.indicators):
        chapter.intro = html.gap_note(r.none_available())
        return chapter
    key = r.key_figures()
    general = r.interpretations.html(level=SECTION_LEVEL + 1)
    if general:
        key.body += html.commentary_block(r.t("report_interpretation"), general)
    sections = [("key_figures", key), ("time_series", r.time_series())]
    sections += [("gaps", r.gap_overview()), ("subdistricts", r.subdistricts())]
    sections.append(("comparison", r.comparison()))
    if any(g.indicator_id.startswith(r.topic + ".") for g in r.params.goals.values()):
        sections.append(("goals", r.goals()))
    chapter.parts = [_part(r, name, s) for name, s in sections]
    return chapter


def _findings(first: Report) -> list[Chapter]:
    """The chapter of qualitative findings, only when the working group wrote one."""
    body = read_commentary(first.params.commentary_dir, FINDINGS).html(level=SECTION_LEVEL)
    return [Chapter("findings", first.t("publication_findings"), body)] if body else []


def _availability(reports: list[Report]) -> Chapter:
    intro = html.paragraph(reports[0].t("publication_availability_note"))
    parts = [
        Part(f"{r.topic}-availability", topic_label(r.topic, r.lang), r.availability().body)
        for r in reports
    ]
    return Chapter("availability", reports[0].t("report_availability"), intro, parts)


def _methods(reports: list[Report]) -> Chapter:
    first = reports[0]
    sources = sorted({s for r in reports for s in r.sources})
    intro = html.paragraph(first.t("report_sources") + ": " + "; ".join(sources))
    parts = [
        Part(f"{r.topic}-methods", topic_label(r.topic, r.lang), notes.methods(r).body)
        for r in reports
    ]
    return Chapter("methods", first.t("report_methods"), intro, parts)


def _symbols(first: Report) -> Chapter:
    return Chapter("symbols", first.t("publication_symbols"), html.paragraph(legend(first.lang)))


def _imprint(first: Report) -> Chapter:
    p = first.params.publication
    items = [
        (first.t("publication_publisher"), p.publisher),
        (first.t("publication_contact"), p.contact),
        (first.t("publication_date"), p.date),
        (first.t("publication_version"), p.version),
        (first.t("publication_licence"), p.licence),
        (first.t("publication_data_status"), _data_status(first)),
        (first.t("release_state"), release.state(first.params, first.store).describe(first.lang)),
    ]
    body = html.definition_list([(k, v) for k, v in items if v])
    record = provenance.record(first.params, first.store, first.project_dir)
    body += html.heading(first.t("provenance_title"), SECTION_LEVEL)
    body += html.definition_list(provenance.lines(record, first.lang))
    if first.synthetic:
        body += html.banner(first.t("report_synthetic"))
    return Chapter("imprint", first.t("publication_imprint"), body)


def _data_status(ctx: Report) -> str:
    """When the data were last imported and the fingerprint of the data state."""
    as_of = ctx.store.data_as_of()
    state = ctx.store.fingerprint()
    return ctx.t("publication_data_state", date=as_of or "–", state=state)


def _title_facts(first: Report) -> list[tuple[str, str]]:
    p = first.params.publication
    facts = [
        (first.t("publication_area"), f"{first.name} ({first.area_id})"),
        (first.t("publication_year"), str(first.year)),
        (first.t("publication_publisher"), p.publisher),
        (first.t("publication_contact"), p.contact),
        (first.t("publication_date"), p.date),
        (first.t("publication_version"), p.version),
        (first.t("publication_data_status"), _data_status(first)),
        (first.t("release_state"), release.state(first.params, first.store).describe(first.lang)),
    ]
    return [(k, v) for k, v in facts if v]


def _logo(params: Parameters) -> str | None:
    """The logo as a data URI (the page stays one self-contained file)."""
    path = params.logo_path
    if path is None:
        return None
    if not path.is_file():
        raise ParameterError(
            params.parameter_file,
            "publication.logo",
            f"file {path} not found",
            "put the image below the parameter folder or remove the key",
        )
    mime = IMAGE_TYPES[path.suffix.lower()]
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def css_string(value: str) -> str:
    """``value`` as a CSS string literal that cannot end the string or the style element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;-_()/" else f"\\{ord(c):x} " for c in value)
    return f'"{escaped}"'


def _page_css(first: Report, title: str, draft: bool) -> str:
    """The running header of every printed page: the report's title and, for a draft,
    the word 'Entwurf'; the page number at the foot."""
    draft = first.t("publication_draft") if draft else ""
    page = first.t("publication_page")
    return (
        f"@page {{ @top-left {{ content: {css_string(title)}; }}"
        f" @top-right {{ content: {css_string(draft)}; }}"
        f" @bottom-right {{ content: {css_string(page + ' ')} counter(page) "
        f'" / " counter(pages); }} }}'
    )
