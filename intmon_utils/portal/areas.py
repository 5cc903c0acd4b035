"""One page per municipality (``<area_id>/index.html``): its publications and reports, and
its key figures beside its Land, with links to every indicator's comparison."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalogue import load_catalogue
from ..formatting import format_value, legend
from ..manifest import FAILED, STALE
from ..publication import PUBLICATION, output_names
from ..topics import NOTEBOOK_TOPICS, topic_label
from ..vocabulary import load_vocabulary
from . import downloads
from .indicators import page_path
from .site import Site

KEY_FIGURES = "key_figures"  # stem of the downloads of an area's key figures


def _links(site: Site, area: str, by_topic: dict[str, dict], year_dir: Path) -> dict:
    """The area's publication (report, PDF, Tabellenband, values) and topic reports, with
    what failed or is stale."""
    names = output_names(area)
    pub = by_topic.get(PUBLICATION)
    publication = []
    if pub and pub["status"] != FAILED:
        publication = [
            {"href": names["report"], "label": site.t("portal_area_report")},
            *(
                [{"href": names["pdf"], "label": site.t("portal_area_pdf")}]
                if (year_dir / area / names["pdf"]).is_file()
                else []
            ),
            {"href": names["workbook"], "label": site.t("portal_area_workbook")},
            {"href": names["values_csv"], "label": site.t("portal_download_csv")},
            {"href": names["values_parquet"], "label": site.t("portal_download_parquet")},
        ]
    reports, problems = [], []
    for topic in NOTEBOOK_TOPICS:
        entry = by_topic.get(topic)
        if entry is None:
            continue
        label = topic_label(topic, site.lang)
        if entry["status"] == FAILED:
            problems.append(site.t("portal_area_failed", topic=label))
            continue
        reports.append({"href": f"{topic}.html", "label": label, "stale": entry["status"] == STALE})
    if pub and pub["status"] == FAILED:
        problems.append(site.t("portal_area_failed", topic=site.t("portal_area_report")))
    return {
        "publication": publication,
        "reports": reports,
        "problems": problems,
        "stale": any(e["status"] == STALE for e in by_topic.values()),
    }


def _key_figures(site: Site, comp: pd.DataFrame, area: str, land: str | None) -> list[dict]:
    """The key figures of the catalogue for the area, with the Land's value."""
    rows = []
    mine = comp[comp["area_id"] == area].set_index("indicator_id")
    theirs = comp[comp["area_id"] == land].set_index("indicator_id") if land else None
    for ind in load_catalogue():
        if not ind.key_figure or ind.id not in mine.index:
            continue
        r = mine.loc[ind.id]
        ref = theirs.loc[ind.id] if theirs is not None and ind.id in theirs.index else None
        rows.append(
            {
                "href": f"../{page_path(ind.id)}",
                "name": ind.text("name", site.lang),
                "topic": topic_label(ind.topic, site.lang),
                "year": int(r["year"]),
                "value": format_value(r["value"], r["status"], ind.unit, site.lang, True),
                "land": "."
                if ref is None
                else format_value(ref["value"], ref["status"], ind.unit, site.lang, True),
                "change": format_value(
                    r["change_5"],
                    r["change_5_status"]
                    if isinstance(r["change_5_status"], str)
                    else "missing_input",
                    ind.unit,
                    site.lang,
                    True,
                    sign=True,
                ),
            }
        )
    return rows


def write_pages(
    site: Site,
    comp: pd.DataFrame,
    areas: list[dict],
    entries: list[dict],
    year_dir: Path,
) -> None:
    """Every portal area's page. ``areas``: id, name, level, land (id and name)."""
    by_area: dict[str, dict] = {}
    for e in entries:
        by_area.setdefault(e["area_id"], {})[e["topic"]] = e
    vocab = load_vocabulary()
    for a in areas:
        figures = _key_figures(site, comp, a["id"], a["land"])
        files = {}
        if figures:
            keys = comp[
                (comp["area_id"].isin([a["id"], a["land"]]))
                & comp["indicator_id"].isin([i.id for i in load_catalogue() if i.key_figure])
            ]
            files = downloads.write_table(
                downloads.machine_rows(keys), year_dir / a["id"] / KEY_FIGURES
            )
        site.write(
            "area.html",
            year_dir / a["id"] / "index.html",
            root="../",
            current="",
            area={**a, "level_label": vocab.label("area_level", a["level"], site.lang)},
            links=_links(site, a["id"], by_area.get(a["id"], {}), year_dir),
            figures=figures,
            downloads=downloads.links(site, files),
            legend=legend(site.lang),
        )
