"""The portal's pages that are not about one area or one indicator: the start page, every
report with its state, the Indikatorenkatalog, methods, downloads, the accessibility
statement (BITV 2.0) and the explanation in Leichte Sprache."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalogue_doc import entries as catalogue_entries
from ..catalogue_doc import field_labels
from ..formatting import disclosure_note, format_number, legend
from ..manifest import FAILED, PRESENT, STALE
from ..publication import PUBLICATION, output_names
from ..statuses import VALUED_INDICATORS
from ..topics import NOTEBOOK_TOPICS, REPORT_TOPICS, TOPICS, topic_label
from . import downloads
from .site import Site
from .values import FOREIGN_SHARE

AVAILABILITY = "downloads/availability"  # the data availability per area and topic


def start_page(site: Site, areas: list[dict], indicators: list[dict], entries, year_dir: Path):
    """The start page: what this is, the search over every area, the indicators by topic."""
    topics = [
        {
            "label": topic_label(topic, site.lang),
            "indicators": [i for i in indicators if i["topic"] == topic],
        }
        for topic in TOPICS
    ]
    site.write_page(
        "start",
        year_dir,
        areas=areas,
        topics=topics,
        counts=_counts(entries),
    )


def _counts(entries: list[dict]) -> dict:
    return {
        "total": sum(e["status"] in PRESENT for e in entries),
        "failed": sum(e["status"] == FAILED for e in entries),
        "stale": sum(e["status"] == STALE for e in entries),
    }


def reports_page(
    site: Site,
    entries: list[dict],
    names: dict,
    matrix: pd.DataFrame | None,
    year_dir: Path,
) -> None:
    """Every report linked, failures and stale reports marked; the data availability
    (``matrix``: None without published tables)."""
    topics = [{"id": t, "label": topic_label(t, site.lang)} for t in NOTEBOOK_TOPICS]
    by_area: dict[str, dict] = {}
    for e in entries:
        by_area.setdefault(e["area_id"], {})[e["topic"]] = e
    rows = [
        {
            "area_id": area,
            "name": names.get(area, area),
            "publication": _publication_cell(area, by_area[area].get(PUBLICATION), year_dir),
            "cells": [_report_cell(area, t, by_area[area].get(t["id"])) for t in topics],
        }
        for area in sorted(by_area)
    ]
    files = {}
    if matrix is not None and not matrix.empty:
        files = downloads.write_table(_availability_rows(matrix, names), year_dir / AVAILABILITY)
    site.write_page(
        "reports",
        year_dir,
        topics=topics,
        rows=rows,
        counts=_counts(entries),
        matrix=_availability_matrix(matrix, names, site),
        downloads=downloads.links(site, files, "downloads/"),
    )


def _availability_rows(matrix: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The availability matrix (``"6/7"`` per area and topic) as a machine table: one row
    per area and topic with the indicators available and those of the topic, as numbers
    (a spreadsheet would read ``6/7`` as a date)."""
    long = matrix.reset_index().melt(id_vars="area_id", var_name="topic", value_name="shown")
    long = long.dropna(subset=["shown"])
    counts = long["shown"].astype(str).str.split("/", expand=True).astype(int)
    return pd.DataFrame(
        {
            "area_id": long["area_id"],
            "name": long["area_id"].map(lambda a: names.get(a, a)),
            "topic": long["topic"],
            "available": counts[0],
            "indicators": counts[1],
        }
    ).reset_index(drop=True)


def _publication_cell(area: str, entry: dict | None, year_dir: Path) -> dict:
    """The integrated report (HTML, PDF) and the Tabellenband of an area, or its failure."""
    if entry is None:
        return {"state": "empty"}
    if entry["status"] == FAILED:
        return {"state": "failed", "error": entry.get("error") or ""}
    names = output_names(area)
    pdf = year_dir / area / names["pdf"]
    return {
        "state": "ok",
        "stale": entry["status"] == STALE,
        "report": f"{area}/{names['report']}",
        "pdf": f"{area}/{names['pdf']}" if pdf.is_file() else None,
        "workbook": f"{area}/{names['workbook']}",
        "values_csv": f"{area}/{names['values_csv']}",
    }


