"""The rules of ``intmon check`` for one municipality: commentary (files, anchors, Markdown,
indicators without text), indicator choices and goals, data, release state."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from .. import release
from ..catalogue import load_catalogue
from ..config.parameters import (
    Parameters,
)
from ..errors import IntmonError, ParameterError
from ..reading import SMALL_FILE_LIMIT, read_text
from ..report.commentary import FINDINGS, SUMMARY, commentary_path, read_commentary
from ..report.context import topic_indicators
from ..report.safe_markdown import COMMENT, URL_SCHEMES
from ..statuses import VALUED_INDICATORS
from ..store import ObservationStore
from .findings import Finding, error, from_error, key_line, shown_path, warning

RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?>")


def markdown_findings(area: str, path: Path, project: Path) -> list[Finding]:
    """What in a commentary file would not print as written: raw HTML (shown as text), links
    that are not web or mail links (shown as plain text), a comment that is never closed."""
    source = read_text(path, "commentary file", ParameterError, max_bytes=SMALL_FILE_LIMIT)
    out, shown = [], shown_path(path, project)
    start = COMMENT.sub(lambda m: " " * len(m.group(0)), source).find("<!--")  # unclosed
    if start >= 0:
        line = source.count("\n", 0, start) + 1
        out.append(
            error(
                area,
                shown,
                line,
                "an HTML comment is opened but never closed",
                "close it with -->; else everything after it prints as text",
            )
        )
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(text)
    for block in tokens:
        if block.type == "fence" or block.type == "code_block" or not block.map:
            continue
        line = block.map[0] + 1
        for child in block.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if href is not None and not str(href).lower().startswith(
                tuple(f"{s}:" for s in URL_SCHEMES)
            ):
                out.append(
                    warning(
                        area,
                        shown,
                        line,
                        f"the link '{href}' prints as plain text",
                        "link only to http(s) addresses or mailto:",
                    )
                )
        if block.type == "inline" and RAW_HTML.search(block.content):
            out.append(
                warning(
                    area,
                    shown,
                    line,
                    f"raw HTML {RAW_HTML.search(block.content).group(0)!r} prints as "
                    f"text, not as markup",
                    "write it in Markdown",
                )
            )
    return out


def commentary_findings(params: Parameters, valued: set[str], project: Path) -> list[Finding]:
    """Per enabled topic: the file, its anchors and Markdown, its interpretation, and the
    indicators with a value in the reporting year that have no text; findings and summary."""
    area, folder, out = params.area_id, params.commentary_dir, []
    new = f"intmon new-commentary --area {area} --year {params.year}"
    excluded = params.indicators.exclude
    for topic in [*params.topics, FINDINGS, SUMMARY]:
        path = commentary_path(folder, topic)
        shown = shown_path(path, project)
        if not path.is_file():
            out.append(
                warning(
                    area,
                    shown,
                    None,
                    "no commentary file yet",
                    f"write it, or start from a template: {new}",
                )
            )
            continue
        try:
            text = read_commentary(folder, topic, topic if topic in params.topics else None)
        except IntmonError as exc:
            out.append(from_error(area, exc, project))
            continue
        out += markdown_findings(area, path, project)
        if not text.general:
            what = "interpretation of the topic" if topic in params.topics else "text"
            out.append(
                warning(
                    area,
                    shown,
                    None,
                    f"no {what} yet (only comments)",
                    "write it above the first '## [...]' heading",
                )
            )
        if topic in params.topics:
            ids = [i.id for i in topic_indicators(load_catalogue(), topic, excluded)]
            lacking = [i for i in ids if i in valued and i not in text.blocks]
            if lacking:
                out.append(
                    warning(
                        area,
                        shown,
                        None,
                        f"{len(lacking)} indicators with a value in {params.year} "
                        f"have no text: {', '.join(lacking)}",
                        "add '## [<indicator id>]' with a text, or leave them "
                        "uncommented on purpose",
                    )
                )
    return out


def choice_findings(params: Parameters, valued: set[str] | None, project: Path) -> list[Finding]:
    """Excluded indicators need a reason; goals need data and a year still ahead."""
    area, path, out = params.area_id, params.parameter_file, []
    shown = shown_path(path, project)
    for ind in params.indicators.exclude:
        if ind not in params.indicators.reasons:
            out.append(
                warning(
                    area,
                    shown,
                    key_line(path, "indicators.exclude"),
                    f"{ind} is left out without a reason",
                    f"say why in indicators.reasons: {{{ind}: '...'}}",
                )
            )
    for ind in set(params.indicators.reasons) - set(params.indicators.exclude):
        out.append(
            warning(
                area,
                shown,
                key_line(path, f"indicators.reasons.{ind}"),
                f"a reason is given for {ind}, which is not left out",
                "add it to indicators.exclude, or remove the reason",
            )
        )
    for key, goal in params.goals.items():
        line = key_line(path, f"targets.{key}")
        if goal.indicator_id in params.indicators.exclude:
            out.append(
                warning(
                    area,
                    shown,
                    line,
                    f"the goal {key} is set for an indicator that is left out",
                    "remove the goal or the exclusion",
                )
            )
        if goal.by < params.year:
            out.append(
                warning(
                    area,
                    shown,
                    line,
                    f"the goal {key} was due in {goal.by}",
                    "set a new target year, or record the goal as closed",
                )
            )
        if valued is not None and goal.indicator_id not in valued:
            out.append(
                warning(
                    area,
                    shown,
                    line,
                    f"the goal {key} has no value in {params.year}",
                    "import its data, or explain the gap",
                )
            )
    return out


def data_findings(params: Parameters, table: pd.DataFrame, project: Path) -> list[Finding]:
    """Topics without any value in the reporting year, and peers without data."""
    area, out = params.area_id, []
    shown = shown_path(params.parameter_file, project)
    catalogue = load_catalogue()
    in_year = table[(table["year"] == params.year) & table["status"].isin(VALUED_INDICATORS)]
    have = set(in_year.loc[in_year["area_id"] == area, "indicator_id"])
    gaps = params.data_gaps
    for topic in params.topics:
        inds = topic_indicators(catalogue, topic, params.indicators.exclude)
        explained = all(
            any(k in gaps for k in [i.id, *(["survey"] if i.survey else []), *i.variables])
            for i in inds
        )
        if not {i.id for i in inds} & have and not explained:
            out.append(
                warning(
                    area,
                    shown,
                    key_line(params.parameter_file, "topics"),
                    f"topic {topic} has no value for {area} in {params.year}",
                    "import its data (intmon data status shows what exists), or "
                    "say why in data_gaps",
                )
            )
    silent = sorted(set(params.peers) - set(in_year["area_id"]))
    if silent:
        out.append(
            warning(
                area,
                shown,
                key_line(params.parameter_file, "peers"),
                f"peers without any value in {params.year}: {', '.join(silent)}",
                "import their data, or choose other peers",
            )
        )
    return out


def release_findings(params: Parameters, store: ObservationStore, project: Path) -> list[Finding]:
    state = release.state(params, store)
    if state.status != release.CHANGED:
        return []
    return [
        warning(
            params.area_id,
            shown_path(release.record_path(params), project),
            None,
            f"released by {state.by} on {state.at}, changed since: {', '.join(state.changed)}",
            f"release it again (intmon release --area {params.area_id} --year "
            f"{params.year}), or undo the change",
        )
    ]
