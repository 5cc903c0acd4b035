"""The portal: a static site per year under ``outputs/<year>/``, built from the manifest of
every report present and the published tables.

Pages (all below the year folder, relative links only, nothing from the network):

- ``index.html``             start: what this is, search by name or AGS, indicators by topic
- ``<area_id>/index.html``   a municipality: its publications, reports and key figures
- ``indicators/<id>.html``   an indicator: definition, chart, sortable table and downloads
                             per area level, time series of selected areas
- ``reports.html``           every report with its state (failed, stale), data availability
- ``catalogue.html``, ``methods.html``, ``downloads.html`` (+ ``datapackage.json``),
  ``barrierefreiheit.html`` (accessibility statement), ``leichte-sprache.html``

The build is keyed by everything it is made from (published tables, manifest, settings,
code); a rerun with the same key rebuilds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import availability, geometry, published
from ..comparisons import land_of, report_areas
from ..fileio import digest, write_text
from ..store import ObservationStore
from . import areas as area_pages
from . import downloads, info
from . import indicators as indicator_pages
from .site import NAVIGATION, Site, write_assets
from .values import FOREIGN_SHARE, comparison_table

KEY_FILE = ".portal.key"
MAX_SERIES = 12


def _key(store: ObservationStore, the_plan, entries: list[dict], year: int, synthetic) -> str:
    """Everything the portal of ``year`` is made from."""
    jobs = sorted((e["job"], e["status"], e.get("input_hash") or "") for e in entries)
    params = sorted(
        (a, p.name, p.model_dump_json()) for a, p in the_plan.params.items() if p.year == year
    )
    return digest(
        published.cache_key(store),
        geometry.fingerprint(store),
        the_plan.policy.key(),
        the_plan.settings.model_dump_json(),
        json.dumps([jobs, params, synthetic]),
    )


def _panels(settings, comp: pd.DataFrame, portal_areas: list[str], names: dict) -> list:
    """The areas of the time-series panels: as configured, else every portal area when
    there are at most ``MAX_SERIES``, else the ``MAX_SERIES`` most populous."""
    chosen = list(settings.series_areas)
    if not chosen and len(portal_areas) <= MAX_SERIES:
        chosen = portal_areas
    elif not chosen:
        pop = comp[comp["indicator_id"] == FOREIGN_SHARE].set_index("area_id")
        size = pop["denominator"].reindex(portal_areas).fillna(0)
        chosen = size.sort_values(ascending=False, kind="stable").index[:MAX_SERIES].tolist()
    return [(a, names.get(a, a)) for a in chosen]


def _reference(register: pd.DataFrame, portal_areas: list[str], names: dict):
    """The reference line of the time series: the one Land of all portal areas, else
    Germany (when the register has it)."""
    lands = {land_of(a, register) for a in portal_areas} - {None}
    if len(lands) == 1:
        land = lands.pop()
        return land, names.get(land, land)
    if (register["area_id"] == "DG").any():
        return "DG", names.get("DG", "DG")
    return None


def build(
    store: ObservationStore,
    the_plan,
    entries: list[dict],
    year: int,
    year_dir: Path,
    synthetic: bool,
) -> Path:
    """Write the portal of ``year`` (unless it is current) and return its start page."""
    start = year_dir / NAVIGATION["start"][0]
    key = _key(store, the_plan, entries, year, synthetic)
    key_file = year_dir / KEY_FILE
    if start.is_file() and key_file.is_file() and key_file.read_text() == key:
        return start
    key_file.unlink(missing_ok=True)
    params = {a: p for a, p in the_plan.params.items() if p.year == year}
    settings = the_plan.settings
    site = Site(year, settings.language, settings.portal, synthetic, store.data_as_of())
    register = store.read_areas()
    names = register.set_index("area_id")["name"].to_dict()
    names.update({a: p.name for a, p in params.items()})
    table = published.indicators(store, the_plan.policy) if params else None
    portal_areas = sorted(params)
    write_assets(year_dir)

    if table is not None:
        comp = comparison_table(table, register, portal_areas, year)
        comp["name"] = comp["area_id"].map(names).fillna(comp["name"])
    else:
        comp = pd.DataFrame(columns=["indicator_id", "area_id", "level", "reference"])
    level = register.set_index("area_id")["level"].to_dict()
    areas = [
        {
            "id": a,
            "name": names[a],
            "level": level.get(a, "municipality"),
            "land": land_of(a, register),
        }
        for a in portal_areas
    ]
    panels = _panels(settings.portal, comp, portal_areas, names)
    reference = _reference(register, portal_areas, names)
    history = (
        table[
            table["area_id"].isin([a for a, _ in panels] + ([reference[0]] if reference else []))
            & (table["group"] == "total")
            & (table["sex"] == "total")
            & (table["year"] <= year)
        ]
        if table is not None
        else comp.head(0)
    )
    boundaries = {
        level: (shapes, geometry.attribution(store, level, site.lang))
        for level in indicator_pages.LEVEL_ORDER
        if (shapes := geometry.read_geometry(store, level)) is not None
    }
    listed = indicator_pages.write_pages(
        site, comp, history, panels, reference, year_dir, boundaries
    )
    area_pages.write_pages(site, comp, areas, entries, year_dir)
    info.start_page(site, areas, listed, entries, year_dir)
    matrix = availability.summary(table, year, portal_areas) if table is not None else None
    info.reports_page(site, entries, names, matrix, year_dir)
    info.catalogue_page(site, listed, year_dir)
    info.methods_page(site, _thresholds(params), _min_cases(params), year_dir)
    files = []
    if table is not None:
        shown = sorted(
            {a for p in params.values() for a in report_areas(p.area_id, register, p.peers)}
        )
        files, resources = downloads.write_values(
            table[table["area_id"].isin(shown)], names, year_dir / "downloads", synthetic, year
        )
        downloads.datapackage(site, resources, year_dir)
    info.downloads_page(site, files, year_dir)
    info.accessibility_page(site, year_dir)
    info.easy_page(site, info.easy_example(comp, areas) if table is not None else None, year_dir)
    write_text(key_file, key)  # last: the portal is complete
    return start


def _thresholds(params: dict) -> tuple[int, int]:
    counts = [p.disclosure.min_count for p in params.values()] or [3]
    return min(counts), max(counts)


def _min_cases(params: dict) -> int:
    return max((p.disclosure.min_cases for p in params.values()), default=30)