def _report_cell(area: str, topic: dict, entry: dict | None) -> dict:
    """One cell of the reports table: a link (marked when stale), a failure mark or empty."""
    if entry is None:
        return {"state": "empty"}
    if entry["status"] == FAILED:
        return {"state": "failed", "label": topic["label"], "error": entry.get("error") or ""}
    return {
        "state": "ok",
        "stale": entry["status"] == STALE,
        "label": topic["label"],
        "href": f"{area}/{topic['id']}.html",
    }


def _availability_matrix(matrix: pd.DataFrame, names: dict, site: Site) -> dict:
    """``availability.summary`` (indexed by area_id) as header and rows (none without)."""
    m = matrix.reset_index() if matrix is not None else pd.DataFrame()
    if "area_id" not in m.columns:
        return {"columns": [], "rows": []}
    m.insert(0, "name", m["area_id"].map(lambda a: names.get(a, a)))
    labels = {
        "name": site.t("page_area"),
        "area_id": site.t("page_area_id"),
        "demography": site.t("page_availability_demography"),
        **{t: topic_label(t, site.lang) for t in REPORT_TOPICS},
    }
    return {
        "columns": [labels.get(c, c) for c in m.columns],
        "rows": m.astype(object).values.tolist(),
    }


def catalogue_page(site: Site, indicators: list[dict], year_dir: Path) -> None:
    """The Indikatorenkatalog: every field of every indicator, linked to its page."""
    labels = field_labels(site.lang)
    df = catalogue_entries(site.lang)
    with_values = {i["id"] for i in indicators if i["has_values"]}
    topics = []
    for topic in TOPICS:
        part = df[df["topic"] == topic]
        topics.append(
            {
                "label": topic_label(topic, site.lang),
                "entries": [
                    {
                        "id": row[labels[0]],
                        "name": row[labels[1]],
                        "href": f"indicators/{row[labels[0]]}.html",
                        "has_values": row[labels[0]] in with_values,
                        "fields": [(k, str(row[k])) for k in labels[2:] if k in row],
                    }
                    for _, row in part.iterrows()
                ],
            }
        )
    site.write_page(
        "catalogue",
        year_dir,
        topics=topics,
    )


def methods_page(site: Site, thresholds: tuple[int, int], min_cases: int, year_dir: Path):
    """How the values are made comparable and protected, and what the symbols mean."""
    site.write_page(
        "methods",
        year_dir,
        disclosure=disclosure_note(site.lang, thresholds, min_cases),
        legend=legend(site.lang),
    )


def downloads_page(site: Site, files: list[Path], year_dir: Path) -> None:
    """Every published value in three formats, the data package, licence and source."""
    listed = [
        {
            "href": f"downloads/{p.name}",
            "label": site.t(f"portal_values_{_kind(p)}"),
            "size": _size(p, site.lang),
        }
        for p in files
    ]
    site.write_page(
        "downloads",
        year_dir,
        files=listed,
    )


def _kind(path: Path) -> str:
    if path.suffix == ".parquet":
        return "parquet"
    return "excel" if path.stem.endswith("_excel") else "csv"


def _size(path: Path, lang: str) -> str:
    kib = path.stat().st_size / 1024
    if kib < 1024:
        return f"{format_number(kib, 0, lang)} KB"
    return f"{format_number(kib / 1024, 1, lang)} MB"


def accessibility_page(site: Site, year_dir: Path) -> None:
    """Erklärung zur Barrierefreiheit: the state of conformity and what is not accessible,
    the feedback contact and the enforcement procedure (from the portal's settings)."""
    site.write_page(
        "accessibility",
        year_dir,
    )


def easy_page(site: Site, example: dict | None, year_dir: Path) -> None:
    """The portal explained in Leichte Sprache, with one example in "x von 100"."""
    site.write_page(
        "easy",
        year_dir,
        example=example,
    )


def easy_example(comp: pd.DataFrame, areas: list[dict]) -> dict | None:
    """The share of foreigners of the first area that has one, as "x of 100"."""
    rows = comp[
        (comp["indicator_id"] == FOREIGN_SHARE)
        & comp["status"].isin(VALUED_INDICATORS)
        & comp["area_id"].isin([a["id"] for a in areas])
    ]
    if rows.empty:
        return None
    r = rows.iloc[0]
    name = next(a["name"] for a in areas if a["id"] == r["area_id"])
    return {"name": name, "year": int(r["year"]), "of_100": round(float(r["value"]))}
