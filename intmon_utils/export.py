"""Outputs besides the notebooks: HTML without code, the Excel workbook, the index page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from . import pages
from .catalogue import load_catalogue
from .fileio import atomic_path, write_text
from .formatting import format_value, legend
from .statuses import VALUED_INDICATORS
from .texts import text
from .topics import NOTEBOOK_TOPICS, REPORT_TOPICS, topic_label
from .vocabulary import load_vocabulary

_EXPORTER = None


SHARED_CSS = "report.css"
_HEAD_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", flags=re.S)


def notebook_to_html(nb, css_href: str, title: str, lang: str) -> tuple[str, str]:
    """HTML of an executed notebook with every code cell's input hidden (in-process), with
    ``<title>`` and ``lang`` set and nothing loaded from the network
    (``templates/nbconvert/intmon``: no require.js, MathJax or mermaid from a CDN).

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


def area_workbook(
    table: pd.DataFrame,
    area_id: str,
    area_name: str,
    path: Path,
    synthetic: bool,
    lang: str = "de",
    disclosure: str = "",
) -> Path:
    """All published indicator values of one area as an Excel workbook labelled in ``lang``;
    ``disclosure`` is the paragraph on the thresholds (``formatting.disclosure_note``)."""
    vocab, catalogue = load_vocabulary(), load_catalogue()
    names = {i.id: i.text("name", lang) for i in catalogue}
    topics = {i.id: topic_label(i.topic, lang) for i in catalogue}
    units = {i.id: i.unit for i in catalogue}
    t = table[table["area_id"] == area_id].sort_values(["indicator_id", "year", "group", "sex"])
    columns = {
        "topic": t["indicator_id"].map(topics),
        "indicator": t["indicator_id"].map(names),
        "id": t["indicator_id"],
        "year": t["year"],
        "group": t["group"].map(lambda g: vocab.label("group", g, lang)),
        "sex": t["sex"].map(lambda s: vocab.label("sex", s, lang)),
        "value": [
            format_value(v, s, units[i], lang)
            for v, s, i in zip(t["value"], t["status"], t["indicator_id"])
        ],
        "number": t["value"].where(t["status"].isin(VALUED_INDICATORS)),
        "numerator": t["numerator"],
        "denominator": t["denominator"],
        "status": t["status"],
    }
    df = pd.DataFrame({text(f"page_workbook_{key}", lang): col for key, col in columns.items()})
    notes = [legend(lang), *filter(None, [disclosure]), text("page_workbook_source", lang)]
    if synthetic:
        notes.insert(0, text("page_workbook_synthetic", lang))
    sheet = text("page_workbook_sheet", lang)
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            df.to_excel(xl, sheet_name=sheet, index=False, startrow=len(notes) + 2)
            ws = xl.sheets[sheet]
            ws.cell(
                row=1,
                column=1,
                value=text("page_workbook_title", lang, name=area_name, area_id=area_id),
            )
            for i, note in enumerate(notes, start=2):
                ws.cell(row=i, column=1, value=note)
    return path


def write_manifest(path: Path, entries: list[dict]) -> None:
    write_text(path, json.dumps({"jobs": entries}, ensure_ascii=False, indent=2))


def index_page(
    year: int,
    entries: list[dict],
    names: dict,
    matrix: pd.DataFrame,
    synthetic: bool,
    lang: str = "de",
) -> str:
    """``outputs/<year>/index.html``: every report linked, failures marked, availability."""
    topics = [{"id": t, "label": topic_label(t, lang)} for t in NOTEBOOK_TOPICS]
    by_area: dict[str, dict] = {}
    for e in entries:
        by_area.setdefault(e["area_id"], {})[e["topic"]] = e
    rows = [
        {
            "area_id": area,
            "name": names.get(area, area),
            "workbook": f"{area}/{area}_indicators.xlsx",
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
