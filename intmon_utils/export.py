"""Outputs besides the notebooks: HTML without code, the manifest, the index page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from . import pages
from .fileio import write_text
from .publication import PUBLICATION, output_names
from .texts import text
from .topics import NOTEBOOK_TOPICS, REPORT_TOPICS, topic_label

_EXPORTER = None


SHARED_CSS = "report.css"
_HEAD_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", flags=re.S)


def notebook_to_html(nb, css_href: str, title: str, lang: str) -> tuple[str, str]:
    """HTML of an executed notebook with every code cell's input hidden (in-process), with
    ``<title>`` and ``lang`` set and nothing loaded from the network
    (``templates/nbconvert/intmon`` empties every block of the lab template that loads a
    script from outside).

    The template's stylesheets (about 260 KB, the same for every report) are moved out of the
    page into one shared file that each report links as ``css_href``; returns ``(html, css)``.
    Figures stay embedded, so a single report file can still be sent on its own (it then
    loses only the page styling).
    """
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            template_name="intmon",
            extra_template_basedirs=[str(Path(__file__).parent / "templates" / "nbconvert")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    _EXPORTER.language_code = lang
    nb = nb.copy()
    nb.metadata = {**nb.metadata, "title": title}
    body, _ = _EXPORTER.from_notebook_node(nb)
    head_end = body.index("</head>")
    head = body[:head_end]
    css = "\n".join(
        re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
        for block in _HEAD_STYLE.findall(head)
    )
    link = f'<link rel="stylesheet" href="{html.escape(css_href)}">\n'
    page = _HEAD_STYLE.sub("", head).replace("</title>", "</title>\n" + link, 1) + body[head_end:]
    return page, css


def write_manifest(path: Path, entries: list[dict]) -> None:
    write_text(path, json.dumps({"jobs": entries}, ensure_ascii=False, indent=2))


def index_page(
    year: int,
    entries: list[dict],
    names: dict,
    matrix: pd.DataFrame,
    synthetic: bool,
    lang: str = "de",
    with_pdf: frozenset[str] = frozenset(),
) -> str:
    """``outputs/<year>/index.html``: every report linked, failures marked, availability;
    ``with_pdf`` are the areas whose integrated report has a PDF."""
    topics = [{"id": t, "label": topic_label(t, lang)} for t in NOTEBOOK_TOPICS]
    by_area: dict[str, dict] = {}
    for e in entries:
        by_area.setdefault(e["area_id"], {})[e["topic"]] = e
    rows = [
        {
            "area_id": area,
            "name": names.get(area, area),
            "publication": _publication_cell(area, by_area[area].get(PUBLICATION), with_pdf),
            "cells": [_index_cell(area, t, by_area[area].get(t["id"])) for t in topics],
        }
        for area in sorted(by_area)
    ]
    failed = sum(1 for e in entries if e["status"] == "failed")
    return pages.render(
        "index.html",
        lang=lang,
        year=year,
        synthetic=synthetic,
        topics=topics,
        rows=rows,
        total=len(entries),
        failed=failed,
        matrix=_availability_matrix(matrix, names, lang),
    )


def _publication_cell(area: str, entry: dict | None, with_pdf: frozenset[str]) -> dict:
    """The integrated report (HTML, PDF) and the Tabellenband of an area, or its failure."""
    if entry is None:
        return {"state": "empty"}
    if entry["status"] not in ("ok", "skipped"):
        return {"state": "failed", "error": entry.get("error") or ""}
    names = output_names(area)
    return {
        "state": "ok",
        "report": f"{area}/{names['report']}",
        "pdf": f"{area}/{names['pdf']}" if area in with_pdf else None,
        "workbook": f"{area}/{names['workbook']}",
        "values_csv": f"{area}/{names['values_csv']}",
    }


def _index_cell(area: str, topic: dict, entry: dict | None) -> dict:
    """One cell of the index table: a link, a failure mark or empty."""
    if entry is None:
        return {"state": "empty"}
    if entry["status"] in ("ok", "skipped"):
        return {"state": "ok", "label": topic["label"], "href": f"{area}/{topic['id']}.html"}
    return {"state": "failed", "label": topic["label"], "error": entry.get("error") or ""}


def _availability_matrix(matrix: pd.DataFrame, names: dict, lang: str) -> dict:
    """``availability.summary`` (indexed by area_id) as header and rows for the index page."""
    m = matrix.reset_index()
    if "area_id" not in m.columns:
        return {"columns": [], "rows": []}
    m.insert(0, "name", m["area_id"].map(lambda a: names.get(a, a)))
    labels = {
        "name": text("page_area", lang),
        "area_id": text("page_area_id", lang),
        "demography": text("page_availability_demography", lang),
        **{t: topic_label(t, lang) for t in REPORT_TOPICS},
    }
    return {
        "columns": [labels.get(c, c) for c in m.columns],
        "rows": m.astype(object).values.tolist(),
    }
